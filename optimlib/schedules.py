r"""Learning-rate schedules as plain functions of the step count, optax-style.

Each factory returns ``f(t) -> value`` where ``t`` is the number of steps already taken (0 for
the first step), so ``fit(model, opt, data, schedule=f)`` and ``minimize(..., schedule=f)`` use
it directly, and any hyperparameter can follow a schedule::

    f = cosine_annealing_lr(0.1, T_max=100)
    f(0), f(50), f(100)          # 0.1, 0.05, 0.0

Names and arguments follow ``torch.optim.lr_scheduler`` with the base value first, and
``f(t)`` equals the lr torch's scheduler reports (``get_last_lr()``) after ``t`` calls of
``scheduler.step()`` (tested to 1e-12 against stored and live torch numbers). Torch computes
most of its schedules *recursively*, multiplying the optimizer's current lr by a factor each
step; here each is the closed form that recursion telescopes to, which is the same number as
long as nothing else touches the lr (see each docstring for where torch surprises).
Added, since torch lacks them: :func:`warmup_stable_decay`, :func:`warmup_inverse_sqrt` and
:func:`warmup_cosine`; and :func:`constant`, for comparisons. :func:`lr_range_test` sweeps the
lr over a short run to suggest one.
"""
from __future__ import annotations

import bisect
import math
import numbers
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from ._checks import check_number

__all__ = ["step_lr", "multistep_lr", "exponential_lr", "cosine_annealing_lr", "linear_lr",
           "cosine_annealing_warm_restarts", "one_cycle_lr", "one_cycle_momentum", "sequential",
           "warmup_stable_decay", "warmup_inverse_sqrt", "warmup_cosine", "constant"]


# -- argument checks -------------------------------------------------------------------------

def _count(name: str, value, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__} {value!r}")
    if value < low:
        raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
    return int(value)


def _step(t) -> int:
    """The argument of every schedule: a step count."""
    if isinstance(t, bool) or not isinstance(t, numbers.Integral):
        raise TypeError(f"a schedule takes the number of steps taken, an integer >= 0; "
                        f"got {type(t).__name__} {t!r}")
    if t < 0:
        raise ValueError(f"a schedule takes the number of steps taken, an integer >= 0; got {t}")
    return int(t)


def _named(f: Callable, name: str, **args) -> Callable:
    """Name ``f`` after its factory and arguments: the name shows in reprs, legends, errors."""
    if args:
        name += "(" + ", ".join(f"{k}={v!r}" for k, v in args.items()) + ")"
    f.__name__ = f.__qualname__ = name
    return f


# -- torch's schedules -----------------------------------------------------------------------

def constant(lr: float) -> Callable[[int], float]:
    r"""The same value at every step: $\eta_t = \eta$."""
    lr = check_number("lr", lr, 0.0)

    def f(t):
        _step(t)
        return lr
    return _named(f, f"constant({lr!r})")


