"""A stand-in for Python's onnxruntime where it cannot be installed (it comes from PyPI, which
the test machines cannot reach, and Debian does not package it). It covers what the docs' Python
block uses: InferenceSession(path), get_modelmeta().custom_metadata_map, get_inputs(),
get_outputs() and run(). Each run is computed by the real ONNX Runtime through onnxruntime-node
(run_session.mjs beside this package); the metadata is read with Debian's python3-onnx."""

import json
import os
import subprocess
from types import SimpleNamespace

import numpy as np
import onnx

_RUNNER = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "run_session.mjs")
_DTYPES = {np.dtype("float32"): "float32", np.dtype("float64"): "float64"}


class InferenceSession:
    def __init__(self, path, *args, **kwargs):
        self._path = os.path.abspath(path)
        self._model = onnx.load(self._path)

    def get_modelmeta(self):
        props = {p.key: p.value for p in self._model.metadata_props}
        return SimpleNamespace(custom_metadata_map=props, producer_name=self._model.producer_name)

    def get_inputs(self):
        return [SimpleNamespace(name=v.name) for v in self._model.graph.input]

    def get_outputs(self):
        return [SimpleNamespace(name=v.name) for v in self._model.graph.output]

    def run(self, output_names, input_feed):
        feeds = {}
        for name, value in input_feed.items():
            array = np.asarray(value)
            if array.dtype not in _DTYPES:
                raise TypeError(f"input '{name}': dtype {array.dtype}; the stand-in passes float32 and float64")
            feeds[name] = {"dtype": _DTYPES[array.dtype], "shape": list(array.shape), "data": array.ravel().tolist()}
        names = output_names or [o.name for o in self.get_outputs()]
        request = json.dumps({"model": self._path, "feeds": feeds, "outputs": names})
        done = subprocess.run(["node", _RUNNER], input=request, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"onnxruntime-node failed: {done.stderr}")
        results = json.loads(done.stdout)
        return [np.array(r["data"], dtype=r["dtype"]).reshape(r["shape"]) for r in results]
