"""The compiled loops behind ``fused=True``: one pass over memory per step (needs Numba).

Each kernel walks flat, contiguous arrays once, element by element, and does every operation
of its optimizer's NumPy ``update`` on one element before moving to the next, in the same order
and in the arrays' own dtype (the callers in :mod:`optimlib.optim._fused` round every scalar to
it first, as NumPy does with a Python float). With IEEE arithmetic kept exact (no fast-math, so
no reassociation and no fused multiply-add), each element then gets the same bits as the
NumPy update gives it.

Compiled with ``error_model="numpy"``: Numba's default ("python") checks every division for a
zero divisor to raise ``ZeroDivisionError``, which stops the loop from being vectorised; NumPy's
model gives ``inf``/``nan`` as NumPy does. One thread (``parallel=False``). The machine code is
cached on disk (beside this file, else in the user's cache folder), so only the first process
pays for compiling; where no folder is writable, each process compiles again.
"""
from __future__ import annotations

import warnings

import numba
import numpy as np

__all__ = ["adam", "sgd", "lion"]

_OPTIONS = dict(error_model="numpy", fastmath=False, parallel=False, nogil=True, boundscheck=False)


def _jit(fn):
    try:
        return numba.njit(cache=True, **_OPTIONS)(fn)
    except RuntimeError as e:  # no folder to cache into (read-only install, no user cache)
        warnings.warn(f"optimlib's fused kernels cannot be cached ({e}); each process compiles "
                      f"them again (set NUMBA_CACHE_DIR to a writable folder)", RuntimeWarning,
                      stacklevel=2)
        return numba.njit(**_OPTIONS)(fn)


@_jit
def adam(p, g, m, v, vmax, w1, near_m, c1, b2, c2, wd, decay, l2, decoupled, amsgrad, bc2_sqrt,
         eps, neg_step):
    """Adam/AdamW on every element: ``w1 = 1 - beta1``, ``near_m = w1 < 1/2`` (torch's lerp
    from the nearer end, else ``c1 = 1 - w1``), ``c2 = 1 - beta2``, ``decay = 1 - lr *
    weight_decay``, ``neg_step = -lr / (1 - beta1**t)``."""
    for i in range(p.size):
        pi = p[i]
        gi = g[i]
        if l2:
            gi = gi + wd * pi
        elif decoupled:
            pi = pi * decay
        mi = m[i]
        if near_m:
            mi = mi + w1 * (gi - mi)
        else:
            mi = gi - (gi - mi) * c1
        m[i] = mi
        vi = v[i] * b2
        vi = vi + c2 * gi * gi
        v[i] = vi
        if amsgrad:
            x = vmax[i]
            if not (x >= vi or x != x):  # np.maximum: NaN wins
                x = vi
            vmax[i] = x
            vi = x
        denom = np.sqrt(vi) / bc2_sqrt + eps
        p[i] = pi + mi / denom * neg_step


@_jit
def sgd(p, g, b, lr, use_wd, wd, use_m, momentum, use_damp, damp, first, nesterov):
    """SGD: ``b`` is the momentum buffer (not touched unless ``use_m``); ``damp = 1 -
    dampening``, applied only if ``use_damp`` (as in the NumPy update); ``first``: the buffer
    starts at the gradient."""
    for i in range(p.size):
        pi = p[i]
        gi = g[i]
        if use_wd:
            gi = gi + wd * pi
        if use_m:
            if first:
                bi = gi
            elif use_damp:
                bi = b[i] * momentum + damp * gi
            else:
                bi = b[i] * momentum + gi
            b[i] = bi
            gi = gi + momentum * bi if nesterov else bi
        p[i] = pi - lr * gi



@_jit
def lion(p, g, m, lr, c1, w1, b2, c2, decoupled, decay):
    """Lion: ``c = beta1 * m + (1 - beta1) * g`` (``c1``, ``w1``), the step ``lr * sign(c)``
    (``np.sign``: 0 at 0, NaN at NaN), ``decay = 1 - lr * weight_decay`` applied if
    ``decoupled``, then ``m = beta2 * m + (1 - beta2) * g`` (``b2``, ``c2``)."""
    zero = lr - lr
    for i in range(p.size):
        pi = p[i]
        gi = g[i]
        mi = m[i]
        c = c1 * mi + w1 * gi
        if decoupled:
            pi = pi * decay
        d = lr if c > 0 else (-lr if c < 0 else (zero if c == 0 else c))
        p[i] = pi - d
        m[i] = mi * b2 + c2 * gi
