"""Milliseconds per optimizer step: optimlib against torch.optim and the naive NumPy version.

Every case is one parameter of ``n`` elements with a fixed random gradient. The implementations
of a case are timed in interleaved rounds (each takes a batch of steps in turn, the order
rotating), so that a slow moment of the machine hits them alike; the best round is reported.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

from optimlib import optim

from . import naive

__all__ = ["Case", "configs", "bytes_per_element", "check_agreement", "time_case"]

#: extra configurations beside each optimizer at its defaults: label -> a preset of the catalog
VARIANTS = {"sgd+momentum": "momentum"}


@dataclass
class Case:
    label: str          # e.g. "adam", "sgd+momentum"
    name: str           # the optimizer's name in optimlib.optim.catalog (no preset)
    hyper: dict = field(default_factory=dict)

    @property
    def cls(self):
        return optim.catalog.entry(self.name).cls


def configs() -> dict[str, Case]:
    """Every optimizer of ``optimlib.optim.catalog`` at its defaults, plus :data:`VARIANTS`
    (except those that update matrices only, such as Muon: a case is one vector)."""
    variants = {label: optim.catalog.entry(preset) for label, preset in VARIANTS.items()}
    out = {}
    for name in optim.catalog.optimizers():
        if optim.catalog.entry(name).matrices_only:
            continue
        out[name] = Case(name, name)
        for label, e in variants.items():
            if e.base == name:
                out[label] = Case(label, name, dict(e.preset))
    return out


def bytes_per_element(case: Case, dtype) -> tuple[int, int]:
    """(bytes a step must move per parameter element, number of full-size state buffers).

    A step reads the parameter, its gradient and each state buffer, and writes the parameter
    and each buffer back in place: 3 + 2k streams for k buffers (Adam: read p, g, m, v, write
    p, m, v: 7), in the optimizer's own dtype.
    """
    p = np.zeros(8, dtype)
    opt = case.cls([p], **case.hyper)
    state = opt.init_state(p)
    k = sum(1 for v in state.values() if isinstance(v, np.ndarray) and v.shape == p.shape)
    return (3 + 2 * k) * np.dtype(dtype).itemsize, k


# -- the implementations ---------------------------------------------------------------------

def _torch():
    try:
        import torch
    except ImportError:  # pragma: no cover - torch is optional
        return None
    return torch


def make_runners(case: Case, p0: np.ndarray, g: np.ndarray, *, naive_too: bool = True,
                 torch_too: bool = True) -> tuple[dict, dict]:
    """``{implementation: (step_fn, current_params_fn)}`` and ``{implementation: why missing}``."""
    runners, missing = {}, {}
    p = p0.copy()
    opt = case.cls([p], **case.hyper)
    runners["optimlib"] = (lambda: opt.step([g]), lambda: p)
    if case.cls.fused_update is not None:  # the one-pass compiled step (fused=True)
        pf = p0.copy()
        try:
            fopt = case.cls([pf], fused=True, **case.hyper)
        except ImportError as e:
            missing["optimlib_fused"] = str(e)
        else:
            runners["optimlib_fused"] = (lambda: fopt.step([g]), lambda: pf)
    else:
        missing["optimlib_fused"] = f"{case.cls.__name__} has no fused step"

    if naive_too:
        try:
            nv = naive.NaiveOptimizer(case.name, [p0], **case.hyper)
        except (KeyError, TypeError) as e:
            missing["naive"] = str(e)
        else:
            runners["naive"] = (lambda: nv.step([g]), lambda: nv.params[0])

    torch = _torch() if torch_too else None
    if torch_too and torch is None:
        missing["torch_foreach"] = missing["torch_fused"] = "torch is not installed"
    elif torch is not None:
        tcls = getattr(torch.optim, case.cls.__name__, None)
        for impl, flag in (("torch_foreach", "foreach"), ("torch_fused", "fused")):
            if tcls is None:
                missing[impl] = f"torch.optim has no {case.cls.__name__}"
                continue
            tp = torch.from_numpy(p0.copy())
            tp.grad = torch.from_numpy(g)  # shared, read only
            try:
                topt = tcls([tp], **{flag: True}, **case.hyper)
                topt.step()  # fused=True may only fail at the first step
            except (RuntimeError, TypeError, ValueError) as e:
                missing[impl] = f"{flag}=True: {str(e).splitlines()[0]}"
                continue
            tp.data.copy_(torch.from_numpy(p0))   # undo that first step: start as the others
            topt = tcls([tp], **{flag: True}, **case.hyper)
            runners[impl] = (topt.step, (lambda tp=tp: tp.detach().numpy()))
    return runners, missing


def check_agreement(case: Case, dtype=np.float64, n: int = 1000, steps: int = 8, seed: int = 0) -> dict:
    """Largest relative difference of each implementation's parameters from optimlib's after
    ``steps`` steps on a small problem (so that the timings compare the same computation)."""
    rng = np.random.default_rng(seed)
    p0 = rng.standard_normal(n).astype(dtype)
    g = rng.standard_normal(n).astype(dtype)
    runners, _ = make_runners(case, p0, g)
    for _ in range(steps):
        for step, _ in runners.values():
            step()
    ref = runners["optimlib"][1]().astype(np.float64)
    scale = np.abs(ref - p0).max() or 1.0  # relative to how far the parameters moved
    return {impl: float(np.abs(cur().astype(np.float64) - ref).max() / scale)
            for impl, (_, cur) in runners.items() if impl != "optimlib"}


def time_case(case: Case, n: int, dtype, *, rounds: int = 7, batch_seconds: float = 0.02,
              warmup: int = 6, seed: int = 0, probes: dict | None = None) -> dict:
    """Seconds per step of each implementation on ``n`` elements, one figure per round.

    ``probes`` (``{name: (fn, bytes)}``, the bandwidth kernels) take their turn in the same
    rounds; their GB/s of each round is returned, so that the bandwidth is measured under the
    same conditions as the steps.
    """
    rng = np.random.default_rng(seed)
    p0 = rng.standard_normal(n, dtype=np.float64).astype(dtype)
    g = rng.standard_normal(n, dtype=np.float64).astype(dtype)
    runners, missing = make_runners(case, p0, g)
    del p0
    probes = probes or {}
    for name, (fn, _) in probes.items():
        runners["probe:" + name] = (fn, None)
    # warm-up: state allocated, pages touched, and past the first steps that some optimizers
    # treat differently (SGD's momentum buffer at step 1, RAdam's rectification up to step 5)
    batch = {}
    for impl, (step, _) in runners.items():
        for _ in range(warmup):
            t0 = time.perf_counter()
            step()
            dt = time.perf_counter() - t0
        batch[impl] = max(1, math.ceil(batch_seconds / max(dt, 1e-7)))
    times = {impl: [] for impl in runners}
    order = list(runners)
    for r in range(rounds):
        for impl in order[r % len(order):] + order[:r % len(order)]:
            step, k = runners[impl][0], batch[impl]
            t0 = time.perf_counter()
            for _ in range(k):
                step()
            times[impl].append((time.perf_counter() - t0) / k)
    gbps = {name: [nbytes / t / 1e9 for t in times.pop("probe:" + name)]
            for name, (_, nbytes) in probes.items()}
    finite = {impl: bool(np.isfinite(cur()).all()) for impl, (_, cur) in runners.items() if cur}
    return {"seconds": times, "probes_gbps": gbps, "missing": missing, "finite": finite,
            "steps_per_round": {k: v for k, v in batch.items() if not k.startswith("probe:")}}
