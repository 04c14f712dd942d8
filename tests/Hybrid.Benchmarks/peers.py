"""The peers' side of the peer comparison: one workload, one library per call, warmed up, then
timed; prints one line "workload value unit" (the same format as Hybrid's `peers` mode).

    /usr/bin/python3 peers.py <numpy|torch|sklearn> <mlp|mlp32|s29|mnist1|mnist1-cold|gemm|gemm32>
    /usr/bin/python3 peers.py kernel     (numpy's BLAS and the kernel it chose, via threadpoolctl)

Workloads (float64 unless named ...32, random data from fixed seeds):
  mlp     MLP 784-256-128-10, ReLU, softmax cross-entropy, SGD lr 0.01, batch 128,
          one epoch of 60,000 random rows -> samples/s
  s29     the "20 lines" network: 64x1000 -> 100 sigmoid -> 10, sum of squares, 2000 steps -> steps/s
  mnist1  one hidden layer of 100 ReLU, 8,000x784, batch 200, Adam, one epoch incl. metrics -> s/epoch
          (mnist1-cold: the same after a warm-up on 1,000 rows only)
  gemm    1000x1000 * 1000x1000 product, best of 5 -> GFLOP/s
  mlp32, gemm32: the same at float32 (the default precision of PyTorch and Keras)
"""
import sys
import time

import numpy as np


def rate(name, unit, work, warm, count):
    """Runs work(warm) once to warm up, then times work(count): (name, count per second, unit)."""
    work(warm)
    t = time.perf_counter()
    work(count)
    return name, count / (time.perf_counter() - t), unit


def torch2():
    """PyTorch on both cores."""
    import torch
    torch.set_num_threads(2)
    return torch


def data(seed, n, d=784, classes=10):
    r = np.random.default_rng(seed)
    return r.random((n, d)), r.integers(0, classes, n)


def numpy_mlp(dtype=np.float64, cold=False):
    x, y = data(1, 60_000)
    x = x.astype(dtype)
    r = np.random.default_rng(1)
    sizes = [784, 256, 128, 10]
    ws = [(r.standard_normal((a, b)) * np.sqrt(2.0 / a)).astype(dtype) for a, b in zip(sizes, sizes[1:])]
    bs = [np.zeros(b, dtype=dtype) for b in sizes[1:]]
    onehot = np.eye(10, dtype=dtype)[y]

    def epoch(rows):
        order = r.permutation(rows)
        for s in range(0, rows, 128):
            idx = order[s:s + 128]
            a = [x[idx]]
            for i, (w, b) in enumerate(zip(ws, bs)):
                z = a[-1] @ w + b
                a.append(np.maximum(z, 0) if i < 2 else z)
            z = a[-1] - a[-1].max(axis=1, keepdims=True)
            p = np.exp(z)
            p /= p.sum(axis=1, keepdims=True)
            dz = (p - onehot[idx]) / len(idx)
            for i in (2, 1, 0):
                dw, db = a[i].T @ dz, dz.sum(axis=0)
                if i > 0:
                    dz = (dz @ ws[i].T) * (a[i] > 0)
                ws[i] -= dtype(0.01) * dw
                bs[i] -= dtype(0.01) * db

    if cold:
        # The first epoch in a fresh process, no warm-up (Hybrid's mlp-cold).
        return rate("mlp-cold", "samples/s", epoch, 0, 60_000)
    return rate("mlp32" if dtype == np.float32 else "mlp", "samples/s", epoch, 2_560, 60_000)


def torch_mlp(single=False):
    torch = torch2()
    x, y = data(1, 60_000)
    x, y = torch.from_numpy(x), torch.from_numpy(y)
    torch.manual_seed(1)
    net = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 128),
                              torch.nn.ReLU(), torch.nn.Linear(128, 10))
    net = net.float() if single else net.double()
    if single:
        x = x.float()
    opt = torch.optim.SGD(net.parameters(), lr=0.01)
    loss_fn = torch.nn.CrossEntropyLoss()

    def epoch(rows):
        order = torch.randperm(rows)
        for s in range(0, rows, 128):
            idx = order[s:s + 128]
            opt.zero_grad()
            loss = loss_fn(net(x[idx]), y[idx])
            loss.backward()
            opt.step()

    return rate("mlp32" if single else "mlp", "samples/s", epoch, 2_560, 60_000)


