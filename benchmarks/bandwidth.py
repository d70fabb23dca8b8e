"""The memory-bandwidth floor: how fast one core can stream arrays with NumPy (STREAM-like).

``copy`` (``a = b``) and ``triad`` (``a = b + q*c``) are STREAM's kernels, counted STREAM's way:
the bytes named in the expression (2 and 3 arrays), not the extra read a cache makes of ``a``
before writing it ("write-allocate"). ``update`` (``a += b``, in place) is the pattern of an
optimizer step: every array written is also read, so there is no write-allocate and the
counted bytes are the bytes moved; it is reported to explain why a fused kernel such as
torch's ``fused=True`` Adam can beat a floor set by copy and triad.

All three use ``out=`` on large arrays (4x the last-level cache, so nothing stays cached) and
report the best of several repetitions; the triad walks its arrays in slices so that ``q*c``
lives in a small cached temporary and the triad is one pass over memory.
"""
from __future__ import annotations

import time

import numpy as np

__all__ = ["Kernels", "measure_bandwidth", "TRIAD_CHUNK"]

#: elements per slice of the triad: large enough that the per-call cost is small
TRIAD_CHUNK = 1 << 17


class Kernels:
    """The three kernels on arrays of ``n`` elements; ``kernels()`` gives ``{name: (fn, bytes)}``
    so that the step benchmark can interleave them with its rounds."""

    def __init__(self, n: int = 1 << 24, dtype=np.float64):
        self.n = n
        self.a = np.ones(n, dtype)
        self.b = np.full(n, 2.0, dtype)
        self.c = np.full(n, 0.5, dtype)
        self.q = dtype(3.0)
        self.tmp = np.empty(min(TRIAD_CHUNK, n), dtype)
        self.array_bytes = self.a.nbytes
        self.dtype = np.dtype(dtype).name

    def copy(self):
        np.copyto(self.a, self.b)

    def triad(self):
        a, b, c, q, tmp, n = self.a, self.b, self.c, self.q, self.tmp, self.n
        for i in range(0, n, TRIAD_CHUNK):
            s = slice(i, i + TRIAD_CHUNK)
            t = tmp[:min(TRIAD_CHUNK, n - i)]
            np.multiply(c[s], q, out=t)
            np.add(b[s], t, out=a[s])

    def update(self):
        np.add(self.a, self.c, out=self.a)

    def kernels(self) -> dict:
        size = self.array_bytes
        return {"copy": (self.copy, 2 * size), "triad": (self.triad, 3 * size),
                "update": (self.update, 3 * size)}


def measure_bandwidth(kernels: Kernels, repeats: int = 10) -> dict:
    """GB/s (1e9 bytes per second) of each kernel: the best of ``repeats`` runs after a warm-up."""
    out = {}
    for name, (fn, nbytes) in kernels.kernels().items():
        fn()  # warm: pages touched, caches in their steady state
        best = float("inf")
        for _ in range(repeats):
            t0 = time.perf_counter()
            fn()
            best = min(best, time.perf_counter() - t0)
        out[name] = nbytes / best / 1e9
    return out
