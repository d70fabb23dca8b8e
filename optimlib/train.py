"""Running an optimizer: ``minimize`` on a 2-D test problem, ``fit`` on a data set.

Both stop when the loss (or a gradient) stops being finite, ``fit`` also when the loss blows
up, and say so: the result records ``diverged=True`` and a message such as "diverged at step 37
(loss = inf): try a smaller learning rate", and a :class:`DivergenceWarning` is emitted. They
never raise on divergence, so a notebook can show a learning rate that is too large without
crashing.
"""
from __future__ import annotations

import math
import time
import warnings
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from . import optim
from ._checks import check_count, check_labels, check_number, check_same_length
from .data import batches

__all__ = ["DivergenceWarning", "History", "Trajectory", "diverged", "fit", "minimize"]


class DivergenceWarning(RuntimeWarning):
    """The loss or a gradient became NaN or infinite (or the loss blew up); the run stopped there."""


def diverged(loss, limit: float | None = None):
    """The one test of divergence in optimlib (``fit``, ``minimize`` and the pictures use it):
    True where ``loss`` is NaN or infinite or, given a ``limit``, beyond it in magnitude.
    Elementwise on arrays (a boolean array), a bool for a scalar."""
    a = np.asarray(loss, dtype=float)
    with np.errstate(invalid="ignore"):
        bad = ~np.isfinite(a)
        if limit is not None:
            bad |= np.abs(a) > limit
    return bool(bad) if bad.ndim == 0 else bad


def _diverged_message(step: int, what: str, value) -> str:
    return f"diverged at step {step} ({what} = {value}): try a smaller learning rate"


def _get_optimizer(optimizer, params, opt_hyper: dict):
    """An optimizer over ``params``: built by name, or checked to hold exactly these arrays."""
    if isinstance(optimizer, str):
        return optim.get(optimizer, params, **opt_hyper)
    if isinstance(optimizer, type) and issubclass(optimizer, optim.Optimizer):
        raise TypeError(f"optimizer is the class {optimizer.__name__}, not an optimizer: pass a name, "
                        f"fit(model, {optimizer.__name__.lower()!r}, data), or an instance built over "
                        f"model.params, fit(model, optim.{optimizer.__name__}(model.params), data)")
    if not isinstance(optimizer, (optim.Optimizer, optim.Combined)):
        raise ValueError(f"optimizer must be an optimizer name such as 'sgd' or an Optimizer, "
                         f"got {type(optimizer).__name__}")
    if opt_hyper:
        raise ValueError(f"hyperparameters {sorted(opt_hyper)} are only accepted with an optimizer "
                         f"name; set them on the Optimizer instead")
    # Why identity, not equality: the optimizer updates its arrays in place, so they must be
    # the very arrays the model computes with, or training silently changes nothing.
    if len(optimizer.params) != len(params) or any(a is not b for a, b in zip(optimizer.params, params)):
        raise ValueError("the optimizer's parameter list does not match the model's (not the same "
                         "array objects): build it from them, e.g. optim.get('adam', model.params)")
    return optimizer


def _scheduler(opt, schedule) -> Callable[[], None]:
    """What to call before each step so that ``schedule`` sets the hyperparameters it drives.

    ``schedule`` is ``f`` (it drives ``lr``) or ``{"lr": f, "momentum": g, ...}``; each is
    called with ``opt.t``, the number of steps already taken (0 before the first)."""
    if schedule is None:
        return lambda: None
    if callable(schedule):
        schedule = {"lr": schedule}
    if not isinstance(schedule, dict) or not all(callable(f) for f in schedule.values()):
        raise TypeError("schedule must be a function of the step count t (it sets lr) or a dict "
                        "{hyperparameter name: function of t}, e.g. {'lr': f, 'momentum': g}")
    unknown = sorted(set(schedule) - set(opt.defaults))
    if unknown:
        raise TypeError(f"schedule drives unknown hyperparameter(s) {unknown}; "
                        f"{type(opt).__name__} accepts {sorted(opt.defaults)}")
    items = list(schedule.items())

    def apply():
        t = opt.t
        try:
            opt.set_hyper(**{k: f(t) for k, f in items})
        except (TypeError, ValueError) as e:  # e.g. a NaN from the schedule: say when
            raise type(e)(f"the schedule at step {t}: {e}") from None
    return apply