def numpy_s29():
    r = np.random.default_rng(6)
    x, y = r.standard_normal((64, 1000)), r.standard_normal((64, 10))
    w1, w2 = r.standard_normal((1000, 100)), r.standard_normal((100, 10))

    def steps(n):
        nonlocal w1, w2
        for _ in range(n):
            h = 1 / (1 + np.exp(-x.dot(w1)))
            y_pred = h.dot(w2)
            grad_y_pred = 2.0 * (y_pred - y)
            grad_w2 = h.T.dot(grad_y_pred)
            grad_h = grad_y_pred.dot(w2.T)
            grad_w1 = x.T.dot(grad_h * h * (1 - h))
            w1 -= 1e-6 * grad_w1
            w2 -= 1e-6 * grad_w2

    return rate("s29", "steps/s", steps, 50, 2000)


def torch_s29():
    torch = torch2()
    g = torch.Generator().manual_seed(6)
    x, y = torch.randn(64, 1000, generator=g, dtype=torch.float64), torch.randn(64, 10, generator=g, dtype=torch.float64)
    w1 = torch.randn(1000, 100, generator=g, dtype=torch.float64)
    w2 = torch.randn(100, 10, generator=g, dtype=torch.float64)

    def steps(n):
        for _ in range(n):
            h = torch.sigmoid(x @ w1)
            y_pred = h @ w2
            grad_y_pred = 2.0 * (y_pred - y)
            grad_w2 = h.T @ grad_y_pred
            grad_h = grad_y_pred @ w2.T
            grad_w1 = x.T @ (grad_h * h * (1 - h))
            w1.sub_(1e-6 * grad_w1)
            w2.sub_(1e-6 * grad_w2)

    return rate("s29", "steps/s", steps, 50, 2000)


def sklearn_mnist1(cold=False):
    import warnings
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier
    warnings.simplefilter("ignore", ConvergenceWarning)
    x, y = data(3, 8_000)
    # Warm-up: one whole fit (Hybrid's side warms up with three: its JIT's tiers need them);
    # mnist1-cold: a fit on 1,000 rows, as Hybrid's mnist1-cold.
    warm = 1_000 if cold else len(x)
    MLPClassifier(hidden_layer_sizes=(100,), batch_size=200, max_iter=1, random_state=1).fit(x[:warm], y[:warm])
    clf = MLPClassifier(hidden_layer_sizes=(100,), batch_size=200, max_iter=1, random_state=1)
    t = time.perf_counter()
    clf.fit(x, y)
    return "mnist1-cold" if cold else "mnist1", time.perf_counter() - t, "s/epoch"


def gemm(lib, dtype=np.float64):
    r = np.random.default_rng(1)
    a, b = r.random((1000, 1000)).astype(dtype), r.random((1000, 1000)).astype(dtype)
    if lib == "torch":
        torch = torch2()
        a, b = torch.from_numpy(a), torch.from_numpy(b)
    for _ in range(3):
        a @ b
    best = float("inf")
    for _ in range(5):
        t = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - t)
    return ("gemm32" if dtype == np.float32 else "gemm"), 2e9 / best / 1e9, "GFLOP/s"


def kernel():
    """numpy's BLAS library and the kernel (architecture) OpenBLAS chose, through threadpoolctl."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "threadpoolctl is not installed (Debian: python3-threadpoolctl)"
    return "; ".join(f"{i.get('internal_api')} {i.get('version')} {i.get('architecture')} {i.get('num_threads')} threads"
                     for i in threadpool_info() if i.get("user_api") == "blas") or "no BLAS found"


RUNS = {
    ("numpy", "mlp"): numpy_mlp,
    ("torch", "mlp"): torch_mlp,
    ("numpy", "s29"): numpy_s29,
    ("torch", "s29"): torch_s29,
    ("sklearn", "mnist1"): sklearn_mnist1,
    ("sklearn", "mnist1-cold"): lambda: sklearn_mnist1(cold=True),
    ("numpy", "gemm"): lambda: gemm("numpy"),
    ("torch", "gemm"): lambda: gemm("torch"),
    ("numpy", "mlp-cold"): lambda: numpy_mlp(cold=True),
    ("numpy", "mlp32"): lambda: numpy_mlp(np.float32),
    ("torch", "mlp32"): lambda: torch_mlp(single=True),
    ("numpy", "gemm32"): lambda: gemm("numpy", np.float32),
    ("torch", "gemm32"): lambda: gemm("torch", np.float32),
}

if __name__ == "__main__":
    if sys.argv[1:] == ["kernel"]:
        print(kernel())
        sys.exit(0)
    if len(sys.argv) != 3 or (sys.argv[1], sys.argv[2]) not in RUNS:
        sys.exit("usage: peers.py <lib> <workload>; pairs: " + ", ".join(f"{l} {w}" for l, w in RUNS))
    name, value, unit = RUNS[(sys.argv[1], sys.argv[2])]()
    print(f"{name} {value:.4f} {unit}")
