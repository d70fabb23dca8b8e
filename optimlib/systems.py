r"""What an optimizer step costs: bytes moved, passes over memory, state memory at scale.

An elementwise optimizer step does a handful of floating-point operations per parameter and
must stream the parameter, its gradient and every state buffer through memory: it is limited by
memory bandwidth, not by arithmetic. This module counts the bytes from the optimizers' own state
(:func:`state_buffers`, :func:`step_bytes`), counts the passes over memory that a NumPy
expression makes (:func:`count_passes`), times kernels (:func:`best_time`,
:func:`inplace_bandwidth`) and adds up training memory per device with ZeRO's sharding
(:func:`zero_memory`).
"""
from __future__ import annotations

import time

import numpy as np

from ._checks import check_count, check_number

__all__ = ["state_buffers", "step_bytes", "count_passes", "PassCount", "best_time", "race",
           "inplace_bandwidth", "zero_memory", "ZERO_STAGES", "transformer_shapes"]


def _make(name, p, hyper):
    from . import optim
    if isinstance(name, str):
        return optim.get(name, [p], **hyper)
    return name([p], **hyper)


def state_buffers(name, shape=(256, 512), dtype=np.float32, **hyper) -> dict:
    """``{buffer: (shape, dtype, bytes)}`` that the optimizer ``name`` (a catalog name or an
    Optimizer class) keeps for one parameter of ``shape``: its own ``init_state``."""
    p = np.zeros(shape, dtype)
    opt = _make(name, p, hyper)
    return {k: (np.shape(v), np.asarray(v).dtype, np.asarray(v).nbytes)
            for k, v in opt.init_state(p).items()}


def step_bytes(name, shape=(256, 512), dtype=np.float32, **hyper) -> float:
    r"""Bytes a step must move per parameter element, at least: the parameter read and written,
    the gradient read, every state buffer read and written,
    :math:`2 s_\theta + s_g + 2 \sum_k s_k` (the state's bytes per element from
    :func:`state_buffers`, so a factored or 8-bit state counts what it really holds)."""
    n = int(np.prod(shape))
    item = np.dtype(dtype).itemsize
    state = sum(b for _, _, b in state_buffers(name, shape, dtype, **hyper).values())
    return (3 * item * n + 2 * state) / n


class _Counting(np.ndarray):
    """An array that reports every ufunc it takes part in to the active :class:`PassCount`."""

    counter = None

    def __array_ufunc__(self, ufunc, method, *inputs, out=None, **kw):
        c = _Counting.counter
        plain = [x.view(np.ndarray) if isinstance(x, _Counting) else x for x in inputs]
        if out is not None:
            kw["out"] = tuple(o.view(np.ndarray) if isinstance(o, _Counting) else o for o in out)
        res = getattr(ufunc, method)(*plain, **kw)
        if c is not None:
            c.record(ufunc.__name__, inputs, out, res)
        if out is not None:
            return out[0] if len(out) == 1 else out
        if isinstance(res, np.ndarray) and res.ndim:
            return res.view(_Counting)
        return res

    def __setitem__(self, key, value):
        c = _Counting.counter
        if c is not None and isinstance(value, np.ndarray) and value.size == c.n:
            c.record("copy", (value,), (self,), None)
        super().__setitem__(key, value.view(np.ndarray) if isinstance(value, _Counting) else value)


class PassCount:
    """What one step did, counted over the full-size arrays (``n`` elements): ``calls`` ufunc
    calls, ``reads`` and ``writes`` of full-size arrays, ``temporaries`` new full-size arrays
    (outputs not given with ``out=``). ``streams = reads + writes``; ``ops`` the ufuncs by name."""

    def __init__(self, n):
        self.n, self.calls, self.reads, self.writes, self.temporaries = n, 0, 0, 0, 0
        self.ops: list[str] = []

    @property
    def streams(self) -> int:
        return self.reads + self.writes

    def record(self, name, inputs, out, res):
        full = [x for x in inputs if isinstance(x, np.ndarray) and x.size == self.n]
        if not full and not (out and any(isinstance(o, np.ndarray) and o.size == self.n for o in out)):
            return
        self.calls += 1
        self.ops.append(name)
        self.reads += len(full)
        self.writes += 1
        if out is None:
            self.temporaries += 1

    def __repr__(self):
        return (f"PassCount(calls={self.calls}, reads={self.reads}, writes={self.writes}, "
                f"temporaries={self.temporaries})")


