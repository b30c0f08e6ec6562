"""Workload P for PyTorch: per-sample gradients of B's network with functorch's vmap(grad), at one
thread, next to a loop of per-sample torch.autograd.grad calls. Reads the network and the batch
as JSON on stdin (from benchmarks/src/torch-func.ts, so the numbers are those every library gets)
and prints one JSON object per variant on stdout. Needs Debian's python3-torch (1.13, which ships
functorch; torch.func is its later name): /usr/bin/python3.
"""

import json
import sys
import time

import functorch
import torch

torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)

spec = json.load(sys.stdin)
params = [torch.tensor(p["values"]).reshape(p["shape"]) for p in spec["params"]]
x = torch.tensor(spec["x"]).reshape(spec["batch"], -1)
y = torch.tensor(spec["y"])


def sample_loss(p, xi, yi):
    h1 = torch.sigmoid(xi @ p[0] + p[1])
    h2 = torch.relu(h1 @ p[2] + p[3])
    return ((h2 @ p[4] + p[5]) - yi).square().sum()


per_sample = functorch.vmap(functorch.grad(sample_loss), in_dims=(None, 0, 0))


def loop():
    rows = []
    for i in range(spec["batch"]):
        ps = [q.detach().requires_grad_(True) for q in params]
        rows.append(torch.autograd.grad(sample_loss(ps, x[i], y[i]), ps))
    return [torch.stack([r[j] for r in rows]) for j in range(len(params))]


def timed(fn, seconds):
    fn()  # warm-up
    times = []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end or len(times) < 5:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    times.sort()
    return times[len(times) // 2], len(times)


reference = loop()
for variant, fn in [
    ("functorch vmap(grad), float64, 1 thread", lambda: per_sample(params, x, y)),
    (f"loop of {spec['batch']} autograd.grad calls, float64, 1 thread", loop),
]:
    diff = max(float((g - r).abs().max()) for g, r in zip(fn(), reference))
    median, samples = timed(fn, spec["seconds"])
    print(json.dumps({
        "variant": variant,
        "median": median,
        "samples": samples,
        "maxAbsDiffFromLoop": diff,
        "torch": torch.__version__,
    }))
