r"""What theory predicts for gradient descent and momentum on a quadratic, and how to measure it.

On :math:`f(x) = \tfrac12 x^\top H x` every first-order method acts on each eigen-direction of
:math:`H` (curvature :math:`\lambda`) separately, so its behaviour is a number per curvature:

- gradient descent multiplies the error along :math:`\lambda` by :math:`1 - \eta\lambda`;
- heavy ball (``SGD(momentum=beta)``) follows
  :math:`e_{t+1} = (1 + \beta - \eta\lambda)\, e_t - \beta\, e_{t-1}`, whose rate is the
  larger root modulus of :math:`z^2 - (1 + \beta - \eta\lambda) z + \beta`.

The rate of the whole problem is the worst one over its curvatures, between :math:`\mu` and
:math:`L` (condition number :math:`\kappa = L/\mu`). ``measured_rate`` reads the same number off
a run, so the book can put theory and measurement side by side.

References: Polyak (1964); Nesterov, *Introductory Lectures on Convex Optimization* (2004), 2.1;
Goh, "Why Momentum Really Works", Distill (2017).
"""
from __future__ import annotations

import math

import numpy as np

from ._checks import check_number

__all__ = ["gd_rate", "gd_optimal", "gd_max_lr", "heavy_ball_rate", "heavy_ball_optimal",
           "heavy_ball_max_lr", "sgd_noise_floor", "measured_rate", "steps_to"]


def _curvatures(lam) -> np.ndarray:
    lam = np.atleast_1d(np.asarray(lam, dtype=float))
    if lam.size == 0 or not np.all(np.isfinite(lam)) or np.any(lam <= 0):
        raise ValueError(f"curvatures must be positive finite numbers, got {lam}")
    return lam


def _check_L_mu(L, mu) -> tuple[float, float]:
    mu = check_number("mu", mu, 0.0, low_open=True)
    L = check_number("L", L, mu)
    return L, mu


def gd_rate(lr, curvatures) -> float:
    r"""Per-step contraction of gradient descent: :math:`\max_\lambda |1 - \eta\lambda|`.

    Below 1 the error shrinks by this factor per step (in the slowest direction); above 1 it grows.
    """
    lr = check_number("lr", lr, 0.0)
    return float(np.max(np.abs(1.0 - lr * _curvatures(curvatures))))


def gd_optimal(L, mu) -> tuple[float, float]:
    r"""The best constant step and its rate: :math:`\eta^\star = 2/(L+\mu)`,
    :math:`\rho^\star = (\kappa - 1)/(\kappa + 1)`."""
    L, mu = _check_L_mu(L, mu)
    kappa = L / mu
    return 2.0 / (L + mu), (kappa - 1.0) / (kappa + 1.0)


def gd_max_lr(L) -> float:
    r"""The stability edge :math:`2/L`: past it the error along the curvature L grows."""
    return 2.0 / check_number("L", L, 0.0, low_open=True)


def heavy_ball_rate(lr, momentum, curvatures) -> float:
    r"""Per-step contraction of heavy ball (``SGD(lr, momentum)``) on a quadratic.

    For each curvature :math:`\lambda` the error obeys
    :math:`e_{t+1} = (1+\beta-\eta\lambda) e_t - \beta e_{t-1}`; the rate is the largest root
    modulus of :math:`z^2 - (1+\beta-\eta\lambda) z + \beta = 0` over the curvatures.
    With complex roots (:math:`(1-\sqrt\beta)^2 < \eta\lambda < (1+\sqrt\beta)^2`) it is
    :math:`\sqrt\beta` whatever :math:`\lambda`.
    """
    lr = check_number("lr", lr, 0.0)
    beta = check_number("momentum", momentum, 0.0)
    a = 1.0 + beta - lr * _curvatures(curvatures)
    disc = (a * a - 4.0 * beta).astype(complex)
    roots = np.stack([(a + np.sqrt(disc)) / 2, (a - np.sqrt(disc)) / 2])
    return float(np.max(np.abs(roots)))


