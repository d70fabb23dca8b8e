"""Numerical gradients by finite differences, and gradient checking."""
from __future__ import annotations

import numpy as np

from ._checks import check_float_array, check_number

__all__ = ["numerical_gradient", "relative_error", "normwise_error", "check_gradient",
           "numerical_hessian"]


def numerical_gradient(f, x: np.ndarray, h: float = 1e-6, method: str = "central") -> np.ndarray:
    r"""Approximate :math:`\nabla f(x)` one coordinate at a time.

    central: :math:`(f(x + h e_i) - f(x - h e_i)) / 2h`, error :math:`O(h^2)`, 2n evaluations;
    forward: :math:`(f(x + h e_i) - f(x)) / h`, error :math:`O(h)`, n + 1 evaluations.
    ``x`` must be a float array: it is nudged in place and restored.
    """
    check_float_array("x", x)
    h = check_number("h", h, 0.0, low_open=True)
    if method not in ("central", "forward"):
        raise ValueError(f"method must be 'central' or 'forward', got {method!r}")
    grad = np.zeros_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)  # views (copies only if x is non-contiguous)
    if not np.shares_memory(flat, x):
        raise ValueError("x must be contiguous, since it is nudged in place")
    f0 = f(x) if method == "forward" else None
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        f_plus = f(x)
        if method == "central":
            flat[i] = old - h
            gflat[i] = (f_plus - f(x)) / (2 * h)
        else:
            gflat[i] = (f_plus - f0) / h
        flat[i] = old
    return grad


def numerical_hessian(grad_f, x, h: float = 1e-5) -> np.ndarray:
    r"""The Hessian :math:`\nabla^2 f(x)` of a function of a 1-D ``x``: row i is the central
    difference of the i-th component of its analytic gradient ``grad_f``, then symmetrised."""
    x = np.array(x, dtype=float)
    if x.ndim != 1:
        raise ValueError(f"x must be a 1-D point, got shape {x.shape}")
    H = np.array([numerical_gradient(lambda z: np.asarray(grad_f(z))[i], x.copy(), h)
                  for i in range(x.size)])
    return (H + H.T) / 2


def relative_error(a, b, floor: float = 1e-12) -> float:
    r""":math:`\max_i |a_i - b_i| / \max(|a_i| + |b_i|, \text{floor})`: scale-free, 0 when equal."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"shapes differ: {a.shape} and {b.shape}")
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), floor), initial=0.0))


def normwise_error(a, b, floor: float = 1e-12) -> float:
    r""":math:`\|a - b\| / \max(\|a\| + \|b\|, \text{floor})`: one number for the whole vector.

    Unlike :func:`relative_error` it is not thrown off by coordinates whose true value is ~0,
    where round-off alone makes the per-coordinate relative error large.
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"shapes differ: {a.shape} and {b.shape}")
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), floor))


def check_gradient(f, grad_f, x: np.ndarray, h: float = 1e-6, tol: float = 1e-6) -> float:
    """Compare an analytic gradient with the central difference; return their normwise error.

    Raises ``AssertionError`` naming the worst coordinate when the error exceeds ``tol``.
    """
    analytic = np.asarray(grad_f(x), dtype=float)
    numeric = numerical_gradient(f, x.copy(), h)
    err = normwise_error(analytic, numeric)
    if err > tol:
        i = tuple(int(k) for k in np.unravel_index(np.argmax(np.abs(analytic - numeric)), analytic.shape))
        raise AssertionError(f"gradient check failed: relative error {err:.2e} > {tol:.0e}; "
                             f"worst at index {i}: analytic {analytic[i]:.6g}, numerical {numeric[i]:.6g}")
    return err
