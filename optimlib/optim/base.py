"""The bookkeeping every optimizer shares, so that each algorithm's file is only its update.

An optimizer owns a list of float NumPy arrays (the parameters) and updates them **in place**:

    opt = SGD(params, lr=0.1, momentum=0.9)
    opt.step(grads)            # one gradient array per parameter, same shapes

A subclass states its hyperparameters (``defaults``) and their valid ranges (``validate``),
the per-parameter buffers it keeps (``init_state``) and the update itself (``update``), which is
called with the parameter, its gradient, its buffers by name and the hyperparameters by name::

    def update(self, p, g, exp_avg, *, lr, beta, step):
        exp_avg += (1 - beta) * (g - exp_avg)
        p -= lr * exp_avg

Why slices: an elementwise update written as plain NumPy expressions makes a full-size temporary
for every operator. The base class therefore hands ``update`` views of cache-sized slices
(``chunk_size`` bytes of each array, 128 KiB) of large parameters and of their buffers; the
temporaries then stay in cache and the step streams through memory about once, while the update
still reads like its equations. Slicing gives the same numbers as a whole-array update because
the update is elementwise. Updates that mix elements (e.g. Muon's matrix orthogonalisation) set
``elementwise = False`` and receive whole arrays.

A scalar that all parameters share and that evolves from step to step (NAdam's product of
momentum coefficients) is declared in ``shared_state`` with its initial value, lives in
``self.shared``, is advanced once per step by ``begin_step`` and is saved by ``state_dict``.
"""
from __future__ import annotations

import functools

import numpy as np

from .._checks import check_float_array, check_number

__all__ = ["Optimizer"]


@functools.cache
def _keep_freed_memory() -> None:
    """Once per process: let the C allocator keep the memory of the slices' freed temporaries.

    An update makes a few temporaries of ``chunk_size`` bytes per slice, hundreds of times per
    step. glibc's malloc gives freed memory back to the system once more than its "trim
    threshold" (128 KiB at start) is free, so it may do that after every slice, and the next
    slice faults the pages in again: a step then runs twice as slow (benchmarks/README.md).
    glibc raises the threshold to twice the size of any large block freed, which a NumPy
    program does as soon as it frees an array of a few MiB; doing it here makes a step's speed
    independent of what the program did before. With another allocator this is one 4 MiB
    allocation, freed at once and never touched.
    """
    np.empty(1 << 22, dtype=np.uint8)