def count_passes(name, n: int = 4096, dtype=np.float64, steps_before: int = 2, **hyper) -> PassCount:
    """Count the passes over memory of one whole-array step of optimizer ``name``: every ufunc
    call on full-size arrays, what it read and wrote, and which outputs were new temporaries.

    The optimizer is stepped ``steps_before`` times first (some treat their first step
    differently), with slicing switched off, so the count is the one of its update written as
    whole-array NumPy expressions."""
    n = check_count("n", n, 2)
    rng = np.random.default_rng(0)
    p = rng.standard_normal(n).astype(dtype).view(_Counting)
    opt = _make(name, p, hyper)
    opt.chunk_size = 1 << 62
    for _ in range(steps_before):
        opt.step([rng.standard_normal(n).astype(dtype).view(_Counting)])
    g = rng.standard_normal(n).astype(dtype).view(_Counting)
    count = PassCount(n)
    _Counting.counter = count
    try:
        opt.step([g])
    finally:
        _Counting.counter = None
    return count


def best_time(fn, repeat: int = 5, number: int = 1, warmup: int = 1) -> float:
    """Seconds per call of ``fn()``: the best of ``repeat`` timings of ``number`` calls each,
    after ``warmup`` calls (the machine is shared; the best run is the least disturbed)."""
    repeat, number = check_count("repeat", repeat, 1), check_count("number", number, 1)
    for _ in range(warmup):
        fn()
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - t0) / number)
    return best


def race(fns: dict, rounds: int = 5, warmup: int = 1) -> dict:
    """``{name: seconds}``: the best time per call of each ``fns[name]()``, timed in interleaved
    rounds (each takes one call in turn, the order rotating), so that a busy moment of a shared
    machine slows them alike rather than one of them."""
    rounds = check_count("rounds", rounds, 1)
    names = list(fns)
    for k in names:
        for _ in range(warmup):
            fns[k]()
    best = dict.fromkeys(names, float("inf"))
    for r in range(rounds):
        for k in names[r % len(names):] + names[:r % len(names)]:
            t0 = time.perf_counter()
            fns[k]()
            best[k] = min(best[k], time.perf_counter() - t0)
    return best


def inplace_bandwidth(n: int = 10_000_000, dtype=np.float32, repeat: int = 7) -> float:
    """Bytes per second of ``a += b`` on two arrays of ``n`` elements (3 streams: read a, read b,
    write a): the pattern of an optimizer step, where every array written is also read, so no
    cache line is fetched only to be overwritten. The floor for a step is its bytes over this."""
    n = check_count("n", n, 1)
    a, b = np.ones(n, dtype), np.full(n, 1e-7, dtype)
    t = best_time(lambda: np.add(a, b, out=a), repeat=repeat)
    return 3 * a.nbytes / t


#: ZeRO's three stages: what is split across the N devices (Rajbhandari et al. 2020)
ZERO_STAGES = {0: "nothing (data parallel)", 1: "optimizer state", 2: "optimizer state + gradients",
               3: "optimizer state + gradients + parameters"}


def zero_memory(n_params: float, n_devices: int = 1, stage: int = 0, *, param_bytes: float = 2,
                grad_bytes: float = 2, state_bytes: float = 12) -> float:
    r"""Bytes per device of the model states (parameters, gradients, optimizer state) for
    ``n_params`` parameters data-parallel over ``n_devices`` with ZeRO ``stage``.

    The defaults are the paper's mixed-precision Adam: float16 parameters and gradients
    (2 + 2 bytes) and :math:`K = 12` bytes of optimizer state (float32 master weights, m, v):

    .. math::
       \text{stage 0: } (2 + 2 + K)\Psi, \quad
       \text{1: } (2 + 2)\Psi + \frac{K\Psi}{N}, \quad
       \text{2: } 2\Psi + \frac{(2 + K)\Psi}{N}, \quad
       \text{3: } \frac{(2 + 2 + K)\Psi}{N} .

    Activations, buffers and fragmentation come on top."""
    psi = check_number("n_params", n_params, 0.0)
    n = check_count("n_devices", n_devices, 1)
    if stage not in ZERO_STAGES:
        raise ValueError(f"stage must be one of {sorted(ZERO_STAGES)} (ZeRO's stages), got {stage!r}")
    P, G, K = (check_number(k, v, 0.0) for k, v in
               (("param_bytes", param_bytes), ("grad_bytes", grad_bytes), ("state_bytes", state_bytes)))
    split = {0: 0.0, 1: K, 2: G + K, 3: P + G + K}[stage]
    return psi * (P + G + K - split) + psi * split / n


def transformer_shapes(d: int, layers: int, ffn: int, vocab: int, kv_dim: int | None = None) -> list:
    """The parameter shapes of a Llama-style decoder: embedding and output matrix (vocab x d), per
    layer the attention's q, k, v, o projections (k, v of width ``kv_dim`` with grouped-query
    attention), the gated MLP's three matrices (d x ffn) and two norm vectors, and a final norm.
    ``transformer_shapes(4096, 32, 11008, 32000)`` is Llama 2 7B (6.74e9 parameters)."""
    kv = d if kv_dim is None else kv_dim
    layer = [(d, d), (kv, d), (kv, d), (d, d), (ffn, d), (ffn, d), (d, ffn), (d,), (d,)]
    return [(vocab, d)] + layer * layers + [(d,), (vocab, d)]
