"""Adadelta: a step whose units match the parameter's, from two running averages."""
from __future__ import annotations

import numpy as np

from .._checks import check_number
from .base import Optimizer


class Adadelta(Optimizer):
    r"""Adadelta exactly as ``torch.optim.Adadelta`` computes it.

    .. math::
       \begin{aligned}
       &\textbf{input: } \eta \text{ (lr)},\ \rho \text{ (decay)},\ \epsilon,
         \ \lambda \text{ (weight decay)}\\
       &\textbf{initialise: } v_0 \leftarrow 0 \text{ (square avg)},
         \ u_0 \leftarrow 0 \text{ (accumulated delta)}\\
       &\textbf{for } t = 1, 2, \ldots:\\
       &\quad g_t \leftarrow \nabla f(\theta_{t-1}) + \lambda\,\theta_{t-1}
             &&\text{(weight decay, if } \lambda \ne 0)\\
       &\quad v_t \leftarrow \rho\, v_{t-1} + (1-\rho)\, g_t^2\\
       &\quad \Delta x_t \leftarrow \frac{\sqrt{u_{t-1} + \epsilon}}{\sqrt{v_t + \epsilon}}\, g_t\\
       &\quad u_t \leftarrow \rho\, u_{t-1} + (1-\rho)\, \Delta x_t^2\\
       &\quad \theta_t \leftarrow \theta_{t-1} - \eta\, \Delta x_t
       \end{aligned}

    Zeiler's rule has no learning rate: the ratio of root-mean-squares of past steps and past
    gradients carries the parameter's units. torch keeps a multiplier ``lr`` (default 1.0, which
    is Zeiler's rule) so that schedules can act on it. ``eps`` sits inside both roots; at the start
    (:math:`u_0 = 0`) it alone sets the step size, :math:`\sqrt\epsilon` per unit gradient.

    Reference: M. D. Zeiler, "ADADELTA: An Adaptive Learning Rate Method", arXiv:1212.5701 (2012).
    """

    defaults = dict(lr=1.0, rho=0.9, eps=1e-6, weight_decay=0.0)

    @classmethod
    def validate(cls, h):
        h = super().validate(h)
        h["rho"] = check_number("rho", h["rho"], 0.0, 1.0)
        return h

    def init_state(self, p):
        return {"square_avg": np.zeros_like(p), "acc_delta": np.zeros_like(p)}

    def update(self, p, g, square_avg, acc_delta, *, lr, rho, eps, weight_decay):
        if weight_decay:
            g = g + weight_decay * p
        square_avg *= rho
        square_avg += (1 - rho) * g * g
        std = np.sqrt(square_avg + eps)
        delta = np.sqrt(acc_delta + eps) / std * g
        acc_delta *= rho
        acc_delta += (1 - rho) * delta * delta
        p += -lr * delta

    def effective_lr(self):
        r""":math:`\eta \sqrt{u_t + \epsilon} / \sqrt{v_t + \epsilon}`: the step per unit of
        gradient that the next step takes when the gradient's square equals its running average
        :math:`v_t` (so that :math:`v` stays put); the last step's ratio used :math:`u_{t-1}`,
        which the state no longer holds."""
        self._last_step()
        h = self.hyper
        return [h["lr"] * np.sqrt(s["acc_delta"] + h["eps"]) / np.sqrt(s["square_avg"] + h["eps"])
                for s in self.state]
