"""One training step of an MLP: nnlib against PyTorch on the CPU, measured side by side.

    python benchmarks/mlp_step.py [--repeats 15]
    OPENBLAS_NUM_THREADS=1 python benchmarks/mlp_step.py --threads 1 --cpu-time


A step is forward, loss, backward, Adam step, zero_grad, in float32, on
    large: 784-256-128-10 ReLU MLP, batch 128, CrossEntropyLoss
    small: 2-16-16-1 ReLU MLP, batch 4 and 256, BCEWithLogitsLoss (Python overhead dominates)
PyTorch runs with 2 threads and torch.optim.Adam (default, then fused=True). The contenders
take turns in blocks of steps (interleaved, so machine load hits them alike): the time per
step is the median over the repeats, the ratio the median of the ratios of adjacent blocks.
Goals (issue 3): nnlib/torch time ratio <= 1.0 on the large net, <= 1/3 on the small one.
Also checks that nnlib stayed float32 throughout (activations, gradients, optimizer state).

On a busy machine (load average above the number of cores) two-thread wall-clock timings
degrade unevenly: a thread waiting for its partner loses whole time slices. The second
command is the load-robust variant: everything single-threaded, timed in CPU time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np

from nnlib.layers import Linear, ReLU, Sequential
from nnlib.losses import BCEWithLogitsLoss, CrossEntropyLoss
from nnlib.optim import Adam

try:
    import torch
except ImportError:
    torch = None

CASES = [  # name, layer sizes, batch, steps per timed block, goal for the nnlib/torch ratio
    ("large 784-256-128-10, batch 128", (784, 256, 128, 10), 128, 20, 1.0),
    ("small 2-16-16-1, batch 4", (2, 16, 16, 1), 4, 300, 1 / 3),
    ("small 2-16-16-1, batch 256", (2, 16, 16, 1), 256, 200, 1 / 3),
]


def nnlib_model(sizes: tuple[int, ...], rng: np.random.Generator) -> Sequential:
    layers = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:], strict=True):
        layers += [Linear(fan_in, fan_out, rng=rng, dtype=np.float32), ReLU()]
    return Sequential(*layers[:-1])  # no ReLU after the output layer


def data(sizes: tuple[int, ...], batch: int, rng: np.random.Generator):
    x = rng.standard_normal((batch, sizes[0]), dtype=np.float32)
    if sizes[-1] == 1:
        return x, (rng.random((batch, 1)) < 0.5).astype(np.float32), BCEWithLogitsLoss()
    return x, rng.integers(0, sizes[-1], batch), CrossEntropyLoss()


def nnlib_step(model: Sequential, loss_fn, opt: Adam, x: np.ndarray, y: np.ndarray) -> None:
    loss_fn(model(x), y)
    # the input is data: no gradient for it, as torch skips one for an input without requires_grad
    model.backward_params(loss_fn.backward())
    opt.step()
    opt.zero_grad()


def torch_twin(model: Sequential, x: np.ndarray, y: np.ndarray, fused: bool):
    """The same network, weights and batch in PyTorch; returns a function doing one step."""
    linears = [layer for layer in model.layers if isinstance(layer, Linear)]
    layers = []
    for layer in linears:
        twin = torch.nn.Linear(layer.in_features, layer.out_features)
        with torch.no_grad():
            twin.weight.copy_(torch.from_numpy(layer.W.data.T.copy()))  # torch stores (out, in)
            twin.bias.copy_(torch.from_numpy(layer.b.data))
        layers += [twin, torch.nn.ReLU()]
    net = torch.nn.Sequential(*layers[:-1])
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, fused=True if fused else None)
    if y.dtype == np.float32:
        loss_fn, yt = torch.nn.BCEWithLogitsLoss(), torch.from_numpy(y)
    else:
        loss_fn, yt = torch.nn.CrossEntropyLoss(), torch.from_numpy(y)
    xt = torch.from_numpy(x)

    def step() -> None:
        loss_fn(net(xt), yt).backward()
        opt.step()
        opt.zero_grad()

    return step


def float32_problems(model: Sequential, loss_fn, opt: Adam, x: np.ndarray, y: np.ndarray):
    """Every array of an nnlib step that is not float32: activations, gradients, state."""
    bad, h = [], x
    for i, layer in enumerate(model.layers):
        h = layer(h)
        if h.dtype != np.float32:
            bad.append(f"activation of layer {i} ({layer!r}): {h.dtype}")
    loss_fn(h, y)
    d = loss_fn.backward()
    for i, layer in reversed(list(enumerate(model.layers))):
        d = layer.backward(d)
        if d.dtype != np.float32:
            bad.append(f"gradient into layer {i}: {d.dtype}")
    opt.step()
    for name, p in model.named_parameters():
        state = [v for v in opt.state[id(p)].values() if isinstance(v, np.ndarray)]
        for what, a in [("data", p.data), ("grad", p.grad)] + [("state", s) for s in state]:
            if a.dtype != np.float32:
                bad.append(f"{name}.{what}: {a.dtype}")
    opt.zero_grad()
    return bad


def time_block(step, n: int, clock=time.perf_counter) -> float:
    start = clock()
    for _ in range(n):
        step()
    return (clock() - start) / n


def bench(name: str, sizes, batch: int, n: int, goal: float, repeats: int, clock) -> None:
    rng = np.random.default_rng(0)
    model = nnlib_model(sizes, rng)
    x, y, loss_fn = data(sizes, batch, rng)
    opt = Adam(model.parameters(), lr=1e-3)
    contenders = {}
    if torch is not None:  # built first: they copy the initial weights
        contenders["torch"] = torch_twin(model, x, y, fused=False)
        contenders["torch fused"] = torch_twin(model, x, y, fused=True)
    contenders["nnlib"] = lambda: nnlib_step(model, loss_fn, opt, x, y)
    times = {key: [] for key in contenders}
    for step in contenders.values():  # warm-up: first-touch allocations, lazy init
        time_block(step, max(3, n // 10), clock)
    for _ in range(repeats):
        for key, step in contenders.items():
            times[key].append(time_block(step, n, clock))
    median = {key: statistics.median(t) for key, t in times.items()}
    print(f"\n{name}  ({repeats} repeats x {n} steps, median)")
    for key, t in median.items():
        spread = f"{min(times[key]) * 1e3:.3f}-{max(times[key]) * 1e3:.3f}"
        print(f"  {key:12s} {1 / t:9.0f} steps/s  {t * 1e3:8.3f} ms/step  (range {spread} ms)")
    if torch is None:
        print("  torch not installed: no ratio")
    else:
        ratio = {key: statistics.median(a / b for a, b in zip(times["nnlib"], times[key],
                                                                  strict=True))
                 for key in ("torch", "torch fused")}
        for key, r in ratio.items():
            print(f"  ratio nnlib/{key:12s} {r:.2f}  (time; < 1 is faster)")
        verdict = "met" if ratio["torch"] <= goal else "MISSED"
        print(f"  goal nnlib/torch <= {goal:.2f}: {verdict}")
    bad = float32_problems(model, loss_fn, opt, x, y)
    print("  float32 end to end: " + ("yes" if not bad else "NO: " + "; ".join(bad)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15, help="timed blocks per contender")
    parser.add_argument("--threads", type=int, default=2, help="PyTorch's threads (default 2)")
    parser.add_argument("--cpu-time", action="store_true",
                        help="time the CPU time of the main thread, not wall time (needs "
                             "OPENBLAS_NUM_THREADS=1 and --threads 1)")
    args = parser.parse_args()
    if args.cpu_time and (args.threads != 1 or os.environ.get("OPENBLAS_NUM_THREADS") != "1"):
        parser.error("--cpu-time only counts the main thread: run with OPENBLAS_NUM_THREADS=1 "
                     "and --threads 1")
    clock = time.thread_time if args.cpu_time else time.perf_counter
    blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
    env = ", ".join(f"{k}={os.environ.get(k, '(not set)')}"
                    for k in ("OPENBLAS_CORETYPE", "OPENBLAS_NUM_THREADS"))
    print(f"numpy {np.__version__} ({blas.get('name')} {blas.get('version')}), {env}")
    if torch is None:
        print("torch not installed: timing nnlib alone")
    else:
        torch.set_num_threads(args.threads)
        print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    load, cores = os.getloadavg()[0], os.cpu_count()
    print(f"timing {'CPU' if args.cpu_time else 'wall-clock'} time; load average {load:.1f} "
          f"on {cores} cores" + ("  (BUSY: see the docstring)" if load > cores else ""))
    for name, sizes, batch, n, goal in CASES:
        bench(name, sizes, batch, n, goal, args.repeats, clock)


if __name__ == "__main__":
    main()
