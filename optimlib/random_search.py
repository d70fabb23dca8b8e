r"""Optimisation without gradients: guess, and keep the best guess.

``random_search`` draws every guess afresh; ``random_local_search`` perturbs
the best point so far and keeps the perturbation only if it lowers the loss.
Both return a :class:`SearchResult`: the best parameters found and
``history[k]``, the best loss after ``k + 1`` attempts.

What theory predicts for them in ``d`` dimensions (chapter 2 measures both):

- ``hit_probability(d, r)``: the chance that one uniform guess in the cube
  ``[-1, 1]^d`` lands within ``r`` of its centre; it shrinks faster than
  exponentially with ``d``;
- ``local_search_progress(sigma_star)``: Rechenberg's progress rate of random
  local search (the (1+1) evolution strategy) on a sphere in high dimension:
  each attempt shrinks the distance ``R`` to the minimum by the factor
  ``1 - phi*/d`` on average, where ``sigma_star = step_size * d / R``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ._checks import check_count, check_number

__all__ = ["SearchResult", "random_search", "random_local_search",
           "hit_probability", "local_search_progress"]


@dataclass(frozen=True)
class SearchResult:
    """What a search found; unpacks as ``best, history = result``.

    ``history[k]`` is the best loss after attempt k + 1 (non-increasing).
    With ``record=True``, ``path[k]`` is the best point after attempt k + 1
    and ``tried[k]`` the point tried at attempt k + 1; otherwise both are None.
    """
    best: np.ndarray
    history: np.ndarray
    path: np.ndarray | None = None
    tried: np.ndarray | None = None

    @property
    def loss(self) -> float:
        return float(self.history[-1])

    def __iter__(self):
        return iter((self.best, self.history))


def _check_rng(rng) -> None:
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator "
                        f"(np.random.default_rng(seed)), "
                        f"got {type(rng).__name__}")


def _result(best, history, path, tried) -> SearchResult:
    if path is None:
        return SearchResult(best, history)
    return SearchResult(best, history, np.array(path), np.array(tried))


def random_search(loss, sample, n_trials, rng, record=False):
    """Draw n_trials points with sample(rng); keep the one of lowest loss.

    record=True also keeps every point tried and the best after each attempt.
    """
    n_trials = check_count("n_trials", n_trials, 1)
    _check_rng(rng)
    best, best_loss = None, np.inf
    history = np.empty(n_trials)
    path, tried = ([], []) if record else (None, None)
    for k in range(n_trials):
        theta = sample(rng)
        value = loss(theta)
        # keep the best so far (a first nan is replaced by any number)
        if best is None or value < best_loss or np.isnan(best_loss):
            best, best_loss = theta, value
        history[k] = best_loss
        if record:
            tried.append(theta)
            path.append(best)
    return _result(best, history, path, tried)


def random_local_search(loss, x0, n_trials, step_size, rng, record=False):
    """From x0, try x + step_size * N(0, I); move there if the loss drops.

    record=True also keeps every point tried and the best after each attempt.
    """
    n_trials = check_count("n_trials", n_trials, 1)
    step_size = check_number("step_size", step_size, 0.0, low_open=True)
    _check_rng(rng)
    x = np.array(x0, dtype=float)          # a copy: x0 is left as it was
    best_loss = loss(x)
    if not np.isfinite(best_loss):
        raise ValueError(f"loss(x0) is {best_loss}: start from a point "
                         f"where the loss is finite")
    history = np.empty(n_trials)
    path, tried = ([], []) if record else (None, None)
    for k in range(n_trials):
        candidate = x + step_size * rng.standard_normal(x.shape)
        value = loss(candidate)
        if value < best_loss:
            x, best_loss = candidate, value
        history[k] = best_loss
        if record:
            tried.append(candidate)
            path.append(x)
    return _result(x, history, path, tried)


# -- what theory predicts ----------------------------------------------------
def hit_probability(d, r, log=False):
    r"""P(a uniform point of :math:`[-1, 1]^d` lies within r of the centre).

    For 0 < r <= 1 it is the volume of the ball,
    :math:`\pi^{d/2} r^d / \Gamma(d/2 + 1)`, over the cube's :math:`2^d`.
    Computed through logarithms (``math.lgamma``); with ``log=True`` it
    returns the natural log, which stays finite when the probability
    itself underflows (d = 650, r = 0.5).
    """
    d = check_count("d", d, 1)
    r = check_number("r", r, 0.0, 1.0, low_open=True)
    log_p = (d / 2 * math.log(math.pi) + d * math.log(r)
             - math.lgamma(d / 2 + 1) - d * math.log(2))
    return log_p if log else math.exp(log_p)


def local_search_progress(sigma_star):
    r"""(phi_star, p_accept) of random local search on a high-dim. sphere.

    With the normalised step :math:`\sigma^* = \sigma d / R` (step size
    :math:`\sigma` per coordinate, distance :math:`R` to the minimum), an
    attempt is accepted with probability :math:`1 - \Phi(\sigma^*/2)`, and
    the expected decrease of :math:`R`, times :math:`d / R`, is

    .. math:: \varphi^* = \frac{\sigma^*}{\sqrt{2\pi}} e^{-\sigma^{*2}/8}
              - \frac{\sigma^{*2}}{2}
                \Bigl(1 - \Phi\bigl(\tfrac{\sigma^*}{2}\bigr)\Bigr),

    largest (about 0.202) at :math:`\sigma^* \approx 1.224`, where about 27%
    of the attempts are accepted (Rechenberg 1973; Beyer 2001, ch. 3).
    """
    s = check_number("sigma_star", sigma_star, 0.0)
    tail = 0.5 * math.erfc(s / 2 / math.sqrt(2))        # 1 - Phi(s / 2)
    phi = s / math.sqrt(2 * math.pi) * math.exp(-s * s / 8) - s * s / 2 * tail
    return phi, tail
