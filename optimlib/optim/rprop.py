"""Rprop: a step of its own size per weight, in the direction of the gradient's sign."""
from __future__ import annotations

import numpy as np

from .._checks import check_number, check_pair
from .base import Optimizer


class Rprop(Optimizer):
    r"""Rprop exactly as ``torch.optim.Rprop`` computes it.

    .. math::
       \begin{aligned}
       &\textbf{input: } \eta_0 \text{ (lr, the initial step size)},
         \ \eta^-, \eta^+ \text{ (etas)},\ \Delta_{\min}, \Delta_{\max} \text{ (step\_sizes)}\\
       &\textbf{initialise: } \Delta_0 \leftarrow \eta_0 \text{ (step size)},
         \ g_0 \leftarrow 0 \text{ (prev)}\\
       &\textbf{for } t = 1, 2, \ldots:\\
       &\quad g_t \leftarrow \nabla f(\theta_{t-1})\\
       &\quad \Delta_t \leftarrow \operatorname{clip}\big(\Delta_{t-1} \cdot \begin{cases}
             \eta^+ & g_t\, g_{t-1} > 0 \\ \eta^- & g_t\, g_{t-1} < 0 \\ 1 & \text{otherwise}
             \end{cases},\ \Delta_{\min}, \Delta_{\max}\big)\\
       &\quad \textbf{if } g_t\, g_{t-1} < 0:\ \ g_t \leftarrow 0
             &&\text{(the sign flipped: skip this weight once)}\\
       &\quad \theta_t \leftarrow \theta_{t-1} - \operatorname{sign}(g_t)\, \Delta_t
       \end{aligned}

    Everything is per weight. Only the gradient's **sign** is used: the step size grows by
    :math:`\eta^+` while the sign stays, shrinks by :math:`\eta^-` when it flips (a minimum was
    overstepped), and after a flip the weight rests for one step, with :math:`g_t` stored as 0 so
    that the next step neither grows nor shrinks. ``lr`` only sets :math:`\Delta_0`: changing it
    after the first step has no effect (as in torch).

    Reference: M. Riedmiller, H. Braun, "A Direct Adaptive Method for Faster Backpropagation
    Learning: The RPROP Algorithm", IEEE International Conference on Neural Networks (1993).
    """

    defaults = dict(lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50.0))

    @classmethod
    def validate(cls, h):
        h = super().validate(h)
        minus, plus = check_pair("etas", h["etas"], "(eta_minus, eta_plus with 0 < eta_minus < 1 < eta_plus)")
        h["etas"] = (check_number("etas[0]", minus, 0.0, 1.0, low_open=True, high_open=True),
                     check_number("etas[1]", plus, 1.0, low_open=True))
        low, high = check_pair("step_sizes", h["step_sizes"], "(min, max with 0 <= min <= max)")
        low = check_number("step_sizes[0]", low, 0.0)
        h["step_sizes"] = (low, check_number("step_sizes[1]", high, low))
        return h

    def init_state(self, p):
        return {"prev": np.zeros_like(p), "step_size": np.full_like(p, self.hyper["lr"])}

    def update(self, p, g, prev, step_size, *, etas, step_sizes):
        eta_minus, eta_plus = etas
        agree = np.sign(g * prev)  # +1: same sign as last step, -1: flipped, 0: a zero
        step_size *= np.where(agree > 0, eta_plus, np.where(agree < 0, eta_minus, 1.0))
        np.clip(step_size, *step_sizes, out=step_size)
        g = np.where(agree < 0, 0.0, g)  # after a flip: no step now, and no flip seen next time
        p -= np.sign(g) * step_size
        prev[...] = g

    def effective_lr(self):
        r"""The step sizes :math:`\Delta_t`, per unit of the gradient's sign."""
        self._last_step()
        return [s["step_size"].copy() for s in self.state]
