"""``fused=True``: an optimizer's step as one compiled pass over memory, equal to its NumPy update.

The NumPy ``update`` of an optimizer makes one pass over its slice per operation (Adam: 13);
a fused step reads each element of the parameter, the gradient and the buffers once, does the
whole update on it and writes it back: the least memory traffic a step can have. The kernels are
in :mod:`optimlib.optim._fused_kernels` (Numba, an optional dependency:
``pip install optimlib[fused]``). The functions here take what ``update`` takes, for whole
flattened arrays, and round every scalar to the arrays' dtype as NumPy does, so that the fused
step gives the NumPy step's numbers.
"""
from __future__ import annotations

import numpy as np

__all__ = ["require", "adam", "sgd", "lion", "INSTALL"]

INSTALL = "pip install optimlib[fused]"

#: dtypes the kernels compute in (float16 has no native arithmetic on a CPU)
DTYPES = (np.float32, np.float64)


def require():
    """The compiled kernels; an ImportError naming the extra to install if Numba is missing."""
    try:
        import numba  # noqa: F401
    except ImportError as e:
        raise ImportError(f"fused=True compiles the step with Numba, which is not installed: "
                          f"{INSTALL} (or pip install numba), or use fused=False") from e
    from . import _fused_kernels
    return _fused_kernels


def _none(T):
    return np.empty(0, T)  # stands for a buffer the kernel does not touch


def adam(p, g, exp_avg, exp_avg_sq, max_exp_avg_sq=None, *, lr, betas, eps, weight_decay,
         amsgrad, decoupled_weight_decay, step):
    """:meth:`Adam.update` on whole flat arrays in one pass (its scalars, computed alike)."""
    T = p.dtype.type
    beta1, beta2 = betas
    w = 1 - beta1
    bias_correction1 = 1 - beta1 ** step
    bias_correction2 = 1 - beta2 ** step
    step_size = lr / bias_correction1
    l2 = bool(weight_decay) and not decoupled_weight_decay
    decoupled = bool(weight_decay) and bool(decoupled_weight_decay)
    require().adam(p, g, exp_avg, exp_avg_sq, max_exp_avg_sq if amsgrad else _none(T),
                   T(w), abs(w) < 0.5, T(1 - w), T(beta2), T(1 - beta2), T(weight_decay),
                   T(1 - lr * weight_decay), l2, decoupled, bool(amsgrad),
                   T(bias_correction2 ** 0.5), T(eps), T(-step_size))


def sgd(p, g, momentum_buffer=None, *, lr, momentum, dampening, weight_decay, nesterov, step):
    """:meth:`SGD.update` on whole flat arrays in one pass."""
    T = p.dtype.type
    b = _none(T) if momentum_buffer is None else momentum_buffer
    require().sgd(p, g, b, T(lr), bool(weight_decay), T(weight_decay), bool(momentum),
                  T(momentum), bool(dampening), T(1 - dampening), step == 1, bool(nesterov))


def lion(p, g, exp_avg, *, lr, betas, weight_decay):
    """:meth:`Lion.update` on whole flat arrays in one pass."""
    T = p.dtype.type
    beta1, beta2 = betas
    require().lion(p, g, exp_avg, T(lr), T(beta1), T(1 - beta1), T(beta2), T(1 - beta2),
                   bool(weight_decay), T(1 - lr * weight_decay))