def heavy_ball_optimal(L, mu) -> tuple[float, float, float]:
    r"""Polyak's tuning: :math:`\eta^\star = 4/(\sqrt L + \sqrt\mu)^2`,
    :math:`\beta^\star = \big((\sqrt\kappa - 1)/(\sqrt\kappa + 1)\big)^2`, rate
    :math:`\sqrt{\beta^\star} = (\sqrt\kappa - 1)/(\sqrt\kappa + 1)`.

    Returns ``(lr, momentum, rate)``.
    """
    L, mu = _check_L_mu(L, mu)
    r = (math.sqrt(L) - math.sqrt(mu)) / (math.sqrt(L) + math.sqrt(mu))
    return 4.0 / (math.sqrt(L) + math.sqrt(mu)) ** 2, r * r, r


def heavy_ball_max_lr(momentum, L) -> float:
    r"""The stability edge of heavy ball: stable iff :math:`0 < \eta L < 2 + 2\beta` (and
    :math:`0 \le \beta < 1`); returns :math:`(2 + 2\beta)/L`."""
    beta = check_number("momentum", momentum, 0.0, 1.0, high_open=True)
    return (2.0 + 2.0 * beta) / check_number("L", L, 0.0, low_open=True)


def sgd_noise_floor(lr, curvature, noise_var) -> float:
    r"""Stationary :math:`E[e^2]` of SGD on :math:`\tfrac{\lambda}{2}x^2` with gradient noise
    of variance :math:`\sigma^2`: :math:`\eta\sigma^2 / (\lambda(2 - \eta\lambda))`.

    From :math:`e_{t+1} = (1-\eta\lambda)e_t - \eta\xi_t`: the variance ``s`` is a fixed point of
    :math:`s = (1-\eta\lambda)^2 s + \eta^2\sigma^2`. It is proportional to the step: halve
    :math:`\eta`, halve the floor. Requires :math:`0 < \eta\lambda < 2`.
    """
    lr = check_number("lr", lr, 0.0, low_open=True)
    lam = check_number("curvature", curvature, 0.0, low_open=True)
    var = check_number("noise_var", noise_var, 0.0)
    if lr * lam >= 2:
        raise ValueError(f"lr * curvature must be < 2 for a stationary state, got {lr * lam!r}")
    return lr * var / (lam * (2.0 - lr * lam))


def measured_rate(errors, tail: float = 0.5) -> float:
    r"""The per-step factor by which ``errors`` shrink (or grow), read off a run.

    ``errors[t]`` is a positive size of the error after t steps, such as
    :math:`\|\theta_t - \theta^\star\|`. The rate is the geometric mean of the
    step-to-step ratios over the last ``tail`` fraction of the run,
    :math:`(e_T / e_s)^{1/(T-s)}`: the start of the run, where faster
    directions still matter, is left out.
    """
    e = np.asarray(errors, dtype=float)
    if e.ndim != 1 or e.size < 3:
        raise ValueError(f"errors must be a 1-D sequence of at least 3 values, "
                         f"got shape {e.shape}")
    tail = check_number("tail", tail, 0.0, 1.0, low_open=True)
    if not np.all(np.isfinite(e)) or np.any(e <= 0):
        raise ValueError("errors must be positive and finite "
                         "(stop the run before it reaches 0 or inf)")
    T = e.size - 1
    s = min(T - 1, max(0, int(round(T * (1 - tail)))))
    return float(np.exp((np.log(e[T]) - np.log(e[s])) / (T - s)))


def steps_to(rate, reduction) -> int:
    r"""Steps for an error shrinking by ``rate`` per step to fall by the factor ``reduction``:
    :math:`\lceil \ln(\text{reduction}) / \ln(1/\text{rate}) \rceil`."""
    rate = check_number("rate", rate, 0.0, 1.0, low_open=True, high_open=True)
    reduction = check_number("reduction", reduction, 1.0)
    return int(math.ceil(math.log(reduction) / -math.log(rate) - 1e-12))
