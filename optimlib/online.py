"""Online linear problems on an interval, where adaptive methods can be seen to fail.

In online convex optimisation a learner plays a point :math:`x_t`, then sees the loss
:math:`f_t` and pays :math:`f_t(x_t)`. Its **regret** after :math:`T` rounds compares what it paid
with the best fixed point in hindsight,

.. math:: R_T = \\sum_{t=1}^T f_t(x_t) - \\min_{x \\in [a, b]} \\sum_{t=1}^T f_t(x),

and a method "converges" when the average regret :math:`R_T/T` tends to 0. Here every loss is
linear, :math:`f_t(x) = c_t x`, so a problem is its sequence of coefficients :math:`c_t` (the
gradients), and the best fixed point is an end of the interval.

:func:`reddi_coefficients` gives the counterexample of Reddi, Kale and Kumar, "On the Convergence
of Adam and Beyond" (ICLR 2018, section 5): :math:`c_t = 1010` once every 101 steps, :math:`-10`
otherwise (online), or :math:`1010` with probability 0.01 (stochastic). :func:`projected_run` runs
any of the book's optimizers on such a sequence with the paper's step sizes
:math:`\\alpha_t = \\alpha/\\sqrt t` and projection onto the interval; :func:`average_regret`
scores the run.
"""
from __future__ import annotations

import numpy as np

from ._checks import check_count, check_number
from .optim import get

__all__ = ["reddi_coefficients", "projected_run", "average_regret"]


def reddi_coefficients(steps: int, *, stochastic: bool = False, seed=0, period: int = 101,
                       p: float = 0.01, big: float = 1010.0, small: float = -10.0) -> np.ndarray:
    """The gradients :math:`c_1, \\ldots, c_T` of Reddi et al.'s linear losses :math:`c_t x`.

    Online: ``big`` when ``t % period == 1`` (so at t = 1, 102, 203, ...), ``small`` otherwise.
    Stochastic: ``big`` with probability ``p``, drawn by ``default_rng(seed)``, as in the paper.
    With the paper's numbers the sum over a period is 1010 - 100·10 = +10 (the expected gradient
    is 0.01·1010 - 0.99·10 = +0.2), so the best point of [-1, 1] is -1, while the large gradient
    is the only one that points there."""
    steps = check_count("steps", steps)
    period = check_count("period", period)
    if period < 2:
        raise ValueError(f"period must be at least 2 (one large gradient among small ones), got {period}")
    big, small = check_number("big", big), check_number("small", small)
    p = check_number("p", p, 0.0, 1.0)
    if stochastic:
        rare = np.random.default_rng(seed).random(steps) < p
    else:
        rare = np.arange(1, steps + 1) % period == 1
    return np.where(rare, big, small)


def projected_run(optimizer, coefficients, *, lr: float, x0=0.0, bounds=(-1.0, 1.0),
                  decay: bool = True, **hyper) -> np.ndarray:
    """Play the linear losses ``coefficients`` (shape ``(T,)``) with ``optimizer`` (a name from
    the catalog, e.g. ``"adam"`` or ``"amsgrad"``), projecting onto ``bounds`` after each step.

    The step size is ``lr / sqrt(t)`` at step t = 1, 2, ... (``decay=False``: ``lr`` throughout).
    ``x0`` may be an array: each of its entries is an independent run on the same losses (the
    gradient does not depend on the point), which is how several starts cost one run. Returns
    the points played, ``(T + 1, *shape of x0)``: row t is :math:`x_{t+1}`, row 0 is ``x0``."""
    c = np.asarray(coefficients, dtype=float)
    if c.ndim != 1 or c.size == 0 or not np.all(np.isfinite(c)):
        raise ValueError(f"coefficients must be a non-empty 1-D array of finite numbers, got "
                         f"shape {c.shape}")
    lo, hi = (check_number("bounds[0]", bounds[0]), check_number("bounds[1]", bounds[1]))
    if not lo < hi:
        raise ValueError(f"bounds must be (low, high) with low < high, got {bounds}")
    lr = check_number("lr", lr, 0.0, low_open=True)
    x = np.array(x0, dtype=float, ndmin=1)
    if np.any(x < lo) or np.any(x > hi):
        raise ValueError(f"x0 = {x0} lies outside bounds {bounds}: start inside the interval")
    opt = get(optimizer, [x], lr=lr, **hyper)
    xs = np.empty((c.size + 1,) + x.shape)
    xs[0] = x
    g = np.empty_like(x)
    for t, ct in enumerate(c, start=1):
        if decay:
            opt.set_hyper(lr=lr / np.sqrt(t))
        g.fill(ct)
        opt.step([g])
        np.clip(x, lo, hi, out=x)      # the projection onto the feasible interval
        xs[t] = x
    return xs.reshape((c.size + 1,) + np.shape(x0))


def average_regret(xs, coefficients, bounds=(-1.0, 1.0)) -> np.ndarray:
    """:math:`R_t / t` for t = 1..T, from the points played ``xs`` (as :func:`projected_run`
    returns them: row t - 1 is the point the t-th loss is paid at) and the coefficients."""
    c = np.asarray(coefficients, dtype=float)
    xs = np.asarray(xs, dtype=float)
    if xs.shape[0] < c.size:
        raise ValueError(f"xs has {xs.shape[0]} points for {c.size} losses: need one point per loss")
    paid = np.cumsum(c.reshape((-1,) + (1,) * (xs.ndim - 1)) * xs[:c.size], axis=0)
    total = np.cumsum(c)
    best = np.minimum(total * bounds[0], total * bounds[1])  # a linear loss is least at an end
    t = np.arange(1, c.size + 1)
    return (paid - best.reshape(paid.shape[:1] + (1,) * (xs.ndim - 1))) / t.reshape(
        (-1,) + (1,) * (xs.ndim - 1))
