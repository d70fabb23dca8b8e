"""The memory-bandwidth floor: how fast one core can stream arrays with NumPy (STREAM-like).

``update`` (``a += b``, in place) is the access pattern of an optimizer step: every array
written is also read first, so the cache never has to fetch a line only to overwrite it
("write-allocate") and the counted bytes (3 arrays) are the bytes moved. Its bandwidth is the
**floor** of a step: a step that reads k arrays and writes w of them in place moves
``(k + w) * itemsize`` bytes per element (Adam: reads p, g, m, v and writes p, m, v, 7 streams),
and cannot take less than those bytes at this bandwidth (:func:`inplace_bandwidth`,
:func:`floor_seconds`).

``copy`` (``a = b``) and ``triad`` (``a = b + q*c``) are STREAM's kernels, counted STREAM's way:
the bytes named in the expression (2 and 3 arrays), not the write-allocate read of ``a``. They
are reported for comparison: an out-of-place step pays that extra read, an in-place one does not,
so a floor set by copy or triad is one that a fused in-place step (torch's ``fused=True``) beats.

All three use ``out=`` on large arrays (4x the last-level cache, so nothing stays cached) and
report the best of several repetitions; the triad walks its arrays in slices so that ``q*c``
lives in a small cached temporary and the triad is one pass over memory.
"""
from __future__ import annotations

import time

import numpy as np

__all__ = ["Kernels", "measure_bandwidth", "inplace_bandwidth", "floor_seconds", "TRIAD_CHUNK"]

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


def inplace_bandwidth(n: int = 1 << 24, dtype=np.float64, repeats: int = 10) -> float:
    """GB/s of the in-place update ``a += b`` on two arrays of ``n`` elements (default 128 MiB
    each in float64, 4x a 32 MiB last-level cache), one core, the best of ``repeats``: the
    bandwidth an optimizer step can reach at best. About ``repeats * 0.01`` s at the default."""
    k = Kernels.__new__(Kernels)  # only the two arrays that ``update`` touches
    k.a, k.c = np.ones(n, dtype), np.full(n, 0.5, dtype)
    fn = k.update
    fn()  # warm: pages touched, caches in their steady state
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return 3 * k.a.nbytes / best / 1e9


def floor_seconds(n: int, streams: int, itemsize: int, gbps: float) -> float:
    """The least time of a step over ``n`` elements that streams ``streams`` arrays of
    ``itemsize`` bytes (each array read, or written in place, once) at ``gbps`` GB/s."""
    return n * streams * itemsize / (gbps * 1e9)