def step_lr(lr: float, step_size: int, gamma: float = 0.1) -> Callable[[int], float]:
    r"""Multiply by ``gamma`` every ``step_size`` steps (torch's ``StepLR``):

    $$\eta_t = \eta\,\gamma^{\lfloor t / s \rfloor}.$$
    """
    lr = check_number("lr", lr, 0.0)
    step_size = _count("step_size", step_size, 1)
    gamma = check_number("gamma", gamma, 0.0)

    def f(t):
        return lr * gamma ** (_step(t) // step_size)
    return _named(f, "step_lr", lr=lr, step_size=step_size, gamma=gamma)


def multistep_lr(lr: float, milestones: Sequence[int],
                 gamma: float = 0.1) -> Callable[[int], float]:
    r"""Multiply by ``gamma`` at each milestone (torch's ``MultiStepLR``):

    $$\eta_t = \eta\,\gamma^{\#\{m_i \le t\}}.$$

    ``milestones`` must be strictly increasing step counts >= 1 (torch also accepts repeats and
    then multiplies by ``gamma`` once per repeat; here that is an error, almost surely a typo).
    """
    lr = check_number("lr", lr, 0.0)
    milestones = _milestones("milestones", milestones)
    gamma = check_number("gamma", gamma, 0.0)

    def f(t):
        return lr * gamma ** bisect.bisect_right(milestones, _step(t))
    return _named(f, "multistep_lr", lr=lr, milestones=milestones, gamma=gamma)


def _milestones(name: str, milestones) -> list:
    if isinstance(milestones, (str, bytes)) or not isinstance(milestones, Sequence):
        raise TypeError(f"{name} must be a list of step counts, got {type(milestones).__name__}")
    ms = [_count(f"{name}[{i}]", m, 1) for i, m in enumerate(milestones)]
    for i in range(1, len(ms)):
        if ms[i] <= ms[i - 1]:
            raise ValueError(f"{name} must be strictly increasing, got {ms} "
                             f"({name}[{i}] = {ms[i]} <= {name}[{i - 1}] = {ms[i - 1]})")
    return ms


def exponential_lr(lr: float, gamma: float) -> Callable[[int], float]:
    r"""Multiply by ``gamma`` every step (torch's ``ExponentialLR``): $\eta_t = \eta\,\gamma^t$."""
    lr = check_number("lr", lr, 0.0)
    gamma = check_number("gamma", gamma, 0.0)

    def f(t):
        return lr * gamma ** _step(t)
    return _named(f, "exponential_lr", lr=lr, gamma=gamma)


def _half_cosine(x: float) -> float:
    # written as torch writes it, so that the rounding is the same
    return (1 + math.cos(math.pi * x)) / 2


def cosine_annealing_lr(lr: float, T_max: int, eta_min: float = 0.0) -> Callable[[int], float]:
    r"""Half a cosine from ``lr`` down to ``eta_min`` over ``T_max`` steps (torch's
    ``CosineAnnealingLR``, SGDR without the restarts):

    $$\eta_t = \eta_{\min} + (\eta - \eta_{\min})\,\frac{1 + \cos(\pi t / T_{\max})}{2}.$$

    Torch's surprise: it does *not* stay at ``eta_min`` after ``T_max``. Torch updates
    recursively, $\eta_t = \eta_{\min} + (\eta_{t-1} - \eta_{\min})
    \frac{1 + \cos(\pi t/T)}{1 + \cos(\pi (t-1)/T)}$ (with a special case where the
    denominator is 0), which telescopes to the formula above for every $t$: past ``T_max`` the
    cosine keeps going and the lr climbs back to ``lr`` at $2T_{\max}$, a period of
    $2T_{\max}$. This function reproduces that. The two forms part ways only when something
    else changes the lr between steps (another scheduler, a manual edit, a checkpoint restored
    into a fresh scheduler): the recursive form then carries the change along.
    """
    lr = check_number("lr", lr, 0.0)
    T_max = _count("T_max", T_max, 1)
    eta_min = check_number("eta_min", eta_min, 0.0)

    def f(t):
        return eta_min + (lr - eta_min) * _half_cosine(_step(t) / T_max)
    return _named(f, "cosine_annealing_lr", lr=lr, T_max=T_max, eta_min=eta_min)


def linear_lr(lr: float, start_factor: float = 1 / 3, end_factor: float = 1.0,
              total_iters: int = 5) -> Callable[[int], float]:
    r"""Scale ``lr`` by a factor moving linearly from ``start_factor`` to ``end_factor`` over
    ``total_iters`` steps, then constant (torch's ``LinearLR``, often a warm-up):

    $$\eta_t = \eta\,\Bigl(f_0 + (f_1 - f_0)\,\frac{\min(t, T)}{T}\Bigr).$$

    Torch's defaults are a warm-up from a third of ``lr`` over 5 steps: a schedule built with
    no arguments is not constant.
    """
    lr = check_number("lr", lr, 0.0)
    start_factor = check_number("start_factor", start_factor, 0.0, 1.0, low_open=True)
    end_factor = check_number("end_factor", end_factor, 0.0, 1.0)
    total_iters = _count("total_iters", total_iters, 1)

    def f(t):
        done = min(total_iters, _step(t)) / total_iters
        return lr * (start_factor + (end_factor - start_factor) * done)
    return _named(f, "linear_lr",
                  lr=lr, start_factor=start_factor, end_factor=end_factor, total_iters=total_iters)


def cosine_annealing_warm_restarts(lr: float, T_0: int, T_mult: int = 1,
                                   eta_min: float = 0.0) -> Callable[[int], float]:
    r"""SGDR (Loshchilov & Hutter 2017; torch's ``CosineAnnealingWarmRestarts``): cosine
    annealing that jumps back to ``lr`` after each cycle, the $i$-th cycle lasting
    $T_i = T_0\,T_{\text{mult}}^{\,i}$ steps:

    $$\eta_t = \eta_{\min} + (\eta - \eta_{\min})\,\frac{1 + \cos(\pi T_{\text{cur}} / T_i)}{2},$$

    $T_{\text{cur}}$ being the steps since the last restart. The lr never reaches ``eta_min``:
    the last step of a cycle has $T_{\text{cur}} = T_i - 1$.
    """
    lr = check_number("lr", lr, 0.0)
    T_0 = _count("T_0", T_0, 1)
    T_mult = _count("T_mult", T_mult, 1)
    eta_min = check_number("eta_min", eta_min, 0.0)

    def f(t):
        T_cur, T_i = _step(t), T_0
        if T_mult == 1:
            T_cur %= T_0
        else:  # cycles grow geometrically: O(log t) iterations
            while T_cur >= T_i:
                T_cur, T_i = T_cur - T_i, T_i * T_mult
        return eta_min + (lr - eta_min) * _half_cosine(T_cur / T_i)
    return _named(f, "cosine_annealing_warm_restarts",
                  lr=lr, T_0=T_0, T_mult=T_mult, eta_min=eta_min)


def _anneal(strategy: str):
    if strategy == "cos":
        return lambda start, end, pct: end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
    if strategy == "linear":
        return lambda start, end, pct: (end - start) * pct + start
    raise ValueError(f"anneal_strategy must be 'cos' or 'linear', got {strategy!r}")


def _one_cycle(name, total_steps, pct_start, anneal_strategy, three_phase, values):
    """The phases of torch's OneCycleLR: (end step, start value, end value), and a function of t."""
    total_steps = _count("total_steps", total_steps, 1)
    pct_start = check_number("pct_start", pct_start, 0.0, 1.0, low_open=True, high_open=True)
    anneal = _anneal(anneal_strategy)
    if not isinstance(three_phase, bool):
        raise TypeError(f"three_phase must be True or False, got {three_phase!r}")
    a, b, c = values  # (start, peak, end) of the lr; (max, base, max) of the momentum
    if three_phase:
        if pct_start >= 0.5:
            raise ValueError(f"pct_start must lie in (0, 0.5) with three_phase=True (two phases of "
                             f"pct_start * total_steps each, then the rest), got {pct_start!r}")
        phases = [(pct_start * total_steps - 1, a, b), (2 * pct_start * total_steps - 2, b, a),
                  (total_steps - 1, a, c)]
    else:
        phases = [(pct_start * total_steps - 1, a, b), (total_steps - 1, b, c)]
    start = 0.0
    for end, _, _ in phases:
        if end == start:  # torch divides by zero here
            raise ValueError(f"pct_start * total_steps = {pct_start * total_steps:g} leaves a phase "
                             f"of length 0; change pct_start or total_steps")
        start = end

    def f(t):
        t = _step(t)
        if t > total_steps:
            raise ValueError(f"{name} was built for total_steps={total_steps}, asked for step {t} "
                             f"(torch's OneCycleLR raises too): build it with more total_steps")
        start = 0.0
        for i, (end, v0, v1) in enumerate(phases):
            if t <= end or i == len(phases) - 1:
                return anneal(v0, v1, (t - start) / (end - start))
            start = end
    return f


def one_cycle_lr(max_lr: float, total_steps: int, pct_start: float = 0.3,
                 anneal_strategy: str = "cos", div_factor: float = 25.0,
                 final_div_factor: float = 1e4, three_phase: bool = False) -> Callable[[int], float]:
    r"""The 1cycle policy (Smith & Topin 2019; torch's ``OneCycleLR``): up from
    $\eta_0 = \eta_{\max}/d$ to ``max_lr`` over the first ``pct_start`` of the steps, then down to
    $\eta_0 / d_{\text{final}}$, each phase annealed by

    $$\text{cos}: \; v_1 + (v_0 - v_1)\,\frac{1 + \cos(\pi p)}{2}, \qquad
      \text{linear}: \; v_0 + (v_1 - v_0)\,p,$$

    $p \in [0, 1]$ the fraction of the phase done. ``three_phase=True`` goes up, back down to
    $\eta_0$ symmetrically, then anneals to the minimum. Torch's phases end at steps
    $p_s T - 1$ and $T - 1$ (not $p_s T$ and $T$), reproduced here; its surprises: asking for a
    step past ``total_steps`` raises (here too), and by default (``cycle_momentum=True``) it
    *overwrites* the optimizer's momentum (or Adam's $\beta_1$) every step with
    :func:`one_cycle_momentum`, whatever you set.
    """
    max_lr = check_number("max_lr", max_lr, 0.0)
    div_factor = check_number("div_factor", div_factor, 0.0, low_open=True)
    final_div_factor = check_number("final_div_factor", final_div_factor, 0.0, low_open=True)
    initial = max_lr / div_factor
    f = _one_cycle("one_cycle_lr", total_steps, pct_start, anneal_strategy, three_phase,
                   (initial, max_lr, initial / final_div_factor))
    return _named(f, "one_cycle_lr",
                  max_lr=max_lr, total_steps=total_steps, pct_start=pct_start,
                  anneal_strategy=anneal_strategy, three_phase=three_phase)


def one_cycle_momentum(total_steps: int, pct_start: float = 0.3, anneal_strategy: str = "cos",
                       base_momentum: float = 0.85, max_momentum: float = 0.95,
                       three_phase: bool = False) -> Callable[[int], float]:
    r"""The momentum torch's ``OneCycleLR`` writes into the optimizer (``cycle_momentum=True``):
    the mirror image of :func:`one_cycle_lr`, from ``max_momentum`` down to ``base_momentum``
    while the lr rises, and back up while it falls (three-phase: down, up, then constant at
    ``max_momentum``). Schedule ``momentum`` for SGD or ``betas[0]`` for Adam with it.
    """
    base_momentum = check_number("base_momentum", base_momentum, 0.0, 1.0)
    max_momentum = check_number("max_momentum", max_momentum, 0.0, 1.0)
    f = _one_cycle("one_cycle_momentum", total_steps, pct_start, anneal_strategy, three_phase,
                   (max_momentum, base_momentum, max_momentum))
    return _named(f, "one_cycle_momentum",
                  total_steps=total_steps, pct_start=pct_start, base_momentum=base_momentum,
                  max_momentum=max_momentum, three_phase=three_phase)


def sequential(schedules: Sequence[Callable[[int], float]],
               milestones: Sequence[int]) -> Callable[[int], float]:
    r"""Schedule ``i`` from ``milestones[i-1]`` on, its clock restarted there (torch's
    ``SequentialLR``):

    $$\eta_t = f_i(t - m_{i-1}) \quad\text{for } m_{i-1} \le t < m_i \quad (m_0 = 0).$$

    Each schedule carries its own base value, so a warm-up into a decay is
    ``sequential([linear_lr(lr, 0.01, 1.0, w), cosine_annealing_lr(lr, T - w)], [w])``.
    Torch's ``ChainedScheduler`` is something else: it applies every scheduler at every step,
    so their factors *multiply*.
    """
    if isinstance(schedules, (str, bytes)) or not isinstance(schedules, Sequence) or not schedules:
        raise TypeError("schedules must be a non-empty list of schedules f(t)")
    for i, s in enumerate(schedules):
        if not callable(s):
            raise TypeError(f"schedules[{i}] must be a schedule f(t), got {type(s).__name__}")
    milestones = _milestones("milestones", milestones)
    if len(milestones) != len(schedules) - 1:
        raise ValueError(f"milestones must have one entry fewer than schedules: got "
                         f"{len(schedules)} schedules and {len(milestones)} milestones")
    schedules = list(schedules)
    starts = [0] + milestones

    def f(t):
        i = bisect.bisect_right(milestones, _step(t))
        return schedules[i](t - starts[i])
    return _named(f, f"sequential([{', '.join(s.__name__ for s in schedules)}], {milestones})")


# -- what torch lacks ------------------------------------------------------------------------

def _warmup(lr, start_factor, warmup_steps, t):
    return lr * (start_factor + (1 - start_factor) * t / warmup_steps)


def warmup_cosine(lr: float, warmup_steps: int, total_steps: int, eta_min: float = 0.0,
                  start_factor: float = 0.0) -> Callable[[int], float]:
    r"""The common recipe: a linear warm-up from ``start_factor * lr`` to ``lr`` over
    ``warmup_steps`` steps, then half a cosine down to ``eta_min`` at ``total_steps``, where it
    stays (unlike :func:`cosine_annealing_lr`):

    $$\eta_t = \begin{cases} \eta\,\bigl(f_0 + (1 - f_0)\, t/w\bigr) & t < w \\
      \eta_{\min} + (\eta - \eta_{\min})\,\frac{1 + \cos(\pi \min(1, \frac{t - w}{T - w}))}{2} & t \ge w.
    \end{cases}$$

    This is optax's ``warmup_cosine_decay_schedule`` (``init_value = start_factor * lr``) and,
    with ``start_factor = 0`` and ``eta_min = 0``, Hugging Face's
    ``get_cosine_schedule_with_warmup``; the first step's lr is then 0.
    """
    lr = check_number("lr", lr, 0.0)
    warmup_steps = _count("warmup_steps", warmup_steps, 0)
    total_steps = _count("total_steps", total_steps, 1)
    if warmup_steps >= total_steps:
        raise ValueError(f"warmup_steps must be less than total_steps, "
                         f"got {warmup_steps} >= {total_steps}")
    eta_min = check_number("eta_min", eta_min, 0.0)
    start_factor = check_number("start_factor", start_factor, 0.0, 1.0)

    def f(t):
        t = _step(t)
        if t < warmup_steps:
            return _warmup(lr, start_factor, warmup_steps, t)
        p = min(1.0, (t - warmup_steps) / (total_steps - warmup_steps))
        return eta_min + (lr - eta_min) * _half_cosine(p)
    return _named(f, "warmup_cosine",
                  lr=lr, warmup_steps=warmup_steps, total_steps=total_steps, eta_min=eta_min)


def warmup_inverse_sqrt(lr: float, warmup_steps: int) -> Callable[[int], float]:
    r"""Linear warm-up, then decay as $1/\sqrt{t}$ (Vaswani et al. 2017, the Transformer):

    $$\eta_t = \eta \min\Bigl(\frac{t + 1}{w},\; \sqrt{\frac{w}{t + 1}}\Bigr),$$

    peaking at ``lr`` on step $t + 1 = w$. The paper's
    $d^{-1/2}\min(s^{-1/2}, s\,w^{-3/2})$ with $s = t + 1$ is this with
    $\eta = (d\,w)^{-1/2}$. It never reaches zero: runs of any length can use it.
    """
    lr = check_number("lr", lr, 0.0)
    warmup_steps = _count("warmup_steps", warmup_steps, 1)

    def f(t):
        s = _step(t) + 1
        return lr * min(s / warmup_steps, math.sqrt(warmup_steps / s))
    return _named(f, "warmup_inverse_sqrt", lr=lr, warmup_steps=warmup_steps)


_DECAY_SHAPES = {"linear": lambda p: 1.0 - p, "1-sqrt": lambda p: 1.0 - math.sqrt(p),
                 "cosine": _half_cosine}


def warmup_stable_decay(lr: float, warmup_steps: int, stable_steps: int, decay_steps: int,
                        final_lr: float = 0.0, decay: str = "1-sqrt") -> Callable[[int], float]:
    r"""Warm-up, stable, decay (WSD; Hägele et al. 2024): a linear warm-up to ``lr`` over
    ``warmup_steps``, constant for ``stable_steps``, then a short decay to ``final_lr`` over
    ``decay_steps``:

    $$\eta_t = \begin{cases} \eta\, t / w & t < w \\ \eta & w \le t < w + s \\
      \eta_{\text{final}} + (\eta - \eta_{\text{final}})\,\phi\bigl(\tfrac{t - w - s}{d}\bigr)
      & t \ge w + s \end{cases}$$

    with $\phi(p) = 1 - \sqrt{p}$ (``decay="1-sqrt"``, the paper's best), $1 - p$
    (``"linear"``) or $\frac{1 + \cos \pi p}{2}$ (``"cosine"``), $p$ clipped to 1. Why: the
    stable phase does not depend on the run's length, so one long run can be branched at any
    point into a short decay, giving a finished model for every budget at the cost of the decays.
    """
    lr = check_number("lr", lr, 0.0)
    warmup_steps = _count("warmup_steps", warmup_steps, 0)
    stable_steps = _count("stable_steps", stable_steps, 0)
    decay_steps = _count("decay_steps", decay_steps, 1)
    final_lr = check_number("final_lr", final_lr, 0.0)
    if decay not in _DECAY_SHAPES:
        raise ValueError(f"decay must be one of {sorted(_DECAY_SHAPES)}, got {decay!r}")
    phi = _DECAY_SHAPES[decay]
    decay_start = warmup_steps + stable_steps

    def f(t):
        t = _step(t)
        if t < warmup_steps:
            return _warmup(lr, 0.0, warmup_steps, t)
        if t < decay_start:
            return lr
        return final_lr + (lr - final_lr) * phi(min(1.0, (t - decay_start) / decay_steps))
    return _named(f, "warmup_stable_decay",
                  lr=lr, warmup_steps=warmup_steps, stable_steps=stable_steps,
                  decay_steps=decay_steps, decay=decay)


# -- the learning-rate range test ------------------------------------------------------------

@dataclass(eq=False)
class RangeTest:
    """What :func:`lr_range_test` measured: the lr and mini-batch loss of every step, the
    smoothed loss, and the suggested lr (where the smoothed loss falls fastest per decade)."""

    lrs: np.ndarray
    losses: np.ndarray
    smoothed: np.ndarray
    suggested_lr: float
    min_loss_lr: float      # the lr of the lowest smoothed loss: a ceiling, not a choice
    stopped_early: bool

    def plot(self, ax=None):
        """Smoothed loss against lr (log axis), the suggestion marked; returns the axes."""
        import matplotlib.pyplot as plt
        if ax is None:
            _, ax = plt.subplots(figsize=(5.5, 3.2))
        ax.semilogx(self.lrs, self.losses, color="0.75", lw=0.8, label="mini-batch loss")
        ax.semilogx(self.lrs, self.smoothed, color="C0", lw=1.8, label="smoothed")
        ax.axvline(self.suggested_lr, color="C3", ls="--", lw=1.2,
                   label=f"suggested lr = {self.suggested_lr:.2g}")
        top = min(self.losses.max(), 2.5 * self.smoothed[0])
        ax.set_ylim(0.9 * self.smoothed.min() - 0.05, top)
        ax.set(xlabel="learning rate", ylabel="training loss")
        ax.legend(frameon=False)
        return ax

    def __repr__(self):
        return (f"RangeTest({len(self.lrs)} steps, lr {self.lrs[0]:.2g}..{self.lrs[-1]:.2g}, "
                f"suggested_lr={self.suggested_lr:.3g}, stopped_early={self.stopped_early})")


def lr_range_test(model, optimizer, data, *, start_lr: float = 1e-6, end_lr: float = 10.0,
                  steps: int = 200, batch_size: int = 32, seed=0, smoothing: float = 0.9,
                  stop_factor: float = 4.0, restore: bool = True, **opt_hyper) -> RangeTest:
    r"""The learning-rate range test (Smith 2017; fastai's ``lr_find``): train for ``steps``
    mini-batch steps while the lr grows exponentially from ``start_lr`` to ``end_lr``,

    $$\eta_i = \eta_{\text{start}}\,(\eta_{\text{end}} / \eta_{\text{start}})^{i/(n-1)},$$

    record each mini-batch loss, smooth it (a debiased moving average with weight
    ``smoothing``; fastai's 0.98 lags by about 50 steps, a decade or more of lr on a
    short sweep, which moves every feature of the curve to the right), and stop once the
    smoothed loss exceeds ``stop_factor`` times its minimum.
    The suggestion is the lr where the smoothed loss falls fastest against $\log \eta$ (the
    steepest descent of the curve, before its minimum): large enough to learn quickly, below the
    edge where the loss turns up. ``optimizer``: a name with ``opt_hyper``, or an Optimizer
    over ``model.params``; ``data``: (X_train, y_train, ...) of which only the training pair
    is used. ``restore=True`` puts the model's parameters and the optimizer's state back.
    """
    from .data import batches
    from .train import _get_optimizer, _split_data

    start_lr = check_number("start_lr", start_lr, 0.0, low_open=True)
    end_lr = check_number("end_lr", end_lr, start_lr, low_open=True)
    steps = _count("steps", steps, 10)
    batch_size = _count("batch_size", batch_size, 1)
    smoothing = check_number("smoothing", smoothing, 0.0, 1.0, high_open=True)
    stop_factor = check_number("stop_factor", stop_factor, 1.0, low_open=True)
    if hasattr(data, "X_train"):  # a Digits
        data = (data.X_train, data.y_train)
    X, y = _split_data(tuple(data)[:2], model)[:2]
    opt = _get_optimizer(optimizer, model.params, opt_hyper)
    saved = ([p.copy() for p in model.params], opt.state_dict()) if restore else None

    lrs = start_lr * (end_lr / start_lr) ** (np.arange(steps) / (steps - 1))
    rng = np.random.default_rng(seed)
    losses, smoothed, avg, best, stopped = [], [], 0.0, math.inf, False
    batch_iter = iter(())
    with np.errstate(over="ignore", invalid="ignore"):
        for i, lr in enumerate(lrs):
            idx = next(batch_iter, None)
            if idx is None:  # a new epoch: reshuffle
                batch_iter = iter(batches(len(X), batch_size, rng))
                idx = next(batch_iter)
            loss = model.loss_and_grad(X[idx], y[idx])
            if not math.isfinite(loss):
                stopped = True
                break
            avg = smoothing * avg + (1 - smoothing) * loss
            s = avg / (1 - smoothing ** (i + 1))  # debiased, as in Adam
            losses.append(loss)
            smoothed.append(s)
            best = min(best, s)
            if s > stop_factor * best:
                stopped = True
                break
            opt.lr = float(lr)
            opt.step(model.grads)
    if saved is not None:
        for p, p0 in zip(model.params, saved[0]):
            p[...] = p0
        opt.load_state_dict(saved[1])
    if len(losses) < 5:
        raise ValueError(f"the loss blew up within {len(losses)} steps from start_lr={start_lr:g}: "
                         f"start lower")
    lrs, losses, smoothed = lrs[:len(losses)], np.array(losses), np.array(smoothed)
    # steepest fall of the smoothed loss per decade, up to its minimum (beyond lies the blow-up)
    k_min = int(np.argmin(smoothed))
    slope = np.gradient(smoothed, np.log10(lrs))
    skip = len(lrs) // 20  # the first points: the average has seen only a few losses
    k = skip + int(np.argmin(slope[skip:max(k_min, skip) + 1]))
    return RangeTest(lrs, losses, smoothed, float(lrs[k]), float(lrs[k_min]), stopped)
