"""Time to 97 % test accuracy on the digits: optimlib's MLP against the same MLP in torch.

Both sides train the same network (64-64-10, ReLU, He-initialised hidden layer and Glorot output
layer: optimlib's ``build_mlp`` draws the weights and torch starts from a copy of them), with Adam
at the same learning rate, on the same mini-batches (one permutation per epoch from one seed),
and check the test accuracy after every epoch. The loops are written alike, so that the
difference is the per-step cost of each library. ``optimlib.train.fit`` is timed as well: it
also evaluates the training set after each epoch (what the book's chapters call).
"""
from __future__ import annotations

import contextlib
import time

import numpy as np

from optimlib import optim
from optimlib.data import load_digits
from optimlib.nn import build_mlp

__all__ = ["run_optimlib", "run_optimlib_fit", "run_torch", "SIZES"]

SIZES = (64, 64, 10)


def _blas_threads(n):
    """Limit NumPy's BLAS to ``n`` threads inside the block (``None``: leave it alone)."""
    if n is None:
        return contextlib.nullcontext()
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        raise ImportError("the benchmark needs threadpoolctl to set NumPy's BLAS threads: "
                          "`pip install threadpoolctl` (or `pip install -r requirements-dev.txt`)") from None
    return threadpool_limits(limits=n, user_api="blas")


def run_optimlib(dtype=np.float64, *, lr=1e-3, batch_size=32, target=0.97, max_epochs=50,
                 seed=0, threads=None) -> dict:
    X, y, X_test, y_test = load_digits(dtype)[:4]
    model = build_mlp(SIZES, seed=seed, dtype=dtype)
    opt = optim.get("adam", model.params, lr=lr)
    rng = np.random.default_rng(seed)
    n = len(X)
    X_batch = np.empty((batch_size, X.shape[1]), X.dtype)
    y_batch = np.empty(batch_size, y.dtype)
    acc, epochs = 0.0, 0
    with _blas_threads(threads):
        t0 = time.perf_counter()
        while acc < target and epochs < max_epochs:
            order = rng.permutation(n)
            for i in range(0, n, batch_size):
                idx = order[i:i + batch_size]
                xb = np.take(X, idx, axis=0, out=X_batch[:len(idx)])
                yb = np.take(y, idx, out=y_batch[:len(idx)])
                model.loss_and_grad(xb, yb)
                opt.step(model.grads)
            epochs += 1
            acc = model.accuracy(X_test, y_test)
        seconds = time.perf_counter() - t0
    return {"seconds": seconds, "epochs": epochs, "test_acc": acc, "reached": acc >= target,
            "steps": epochs * -(-n // batch_size)}


def run_optimlib_fit(dtype=np.float64, *, lr=1e-3, batch_size=32, target=0.97, max_epochs=50,
                     seed=0, threads=None) -> dict:
    """``optimlib.train.fit`` for ``max_epochs`` epochs; the time until the first epoch whose
    test accuracy reaches ``target`` (fit itself does not stop early)."""
    from optimlib.train import fit
    d = load_digits(dtype)
    model = build_mlp(SIZES, seed=seed, dtype=dtype)
    with _blas_threads(threads):
        h = fit(model, "adam", d, epochs=max_epochs, batch_size=batch_size, seed=seed,
                progress=False, lr=lr)
    hit = [i for i, a in enumerate(h.test_acc) if a >= target]
    k = hit[0] + 1 if hit else len(h.test_acc)
    return {"seconds": float(sum(h.epoch_seconds[:k])), "epochs": k,
            "test_acc": h.test_acc[k - 1] if k else 0.0, "reached": bool(hit)}


def run_torch(dtype=np.float32, *, lr=1e-3, batch_size=32, target=0.97, max_epochs=50, seed=0,
              threads=None) -> dict:
    import torch
    from torch import nn
    from torch.nn import functional as F

    saved = torch.get_num_threads()
    if threads is not None:
        torch.set_num_threads(threads)
    try:
        tdtype = {np.float32: torch.float32, np.float64: torch.float64}[dtype]
        d = load_digits(dtype)
        X, y = torch.from_numpy(d.X_train), torch.from_numpy(d.y_train)
        X_test, y_test = torch.from_numpy(d.X_test), torch.from_numpy(d.y_test)
        ref = build_mlp(SIZES, seed=seed, dtype=dtype)  # the same initial weights
        layers = []
        for n_in, n_out in zip(SIZES[:-1], SIZES[1:]):
            layers += [nn.Linear(n_in, n_out, dtype=tdtype), nn.ReLU()]
        model = nn.Sequential(*layers[:-1])
        with torch.no_grad():
            linears = [m for m in model if isinstance(m, nn.Linear)]
            for lin, (W, b) in zip(linears, zip(ref.params[::2], ref.params[1::2])):
                lin.weight.copy_(torch.from_numpy(W.T.copy()))  # torch stores (out, in)
                lin.bias.copy_(torch.from_numpy(b))
        opt = torch.optim.Adam(model.parameters(), lr=lr)
        rng = np.random.default_rng(seed)
        n = len(X)
        acc, epochs = 0.0, 0
        t0 = time.perf_counter()
        while acc < target and epochs < max_epochs:
            order = torch.from_numpy(rng.permutation(n))
            for i in range(0, n, batch_size):
                idx = order[i:i + batch_size]
                xb, yb = X[idx], y[idx]
                opt.zero_grad()
                loss = F.cross_entropy(model(xb), yb)
                loss.backward()
                opt.step()
            epochs += 1
            with torch.no_grad():
                acc = float((model(X_test).argmax(1) == y_test).double().mean())
        seconds = time.perf_counter() - t0
    finally:
        torch.set_num_threads(saved)
    return {"seconds": seconds, "epochs": epochs, "test_acc": acc, "reached": acc >= target,
            "steps": epochs * -(-n // batch_size)}