def _finite(a: np.ndarray) -> bool:
    # a sum is NaN or inf if any element is (up to overflow near 1e308, divergence anyway),
    # and costs one pass without a boolean temporary
    return math.isfinite(float(a.sum()))


# -- minimize: a trajectory on a 2-D test problem -----------------------------------------------

@dataclass(eq=False)  # arrays have no single truth value: compare xs yourself
class Trajectory:
    """The points visited: ``xs[k]`` after k steps (``xs[0]`` is x0) and ``losses[k]`` there."""

    xs: np.ndarray
    losses: np.ndarray
    diverged: bool = False
    message: str = ""

    @property
    def x(self) -> np.ndarray:
        """The last (finite) point."""
        return self.xs[-1]

    def __repr__(self):
        return (f"Trajectory({len(self.xs) - 1} steps, x={np.array2string(self.x, precision=4)}, "
                f"loss={self.losses[-1]:.4g}, diverged={self.diverged})")


def minimize(problem, optimizer, x0, steps: int, *, schedule: Callable | None = None,
             blowup: float | None = None, **opt_hyper) -> Trajectory:
    """Run ``steps`` optimizer steps on ``problem`` (``.value(x)``, ``.grad(x)``) from ``x0``.

    ``optimizer`` is a name (built over a copy of ``x0`` with ``opt_hyper``; ``x0=None`` starts
    at ``problem.start``) or an Optimizer holding one array, which is then moved: x0 is copied
    into it unless x0 is None.
    ``schedule`` drives hyperparameters as in :func:`fit`.
    Stops at the first non-finite point, gradient or value, and, with ``blowup``, at the first
    value beyond ``blowup * max(|f(x0)|, 1)`` in magnitude (the point has left for infinity);
    the trajectory keeps the prefix before it.
    """
    steps = check_count("steps", steps, 0)
    if blowup is not None:
        blowup = check_number("blowup", blowup, 1.0, low_open=True)
    if isinstance(optimizer, str):
        if x0 is None:
            x0 = getattr(problem, "start", None)
        if x0 is None:
            raise ValueError("x0 is required when the optimizer is given by name and the "
                             "problem has no .start")
        x = np.array(x0, dtype=np.float64)  # a copy: the caller's x0 is not moved
        opt = optim.get(optimizer, [x], **opt_hyper)
    else:
        if not isinstance(optimizer, (optim.Optimizer, optim.Combined)) or len(optimizer.params) != 1:
            raise ValueError("optimizer must be a name or an Optimizer holding exactly one array (the point)")
        opt = _get_optimizer(optimizer, optimizer.params, opt_hyper).train()
        x = opt.params[0]
        if x0 is not None:
            if np.shape(x0) != x.shape:
                raise ValueError(f"x0 has shape {np.shape(x0)}, the optimizer's parameter {x.shape}")
            x[...] = x0
    if x.ndim != 1:
        raise ValueError(f"x0 must be a 1-D point such as [x1, x2], got shape {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"x0 must be finite, got {x}")
    f0 = float(problem.value(x))
    if not math.isfinite(f0):
        raise ValueError(f"the problem's value at x0 = {x} is {f0}, not finite")
    scheduled = _scheduler(opt, schedule)

    limit = None if blowup is None else blowup * max(abs(f0), 1.0)
    xs = np.empty((steps + 1, x.size))
    losses = np.empty(steps + 1)
    xs[0], losses[0] = x, f0
    message, kept = "", steps + 1  # kept: rows of xs that are finite
    # numpy's own overflow warnings would bury the one clear message given below
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(1, steps + 1):
            scheduled()
            g = np.asarray(problem.grad(x), dtype=x.dtype)
            if not _finite(g):
                message, kept = _diverged_message(k, "gradient", g), k
                break
            opt.step([g])
            f = float(problem.value(x))
            if diverged(f, limit) or not _finite(x):
                message, kept = _diverged_message(k, "loss", f), k
                break
            xs[k], losses[k] = x, f
    if message:
        warnings.warn(message, DivergenceWarning, stacklevel=2)
    return Trajectory(xs[:kept].copy(), losses[:kept].copy(), bool(message),
                      message or f"ran {steps} steps")


# -- fit: mini-batch training on a data set -----------------------------------------------------

@dataclass
class History:
    """What ``fit`` measured: per epoch (after it) and per step. Equal runs compare equal
    (``h1 == h2``): the timings are left out of the comparison."""

    train_loss: list = field(default_factory=list)
    test_loss: list = field(default_factory=list)
    train_acc: list = field(default_factory=list)
    test_acc: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)    # filled when the data has a validation split
    val_acc: list = field(default_factory=list)
    step_loss: list = field(default_factory=list)   # the mini-batch loss of every step
    epochs_run: int = 0
    diverged: bool = False
    message: str = ""
    seconds: float = field(default=0.0, compare=False)
    epoch_seconds: list = field(default_factory=list, compare=False)

    def __repr__(self):
        parts = [f"epochs_run={self.epochs_run}"]
        for name in ("train_loss", "val_loss", "test_loss", "train_acc", "val_acc", "test_acc"):
            values = getattr(self, name)
            if values:
                parts.append(f"{name}={values[-1]:.4g}")
        parts += [f"seconds={self.seconds:.2f}", f"diverged={self.diverged}"]
        return f"History({', '.join(parts)})"


