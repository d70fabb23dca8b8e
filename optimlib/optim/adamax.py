"""Adamax: Adam with the infinity norm of past gradients in place of their root mean square."""
from __future__ import annotations

import numpy as np

from ._common import lerp_
from .base import Optimizer


class Adamax(Optimizer):
    r"""Adamax exactly as ``torch.optim.Adamax`` computes it.

    .. math::
       \begin{aligned}
       &\textbf{input: } \eta \text{ (lr)},\ \beta_1, \beta_2 \text{ (betas)},\ \epsilon,
         \ \lambda \text{ (weight decay)}\\
       &\textbf{initialise: } m_0 \leftarrow 0 \text{ (first moment)},
         \ u_0 \leftarrow 0 \text{ (infinity norm)}\\
       &\textbf{for } t = 1, 2, \ldots:\\
       &\quad g_t \leftarrow \nabla f(\theta_{t-1}) + \lambda\,\theta_{t-1}
             &&\text{(weight decay, if } \lambda \ne 0)\\
       &\quad m_t \leftarrow \beta_1 m_{t-1} + (1-\beta_1)\, g_t\\
       &\quad u_t \leftarrow \max\big(\beta_2 u_{t-1},\ |g_t| + \epsilon\big)\\
       &\quad \theta_t \leftarrow \theta_{t-1} - \frac{\eta}{1-\beta_1^t}\, \frac{m_t}{u_t}
       \end{aligned}

    The :math:`p`-norm generalisation of Adam's :math:`v_t` tends, as :math:`p\to\infty`, to this
    exponentially weighted maximum, which needs no bias correction. The paper has no
    :math:`\epsilon`; torch adds it to :math:`|g_t|` inside the max so that :math:`u_t > 0`.

    Reference: D. P. Kingma, J. Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015,
    arXiv:1412.6980, section 7.1.
    """

    defaults = dict(lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0)

    def init_state(self, p):
        return {"exp_avg": np.zeros_like(p), "exp_inf": np.zeros_like(p)}

    def update(self, p, g, exp_avg, exp_inf, *, lr, betas, eps, weight_decay, step):
        beta1, beta2 = betas
        if weight_decay:
            g = g + weight_decay * p
        lerp_(exp_avg, g, 1 - beta1)
        exp_inf *= beta2
        np.maximum(exp_inf, np.abs(g) + eps, out=exp_inf)
        clr = lr / (1 - beta1 ** step)
        p += -clr * exp_avg / exp_inf

    def effective_lr(self):
        r""":math:`\eta / (1-\beta_1^t) / u_t`, per unit of the first moment :math:`m_t`."""
        self._last_step()
        h = self.hyper
        return [h["lr"] / (1 - h["betas"][0] ** self.t) / s["exp_inf"] for s in self.state]
