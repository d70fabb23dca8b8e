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

``update`` receives only the hyperparameters its signature names (keyword-only, after ``*``),
so the source a chapter shows has no unused argument; the class's signature, as ``help`` and
Jupyter show it, lists ``defaults``: ``Adam(params, *, lr=0.001, betas=(0.9, 0.999), ...)``.

**Step count.** ``opt.t`` is the number of steps already taken: 0 before the first. A schedule is
called with it, ``f(opt.t)``, before each step, and its value is used by that step
(:meth:`Optimizer.set_hyper` changes any hyperparameter between steps); so ``f(0)`` sets the
first step. Inside ``update``, ``step = t`` counts the step being taken from 1, as torch and the
papers do (:math:`\beta^t` in a bias correction).

Hooks a subclass may override: :meth:`check_param` (refuse a parameter at construction, e.g. a
non-matrix for an orthogonalising method) and :meth:`switch_mode` (what ``train()``/``eval()``
do, e.g. move the parameters to the point that is evaluated). Buffers need not have the
parameter's shape when ``elementwise = False`` (a factored second moment); ``load_state_dict``
checks them against the shapes ``init_state`` makes.

**Fused steps.** A class that also defines ``fused_update`` (same arguments as ``update``, for
whole flattened arrays) accepts ``fused=True``: each step is then one compiled pass over memory
(:mod:`optimlib.optim._fused`, with Numba) that gives the same numbers as ``update``. The flag
is not a hyperparameter: ``state_dict`` is the same with or without it, so a fused optimizer
resumes a plain one's state and back. A subclass that rewrites ``update`` loses the fused step
unless it also rewrites ``fused_update``.
"""
from __future__ import annotations

import functools
import inspect

import numpy as np

from .._checks import check_betas, check_eps, check_flag, check_float_array, check_number

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


#: checks of the hyperparameters that several optimizers share, applied by Optimizer.validate
_SHARED_CHECKS = {
    "lr": lambda v: check_number("lr", v, 0.0),
    "weight_decay": lambda v: check_number("weight_decay", v, 0.0),
    "eps": check_eps,
    "betas": check_betas,
}


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

    #: the keyword-only names of ``update`` (set for each subclass; None: it takes ``**hyper``)
    _update_takes: tuple | None = None
    #: the one-pass compiled version of ``update`` behind ``fused=True`` (None: there is none)
    fused_update = None

    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        P = inspect.Parameter
        if "update" in cls.__dict__ and "fused_update" not in cls.__dict__:
            cls.fused_update = None  # a new update: the inherited fused one no longer computes it
        if "__init__" in cls.__dict__:
            cls.__signature__ = None  # its own __init__ says what it takes
        else:  # what help(), inspect.signature and Jupyter's Shift-Tab show
            cls.__signature__ = inspect.Signature(
                [P("params", P.POSITIONAL_OR_KEYWORD)]
                + [P(k, P.KEYWORD_ONLY, default=v) for k, v in cls.defaults.items()]
                + ([P("fused", P.KEYWORD_ONLY, default=False)] if cls.fused_update else []))
        if "update" in cls.__dict__:
            ps = inspect.signature(cls.update).parameters.values()
            if any(p.kind is P.VAR_KEYWORD for p in ps):
                cls._update_takes = None
            else:
                cls._update_takes = tuple(p.name for p in ps if p.kind is P.KEYWORD_ONLY)
                stray = sorted(set(cls._update_takes) - set(cls.defaults) - {"step"})
                if stray:
                    raise TypeError(f"{cls.__name__}.update takes {stray}, which are not in "
                                    f"{cls.__name__}.defaults (nor 'step')")

    def __init__(self, params, *, fused=False, **hyper):
        self.params = self._check_params(params)
        self._check_names(hyper)
        self.hyper = self.validate({**self.defaults, **hyper})
        for i, p in enumerate(self.params):
            self.check_param(i, p)
        self.fused = self._check_fused(fused)
        self.t = 0  # steps taken so far (0 before the first); update's ``step`` is t, from 1
        self.training = True
        self.state: list[dict[str, np.ndarray]] = [{} for _ in self.params]
        self.shared: dict[str, float] = dict(self.shared_state)

    # -- what a subclass provides ----------------------------------------------------------
    @classmethod
    def validate(cls, hyper: dict) -> dict:
        """Check the hyperparameters; return them normalised. Here: the ones several optimizers
        share (``lr``, ``weight_decay``, ``eps``, ``betas``) and every switch (a bool default);
        subclasses extend this with their own."""
        hyper = dict(hyper)
        for k, check in _SHARED_CHECKS.items():
            if k in hyper:
                hyper[k] = check(hyper[k])
        for k, default in cls.defaults.items():
            if isinstance(default, bool) and k in hyper:
                hyper[k] = check_flag(k, hyper[k])
        return hyper

    def init_state(self, p: np.ndarray) -> dict:
        """The buffers kept for parameter ``p``: a dict of arrays (default none). An elementwise
        optimizer's buffers have ``p``'s shape; others may be factored (a row and a column)."""
        return {}

    def check_param(self, i: int, p: np.ndarray) -> None:
        """Refuse parameter ``params[i]`` with a ValueError naming ``i`` and its shape, if this
        method cannot update it (called at construction; default: every float array is fine)."""

    def switch_mode(self, training: bool) -> None:
        """Called by :meth:`train` / :meth:`eval` when the mode changes (default: nothing; a
        method that trains at one point and is evaluated at another moves the parameters)."""

    def begin_step(self) -> None:
        """Called once per step, after ``t`` is advanced and before any update: advance the
        scalars in ``self.shared`` (default: nothing to do)."""

    def update(self, p, g, **kw):  # pragma: no cover - abstract
        raise NotImplementedError

    def effective_lr(self) -> list[np.ndarray]:
        """Per coordinate, the step size of the last step: what multiplied its direction (the
        gradient or the averaged gradient the class names) to move each parameter. The adaptive
        methods define it next to their update; take a step first."""
        raise NotImplementedError(f"{type(self).__name__} does not define its effective step size")

    def _last_step(self) -> None:
        if self.t == 0:
            raise ValueError(f"{type(self).__name__} has taken no step yet, so it has no state to "
                             f"show: call opt.step(grads) first")

    # -- the bookkeeping -------------------------------------------------------------------
    @property
    def lr(self) -> float:
        return self.hyper["lr"]

    @lr.setter
    def lr(self, value) -> None:
        self.set_hyper(lr=value)

    def set_hyper(self, **values) -> None:
        """Change hyperparameters between steps, checked as at construction (what a schedule
        does: ``opt.set_hyper(lr=f(opt.t), momentum=g(opt.t))``). A change that would alter the
        buffers kept (momentum from 0 to 0.9 for SGD) is refused once the state exists."""
        self._check_names(values)
        new = self.validate({**self.hyper, **values})
        if self.t and new != self.hyper:
            p = self.params[0]
            probe = p[:0] if p.ndim else p   # a zero-size parameter: init_state's keys, cheaply
            old, before = self.hyper, set(self.init_state(probe))
            self.hyper = new
            if set(self.init_state(probe)) != before:
                self.hyper = old
                raise ValueError(f"setting {values} changes which buffers {type(self).__name__} "
                                 f"keeps, after it started: choose the value at construction")
        self.hyper = new

    def train(self, mode: bool = True) -> "Optimizer":
        """Training mode (the default): ``step`` may be called. Returns the optimizer."""
        mode = check_flag("mode", mode)
        if mode != self.training:
            self.switch_mode(mode)
            self.training = mode
        return self

    def eval(self) -> "Optimizer":
        """Evaluation mode: the parameters hold the point to evaluate; ``step`` refuses to run."""
        return self.train(False)

    def step(self, grads) -> None:
        """Update every parameter in place from its gradient."""
        if not self.training:
            raise RuntimeError(f"{type(self).__name__} is in eval mode: call .train() before step")
        grads = self._check_grads(grads)
        self.t += 1
        self.begin_step()
        take = self._update_takes
        hyper = ({**self.hyper, "step": self.t} if take is None
                 else {k: self.t if k == "step" else self.hyper[k] for k in take})
        for i, (p, g, state) in enumerate(zip(self.params, grads, self.state)):
            if not state:
                state.update(self._new_state(i, p))
            self._apply(p, g, state, hyper)

    def _new_state(self, i, p) -> dict:
        state = self.init_state(p)
        if self.elementwise:
            for k, v in state.items():
                if np.shape(v) != p.shape:
                    raise ValueError(f"{type(self).__name__}.init_state made {k!r} of shape "
                                     f"{np.shape(v)} for params[{i}] of shape {p.shape}: an "
                                     f"elementwise update needs buffers of the parameter's shape "
                                     f"(set elementwise = False for a factored state)")
        return state

    def _apply(self, p, g, state, hyper) -> None:
        if self.fused:  # one compiled pass over the whole flat arrays: no slices needed
            self.fused_update(p.reshape(-1), g.reshape(-1),
                              **{k: v.reshape(-1) for k, v in state.items()}, **hyper)
            return
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
        """A deep copy of what is needed to resume: step count, mode, hyperparameters, buffers."""
        return {"t": self.t, "training": self.training, "hyper": dict(self.hyper),
                "shared": dict(self.shared),
                "state": [{k: v.copy() for k, v in s.items()} for s in self.state]}

    def load_state_dict(self, sd: dict) -> None:
        """Resume from :meth:`state_dict`; buffers are copied into this optimizer's arrays.

        Each buffer must have the name, shape and dtype that ``init_state`` gives under the saved
        hyperparameters, so a factored state comes back bit for bit and a mismatch is refused
        before anything changes."""
        if len(sd["state"]) != len(self.params):
            raise ValueError(f"state_dict holds state for {len(sd['state'])} parameters, "
                             f"this optimizer has {len(self.params)}")
        unknown = sorted(set(sd["hyper"]) - set(self.defaults))
        if unknown:  # else the first step fails with an obscure unexpected-keyword error
            raise ValueError(f"state_dict holds hyperparameter(s) {unknown} that "
                             f"{type(self).__name__} does not have: was it saved by another optimizer?")
        old, self.hyper = self.hyper, self.validate({**self.defaults, **sd["hyper"]})
        try:
            state = [self._loaded_state(i, p, s) for i, (p, s) in
                     enumerate(zip(self.params, sd["state"]))]
        except ValueError:
            self.hyper = old
            raise
        self.t = int(sd["t"])
        self.training = bool(sd.get("training", True))
        self.shared = {**self.shared_state, **sd.get("shared", {})}
        self.state = state

    def _loaded_state(self, i, p, saved: dict) -> dict:
        if not saved:
            return {}  # not stepped yet
        want = self.init_state(p)
        if set(saved) != set(want):
            raise ValueError(f"state of parameter {i} holds {sorted(saved)}, {type(self).__name__} "
                             f"keeps {sorted(want)} with these hyperparameters")
        for k, v in saved.items():
            if np.shape(v) != np.shape(want[k]):
                raise ValueError(f"state {k!r} of parameter {i} has shape {np.shape(v)}, "
                                 f"{type(self).__name__} keeps it with shape {np.shape(want[k])}")
        # order="C": step updates buffers through flat views, which a Fortran-ordered copy breaks
        return {k: np.array(v, dtype=want[k].dtype, order="C", copy=True) for k, v in saved.items()}

    def __repr__(self) -> str:
        h = ", ".join(f"{k}={v!r}" for k, v in self.hyper.items()) + (", fused=True" if self.fused else "")
        return f"{type(self).__name__}({len(self.params)} params, {h})"

    # -- checks ----------------------------------------------------------------------------
    def _check_fused(self, fused) -> bool:
        fused = check_flag("fused", fused)
        if not fused:
            return False
        name = type(self).__name__
        if self.fused_update is None:
            from . import catalog
            have = sorted(c.__name__ for c in catalog.optimizers().values() if c.fused_update)
            raise ValueError(f"{name} has no fused step; fused=True exists for {', '.join(have)}")
        from ._fused import DTYPES, require
        for i, p in enumerate(self.params):
            if p.dtype.type not in DTYPES:
                raise TypeError(f"fused=True computes in float32 or float64, params[{i}] is "
                                f"{p.dtype}: convert it with .astype(np.float32) or use fused=False")
        require()  # ImportError naming the extra if Numba is missing
        return True

    def _check_names(self, hyper: dict) -> None:
        unknown = sorted(set(hyper) - set(self.defaults))
        if unknown:
            raise TypeError(f"{type(self).__name__} got unknown hyperparameter(s) {unknown}; "
                            f"it accepts {sorted(self.defaults)}")

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
            if self.fused and g.dtype != p.dtype:  # the kernel computes in the parameter's dtype
                raise TypeError(f"fused=True needs grads[{i}] of params[{i}]'s dtype {p.dtype}, got "
                                f"{g.dtype}: pass g.astype(np.{p.dtype}) or use fused=False")
        return grads