def _split_data(data, model):
    if isinstance(data, (dict, str, np.ndarray)) or not hasattr(data, "__len__"):
        raise TypeError(f"data must be a tuple (X_train, y_train) or (X_train, y_train, X_test, "
                        f"y_test), such as load_digits(), got {type(data).__name__}"
                        + (f" with keys {list(data)}: write (data[{next(iter(data))!r}], ...)"
                           if isinstance(data, dict) and data else ""))
    X_val = y_val = None
    if hasattr(data, "X_val"):  # a Digits from load_digits(validation=...)
        X, y, X_test, y_test, X_val, y_val = (data.X_train, data.y_train, data.X_test, data.y_test,
                                              data.X_val, data.y_val)
    else:
        if len(data) not in (2, 4):
            raise ValueError(f"data must be (X_train, y_train) or (X_train, y_train, X_test, y_test), "
                             f"got {len(data)} items")
        X, y, X_test, y_test = (*data, None, None)[:4]
    if X is None or len(X) == 0:
        raise ValueError("X_train is empty")
    out = []
    for Xn, yn, X_, y_ in (("X_train", "y_train", X, y), ("X_test", "y_test", X_test, y_test),
                           ("X_val", "y_val", X_val, y_val)):
        if X_ is None:
            out += [None, None]
            continue
        # one conversion up front, to the model's dtype, so that each batch is a plain copy
        X_ = np.ascontiguousarray(X_, dtype=model.dtype)
        if X_.ndim != 2 or X_.shape[1] != model.n_in:
            raise ValueError(f"{Xn} must have shape (n, {model.n_in}) for this model, got {X_.shape}")
        if not np.isfinite(X_).all():  # else the first loss is NaN, reported as divergence
            raise ValueError(f"{Xn} holds NaN or infinite values: remove or impute them first")
        y_ = check_labels(yn, y_, model.n_classes)
        check_same_length(X_, y_, Xn, yn)
        out += [X_, y_]
    return out