class Optimizer:
    #: hyperparameters and their defaults (torch.optim's names and values)
    defaults: dict = {}
    #: whether ``update`` is elementwise, so that it may be applied to slices
    elementwise: bool = True
    #: bytes per slice of each array (16 Ki float64 or 32 Ki float32 elements), the fastest in
    #: benchmarks/README.md: an update's slices and temporaries then fit a 1 MiB L2 cache, while
    #: smaller slices multiply NumPy's fixed cost per call. ``1 << 62``: no slicing.
    chunk_size: int = 1 << 17
    #: scalars shared by all parameters and their initial values (e.g. NAdam's ``mu_product``);
    #: they live in ``self.shared``, are advanced by :meth:`begin_step` and saved by ``state_dict``
    shared_state: dict = {}

    def __init__(self, params, **hyper):
        self.params = self._check_params(params)
        unknown = sorted(set(hyper) - set(self.defaults))
        if unknown:
            raise TypeError(f"{type(self).__name__} got unknown hyperparameter(s) {unknown}; "
                            f"it accepts {sorted(self.defaults)}")
        self.hyper = self.validate({**self.defaults, **hyper})
        self.t = 0  # steps taken so far; the step being taken is number t (1-based) inside update
        self.state: list[dict[str, np.ndarray]] = [{} for _ in self.params]
        self.shared: dict[str, float] = dict(self.shared_state)

    # -- what a subclass provides ----------------------------------------------------------
    @classmethod
    def validate(cls, hyper: dict) -> dict:
        """Check the hyperparameters; return them normalised. Subclasses extend this."""
        hyper = dict(hyper)
        if "lr" in hyper:
            hyper["lr"] = check_number("lr", hyper["lr"], 0.0)
        return hyper

    def init_state(self, p: np.ndarray) -> dict:
        """The buffers kept for parameter ``p``: a dict of arrays shaped like ``p`` (default none)."""
        return {}

    def begin_step(self) -> None:
        """Called once per step, after ``t`` is advanced and before any update: advance the
        scalars in ``self.shared`` (default: nothing to do)."""

    def update(self, p, g, **kw):  # pragma: no cover - abstract
        raise NotImplementedError

    # -- the bookkeeping -------------------------------------------------------------------
    @property
    def lr(self) -> float:
        return self.hyper["lr"]

    @lr.setter
    def lr(self, value) -> None:
        self.hyper["lr"] = check_number("lr", value, 0.0)

    def step(self, grads) -> None:
        """Update every parameter in place from its gradient."""
        grads = self._check_grads(grads)
        self.t += 1
        self.begin_step()
        for p, g, state in zip(self.params, grads, self.state):
            if not state:
                state.update(self.init_state(p))
            self._apply(p, g, state)

    def _apply(self, p, g, state) -> None:
        hyper = {**self.hyper, "step": self.t}
        n, c = p.size, max(1, self.chunk_size // p.itemsize)  # c: elements per slice
        if not self.elementwise or n <= c:
            self.update(p, g, **state, **hyper)
            return
        pf, gf = p.reshape(-1), g.reshape(-1)  # views: parameters are checked C-contiguous
        sf = {k: v.reshape(-1) for k, v in state.items()}
        _keep_freed_memory()
        for i in range(0, n, c):
            s = slice(i, i + c)
            self.update(pf[s], gf[s], **{k: v[s] for k, v in sf.items()}, **hyper)

    def state_dict(self) -> dict:
        """A deep copy of everything needed to resume: step count, hyperparameters, buffers."""
        return {"t": self.t, "hyper": dict(self.hyper), "shared": dict(self.shared),
                "state": [{k: v.copy() for k, v in s.items()} for s in self.state]}

    def load_state_dict(self, sd: dict) -> None:
        """Resume from :meth:`state_dict`; buffers are copied into this optimizer's arrays."""
        if len(sd["state"]) != len(self.params):
            raise ValueError(f"state_dict holds state for {len(sd['state'])} parameters, "
                             f"this optimizer has {len(self.params)}")
        for i, (p, s) in enumerate(zip(self.params, sd["state"])):
            for k, v in s.items():
                if np.shape(v) != p.shape:
                    raise ValueError(f"state {k!r} of parameter {i} has shape {np.shape(v)}, "
                                     f"the parameter has shape {p.shape}")
        unknown = sorted(set(sd["hyper"]) - set(self.defaults))
        if unknown:  # else the first step fails with an obscure unexpected-keyword error
            raise ValueError(f"state_dict holds hyperparameter(s) {unknown} that "
                             f"{type(self).__name__} does not have: was it saved by another optimizer?")
        self.hyper = self.validate({**self.defaults, **sd["hyper"]})
        self.t = int(sd["t"])
        self.shared = {**self.shared_state, **sd.get("shared", {})}
        # order="C": step updates buffers through flat views, which a Fortran-ordered copy breaks
        self.state = [{k: np.array(v, dtype=p.dtype, order="C", copy=True) for k, v in s.items()}
                      for p, s in zip(self.params, sd["state"])]

    def __repr__(self) -> str:
        h = ", ".join(f"{k}={v!r}" for k, v in self.hyper.items())
        return f"{type(self).__name__}({len(self.params)} params, {h})"

    # -- checks ----------------------------------------------------------------------------
    @staticmethod
    def _check_params(params) -> list:
        if isinstance(params, np.ndarray):
            params = [params]
        if hasattr(params, "params") and hasattr(params, "grads"):  # a model, not its arrays
            raise TypeError(f"params must be a list of NumPy arrays, got a {type(params).__name__}: "
                            f"pass model.params, e.g. optim.get('adam', model.params)")
        try:
            params = list(params)
        except TypeError:
            raise TypeError(f"params must be a list of NumPy arrays, got {type(params).__name__}") from None
        if not params:
            raise ValueError("params is empty: give a list of float NumPy arrays to optimise")
        for i, p in enumerate(params):
            check_float_array(f"params[{i}]", p)
            if not p.flags.c_contiguous or not p.flags.writeable:
                raise ValueError(f"params[{i}] must be a writeable C-contiguous array, "
                                 f"since it is updated in place (use np.ascontiguousarray)")
        if len({id(p) for p in params}) != len(params):
            raise ValueError("params holds the same array more than once")
        return params

    def _check_grads(self, grads) -> list:
        if isinstance(grads, (np.ndarray, np.generic)):
            grads = [grads]
        grads = list(grads)
        if len(grads) != len(self.params):
            raise ValueError(f"got {len(grads)} gradients for {len(self.params)} parameters")
        for i, (p, g) in enumerate(zip(self.params, grads)):
            if isinstance(g, np.generic) and p.ndim == 0:
                # NumPy arithmetic on a 0-d array returns a scalar: accept it for a 0-d parameter
                g = grads[i] = np.asarray(g)
            if not isinstance(g, np.ndarray):
                raise TypeError(f"grads[{i}] must be a NumPy array, got {type(g).__name__}")
            if g.shape != p.shape:
                raise ValueError(f"grads[{i}] has shape {g.shape} but params[{i}] has shape {p.shape}")
        return grads
