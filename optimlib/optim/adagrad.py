"""Adagrad: a per-parameter step size that shrinks with the sum of past squared gradients."""
from __future__ import annotations

import numpy as np

from .._checks import check_number
from .base import Optimizer


class Adagrad(Optimizer):
    r"""Adagrad exactly as ``torch.optim.Adagrad`` computes it.

    .. math::
       \begin{aligned}
       &\textbf{input: } \eta \text{ (lr)},\ \theta_0,\ \lambda \text{ (weight decay)},
         \ \tau \text{ (initial accumulator value)},\ \eta_{\text{decay}} \text{ (lr decay)},
         \ \epsilon\\
       &\textbf{initialise: } s_0 \leftarrow \tau \text{ (sum)}\\
       &\textbf{for } t = 1, 2, \ldots:\\
       &\quad g_t \leftarrow \nabla f(\theta_{t-1}) + \lambda\,\theta_{t-1}
             &&\text{(weight decay, if } \lambda \ne 0)\\
       &\quad \tilde\eta \leftarrow \eta \,/\, \big(1 + (t-1)\,\eta_{\text{decay}}\big)\\
       &\quad s_t \leftarrow s_{t-1} + g_t^2\\
       &\quad \theta_t \leftarrow \theta_{t-1} - \tilde\eta\, g_t \,/\, \big(\sqrt{s_t} + \epsilon\big)
       \end{aligned}

    Squares, roots and divisions are elementwise. Each coordinate's step shrinks like
    :math:`1/\sqrt{\sum_\tau g_\tau^2}`: large for rarely-updated (sparse) features, and
    vanishing over a long run, which is what RMSprop and Adam repair. ``eps`` sits outside the
    root.

    Reference: J. Duchi, E. Hazan, Y. Singer, "Adaptive Subgradient Methods for Online Learning
    and Stochastic Optimization", JMLR 12 (2011) 2121-2159.
    """

    defaults = dict(lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0,
                    eps=1e-10)

    @classmethod
    def validate(cls, h):
        h = super().validate(h)
        h["lr_decay"] = check_number("lr_decay", h["lr_decay"], 0.0)
        h["initial_accumulator_value"] = check_number(
            "initial_accumulator_value", h["initial_accumulator_value"], 0.0)
        return h

    def init_state(self, p):
        return {"sum": np.full_like(p, self.hyper["initial_accumulator_value"])}

    def update(self, p, g, sum, *, lr, lr_decay, weight_decay, eps, step):
        if weight_decay:
            g = g + weight_decay * p
        clr = lr / (1 + (step - 1) * lr_decay)
        sum += g * g
        std = np.sqrt(sum) + eps
        p += -clr * g / std

    def effective_lr(self):
        r""":math:`\tilde\eta / (\sqrt{s_t} + \epsilon)`, per unit of the gradient :math:`g_t`."""
        self._last_step()
        h = self.hyper
        clr = h["lr"] / (1 + (self.t - 1) * h["lr_decay"])
        return [clr / (np.sqrt(s["sum"]) + h["eps"]) for s in self.state]