def fit(model, optimizer, data, epochs: int = 10, batch_size: int = 32, *, seed=0,
        schedule: Callable | None = None, progress: bool = True, blowup: float | None = 10.0,
        **opt_hyper) -> History:
    """Train ``model`` on ``data`` with mini-batches; return the :class:`History`.

    ``model``: an :class:`optimlib.nn.Sequential` (or anything with ``params``, ``grads``,
    ``loss_and_grad``, ``evaluate``, ``n_in``, ``n_classes`` and ``dtype``). ``optimizer``: a
    name (``fit(model, "adam", data, lr=1e-3)``) or an Optimizer built over ``model.params``.
    ``data``: (X_train, y_train) or (X_train, y_train, X_test, y_test), or what ``load_digits()``
    returns; from ``load_digits(validation=True)`` the validation split is scored too
    (``History.val_loss``, ``val_acc``), for choosing hyperparameters without the test set.
    Mini-batches are reshuffled each epoch by ``default_rng(seed)``, so the same seed gives the
    same history. ``progress=False`` hides the progress bar.

    ``schedule``: a function ``f(t)`` that sets the learning rate, or a dict that drives any
    hyperparameters, ``{"lr": f, "momentum": g}``; before each step each is called with ``t``,
    the optimizer's number of steps already taken (0 for its first step), and the step uses
    the value. The optimizer is in train mode while it steps and in eval mode while each
    epoch's losses and accuracies are measured (``opt.eval()``; it matters for methods that
    evaluate at another point than they train at).

    Training stops as diverged when a mini-batch loss or gradient is NaN or infinite, or when
    the loss exceeds ``blowup`` times its start, max(first loss, log n_classes); None turns
    that second test off. Why both: softmax cross-entropy has bounded gradients, so a far too
    large learning rate sends the loss to 1e5, not to inf, and NaN alone would rarely fire.
    """
    epochs = check_count("epochs", epochs, 0)
    batch_size = check_count("batch_size", batch_size, 1)
    if blowup is not None:
        blowup = check_number("blowup", blowup, 1.0, low_open=True)
    if isinstance(optimizer, np.ndarray):  # fit(model, X, y), the order of Keras' model.fit(X, y)
        raise TypeError("optimizer (fit's 2nd argument) is an array: the order is "
                        "fit(model, optimizer, data), data = (X_train, y_train), e.g. "
                        "fit(model, 'adam', (X, y)) or fit(model, 'adam', load_digits())")
    X, y, X_test, y_test, X_val, y_val = _split_data(data, model)
    opt = _get_optimizer(optimizer, model.params, opt_hyper).train()
    scheduled = _scheduler(opt, schedule)
    rng = np.random.default_rng(seed)
    # each batch is gathered into these arrays: no new allocation per step
    X_batch = np.empty((min(batch_size, len(X)), X.shape[1]), X.dtype)
    y_batch = np.empty(min(batch_size, len(X)), y.dtype)
    limit = None  # the blow-up threshold, set at the first step

    from tqdm.auto import tqdm  # imported here: only fit needs it; it picks widget or text
    h = History()
    start = time.perf_counter()
    # numpy's own overflow warnings would bury the one clear message about divergence
    with tqdm(total=epochs, unit="epoch", disable=not progress, desc=type(opt).__name__) as bar, \
            np.errstate(over="ignore", invalid="ignore"):
        for _ in range(epochs):
            t0 = time.perf_counter()
            for idx in batches(len(X), batch_size, rng):
                xb = np.take(X, idx, axis=0, out=X_batch[:len(idx)])
                yb = np.take(y, idx, out=y_batch[:len(idx)])
                scheduled()
                loss = model.loss_and_grad(xb, yb)
                if limit is None and blowup is not None:
                    limit = blowup * max(loss, math.log(model.n_classes))
                h.message = _divergence(len(h.step_loss) + 1, loss, model.grads, limit)
                if h.message:
                    break  # before the step, so the parameters stay as they were
                opt.step(model.grads)
                h.step_loss.append(loss)
            if h.message:
                h.diverged = True
                break
            opt.eval()
            _record_epoch(h, model, X, y, X_test, y_test, X_val, y_val)
            opt.train()
            h.epoch_seconds.append(time.perf_counter() - t0)
            bar.set_postfix(loss=f"{h.train_loss[-1]:.4f}",
                            **({"test_acc": f"{h.test_acc[-1]:.3f}"} if h.test_acc else {}))
            bar.update()
    h.seconds = time.perf_counter() - start
    if h.diverged:
        warnings.warn(h.message, DivergenceWarning, stacklevel=2)
    else:
        h.message = (f"trained {h.epochs_run} epoch{'' if h.epochs_run == 1 else 's'} "
                     f"({len(h.step_loss)} step{'' if len(h.step_loss) == 1 else 's'})")
    return h


def _divergence(step: int, loss: float, grads, limit: float | None) -> str:
    """Why step ``step`` counts as diverged, or "" when it does not."""
    if diverged(loss):
        return _diverged_message(step, "loss", loss)
    if diverged(loss, limit):
        return _diverged_message(step, "loss", f"{loss:.4g}, past the blow-up limit {limit:.3g}")
    if not all(_finite(g) for g in grads):
        return _diverged_message(step, "gradient", "non-finite")
    return ""


def _record_epoch(h: History, model, X, y, X_test, y_test, X_val, y_val) -> None:
    loss, acc = model.evaluate(X, y)
    h.train_loss.append(loss)
    h.train_acc.append(acc)
    for split, X_, y_ in (("test", X_test, y_test), ("val", X_val, y_val)):
        if X_ is not None:
            loss, acc = model.evaluate(X_, y_)
            getattr(h, f"{split}_loss").append(loss)
            getattr(h, f"{split}_acc").append(acc)
    h.epochs_run += 1
