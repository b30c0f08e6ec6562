# PyTorch CPU at one thread on B (benchmarks/src/pytorch.ts starts it with Debian's
# /usr/bin/python3 and python3-torch, and hands it the workload on stdin as JSON: the same data,
# initial weights and timing settings as every other library). The step is a user's:
# zero_grad, MSELoss of an nn.Sequential, backward, SGD step, loss.item().
import json
import sys
import time

import torch

torch.set_num_threads(1)
job = json.load(sys.stdin)
spec = job["spec"]
dtype = {"float32": torch.float32, "float64": torch.float64}[job["dtype"]]
sizes, batch, lr = spec["sizes"], spec["batch"], spec["lr"]
d = sizes[0]
x = torch.tensor(spec["x"], dtype=dtype).reshape(-1, d)
y = torch.tensor(spec["y"], dtype=dtype).reshape(-1, 1)
nb = spec["samples"] // batch
batches = [(x[k * batch:(k + 1) * batch].clone(), y[k * batch:(k + 1) * batch].clone()) for k in range(nb)]
ACT = {"sigmoid": torch.nn.Sigmoid, "relu": torch.nn.ReLU}


def make_step():
    layers = []
    for i, l in enumerate(spec["init"]):
        lin = torch.nn.Linear(l["inSize"], l["outSize"]).to(dtype)
        with torch.no_grad():
            # ours is W[in][out] (x·W); PyTorch's weight is [out, in] (x·Wᵀ)
            lin.weight.copy_(torch.tensor(l["w"], dtype=dtype).reshape(l["inSize"], l["outSize"]).T)
            lin.bias.copy_(torch.tensor(l["b"], dtype=dtype))
        layers.append(lin)
        act = spec["hidden"][i] if i < len(spec["init"]) - 1 else spec["output"]
        if act != "linear":
            layers.append(ACT[act]())
    net = torch.nn.Sequential(*layers)
    opt = torch.optim.SGD(net.parameters(), lr=lr)
    loss_fn = torch.nn.MSELoss()

    def step(k):
        xb, yb = batches[k % nb]
        opt.zero_grad()
        loss = loss_fn(net(xb), yb)
        loss.backward()
        opt.step()
        return loss.item()

    return step


# the timed loop of common.ts's trainLoop, step for step
w0 = time.perf_counter()
warm = 0
throwaway = make_step()
while warm < spec["warmupMinSteps"] or time.perf_counter() - w0 < spec["warmupSeconds"]:
    throwaway(warm)
    warm += 1
warmup_seconds = time.perf_counter() - w0
step = make_step()
losses = [step(k) for k in range(spec["warmupSteps"])]
total = spec["warmupSteps"] + spec["steps"]
chunk = spec["steps"] // 10
rates = []
k = spec["warmupSteps"]
t0 = time.perf_counter()
for c in range(10):
    end = total if c == 9 else k + chunk
    n = end - k
    tc = time.perf_counter()
    while k < end:
        losses.append(step(k))
        k += 1
    rates.append(n / (time.perf_counter() - tc))
while time.perf_counter() - t0 < spec["minTimedSeconds"]:
    tc = time.perf_counter()
    end = k + chunk
    while k < end:
        step(k)
        k += 1
    rates.append(chunk / (time.perf_counter() - tc))
seconds = time.perf_counter() - t0
timed = k - spec["warmupSteps"]
last_epoch = losses[total - nb:total]
print(json.dumps({
    "timedSteps": timed,
    "seconds": seconds,
    "rates": rates,
    "firstLoss": losses[0],
    "lastLoss": losses[total - 1],
    "lastEpochLoss": sum(last_epoch) / len(last_epoch),
    "warmupThrowawaySteps": warm,
    "warmupSeconds": warmup_seconds,
    "version": torch.__version__,
    "threads": torch.get_num_threads(),
}))
