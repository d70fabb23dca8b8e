"""Wrong versions of Adam and AdaMax, written as published code writes them: for the book's
contrasts only.

Each class keeps the bookkeeping of the method it breaks (:class:`~optimlib.optim.Adam`'s or
:class:`~optimlib.optim.Adamax`'s buffers, step count and checks) and changes one line of the update, so that chapters 10 and 11 can train with it and
show what the mistake does. None of them is an optimizer to use; the catalog does not list them.

- :class:`AdamOneMinusBeta`: bias corrections divided by :math:`1-\\beta` instead of
  :math:`1-\\beta^t`;
- :class:`AdamEpsInsideRoot`: :math:`\\sqrt{\\hat v_t + \\epsilon}` instead of
  :math:`\\sqrt{\\hat v_t} + \\epsilon`;
- :class:`AdamUncorrectedM`: the step scaled by :math:`m_t` instead of :math:`\\hat m_t`;
- :class:`AdamaxPublished`: AdaMax with the step divided by :math:`1-\\beta_1` instead of
  :math:`1-\\beta_1^t`, and :math:`\\epsilon` added outside the max instead of inside it.
"""
from __future__ import annotations

import numpy as np

from .optim import Adam, Adamax

__all__ = ["AdamOneMinusBeta", "AdamEpsInsideRoot", "AdamUncorrectedM", "AdamaxPublished"]


class _Contrast(Adam):
    """Adam's moments without AMSGrad or weight decay; subclasses write the (wrong) step."""

    defaults = dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8)

    def init_state(self, p):
        return {"exp_avg": np.zeros_like(p), "exp_avg_sq": np.zeros_like(p)}

    @staticmethod
    def _moments(g, exp_avg, exp_avg_sq, betas):
        b1, b2 = betas
        exp_avg *= b1
        exp_avg += (1 - b1) * g
        exp_avg_sq *= b2
        exp_avg_sq += (1 - b2) * g * g
        return b1, b2


class AdamOneMinusBeta(_Contrast):
    """WRONG: m / (1 - β1) and v / (1 - β2), so early steps are too large, later ones too small."""

    def update(self, p, g, exp_avg, exp_avg_sq, *, lr, betas, eps):
        b1, b2 = self._moments(g, exp_avg, exp_avg_sq, betas)
        p -= lr * (exp_avg / (1 - b1)) / (np.sqrt(exp_avg_sq / (1 - b2)) + eps)


class AdamEpsInsideRoot(_Contrast):
    """WRONG (for Adam): ε inside the root, a floor of √ε on the denominator instead of ε."""

    def update(self, p, g, exp_avg, exp_avg_sq, *, lr, betas, eps, step):
        b1, b2 = self._moments(g, exp_avg, exp_avg_sq, betas)
        p -= lr * (exp_avg / (1 - b1 ** step)) / np.sqrt(exp_avg_sq / (1 - b2 ** step) + eps)


class AdamUncorrectedM(_Contrast):
    """WRONG: the step uses m, not m / (1 - β1^t): the first step is (1 - β1) times Adam's."""

    def update(self, p, g, exp_avg, exp_avg_sq, *, lr, betas, eps, step):
        self._moments(g, exp_avg, exp_avg_sq, betas)
        p -= lr * exp_avg / (np.sqrt(exp_avg_sq / (1 - betas[1] ** step)) + eps)


class AdamaxPublished(Adamax):
    """WRONG: AdaMax as published code writes it. The step is divided by 1 - β1 (not 1 - β1^t),
    so once m has forgotten its zero start the steps are 1/(1 - β1) = 10 times AdaMax's; and ε is
    added to u after the max, u = max(β2 u, |g|), so u decays to 0 where the gradient stops."""

    defaults = dict(lr=2e-3, betas=(0.9, 0.999), eps=1e-8)

    def update(self, p, g, exp_avg, exp_inf, *, lr, betas, eps):
        b1, b2 = betas
        exp_avg *= b1
        exp_avg += (1 - b1) * g
        exp_inf *= b2
        np.maximum(exp_inf, np.abs(g), out=exp_inf)
        p -= lr / (1 - b1) * exp_avg / (exp_inf + eps)
