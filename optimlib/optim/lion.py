"""Lion: the sign of an interpolated momentum, found by a program search."""
from __future__ import annotations

import numpy as np

from . import _fused
from .base import Optimizer


class Lion(Optimizer):
    r"""Lion (EvoLved Sign Momentum) exactly as the paper's Program 1 computes it.

    .. math::
       \begin{aligned}
       &\textbf{input: } \eta \text{ (lr)},\ \beta_1, \beta_2 \text{ (betas)},
         \ \lambda \text{ (weight decay)}\\
       &\textbf{initialise: } m_0 \leftarrow 0 \text{ (momentum)}\\
       &\textbf{for } t = 1, 2, \ldots:\\
       &\quad g_t \leftarrow \nabla f(\theta_{t-1})\\
       &\quad c_t \leftarrow \beta_1 m_{t-1} + (1-\beta_1)\, g_t
             &&\text{(the direction: an interpolation)}\\
       &\quad \theta_t \leftarrow \theta_{t-1} - \eta\,\big(\operatorname{sign}(c_t)
             + \lambda\,\theta_{t-1}\big)
             &&\text{(decoupled decay, as in AdamW)}\\
       &\quad m_t \leftarrow \beta_2 m_{t-1} + (1-\beta_2)\, g_t
             &&\text{(the memory: a slower average)}
       \end{aligned}

    Every coordinate moves by exactly :math:`\eta` (plus the decay) whenever :math:`c_t \ne 0`:
    the step is the steepest descent step of max-norm :math:`\eta` along :math:`c_t`. Only one
    buffer is kept (Adam keeps two). Two constants, because the direction uses
    :math:`\beta_1 = 0.9` (the current gradient weighs more) while the momentum remembers with
    :math:`\beta_2 = 0.99`; with :math:`\beta_1 = \beta_2`, :math:`c_t = m_t` and Lion is the
    sign of an averaged gradient (Signum).
    As the sign update has a larger norm than Adam's, the paper's learning rate is 3-10x
    smaller than AdamW's and its weight decay 3-10x larger (the product :math:`\eta\lambda`,
    the shrink per step, kept the same). The decay is decoupled: :math:`\theta_{t-1}
    (1 - \eta\lambda)` then the signed step, which is the paper's line rewritten.

    torch.optim has no Lion; the tests check this class against Program 1 of the paper,
    written out independently, step for step.

    Reference: X. Chen, C. Liang, D. Huang, E. Real, K. Wang, H. Pham, X. Dong, T. Luong,
    C.-J. Hsieh, Y. Lu, Q. V. Le, "Symbolic Discovery of Optimization Algorithms", NeurIPS 2023,
    arXiv:2302.06675 (Program 1 and Algorithm 2).
    """

    defaults = dict(lr=1e-4, betas=(0.9, 0.99), weight_decay=0.0)

    def init_state(self, p):
        return {"exp_avg": np.zeros_like(p)}

    def update(self, p, g, exp_avg, *, lr, betas, weight_decay):
        beta1, beta2 = betas
        c = beta1 * exp_avg + (1 - beta1) * g
        if weight_decay:
            p *= 1 - lr * weight_decay
        p -= lr * np.sign(c)
        exp_avg *= beta2
        exp_avg += (1 - beta2) * g

    def fused_update(self, p, g, exp_avg, **hyper):
        """``update`` in one compiled pass over the whole arrays (``fused=True``)."""
        _fused.lion(p, g, exp_avg, **hyper)

    def effective_lr(self):
        r""":math:`\eta` for every coordinate, per unit of :math:`\operatorname{sign}(c_t)`."""
        self._last_step()
        return [np.full_like(p, self.hyper["lr"]) for p in self.params]
