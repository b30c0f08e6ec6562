// The stand-in Python onnxruntime's engine (see onnxruntime/__init__.py): reads one request as JSON
// on stdin ({ model, feeds, outputs }), runs it in onnxruntime-node, writes the outputs as JSON.
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';

const request = JSON.parse(readFileSync(0, 'utf8'));
const session = await ort.InferenceSession.create(request.model);
const feeds = Object.fromEntries(
  Object.entries(request.feeds).map(([name, { dtype, shape, data }]) => {
    const values = dtype === 'float32' ? Float32Array.from(data) : Float64Array.from(data);
    return [name, new ort.Tensor(dtype, values, shape)];
  }),
);
const results = await session.run(feeds, request.outputs);
const out = request.outputs.map((name) => {
  const t = results[name];
  return { dtype: t.type, shape: t.dims, data: [...t.data] };
});
process.stdout.write(JSON.stringify(out));
