"""RAdam: Adam whose adaptive step is switched on only once its variance can be trusted."""
from __future__ import annotations

import numpy as np

from ._common import lerp_
from .base import Optimizer


def rectification(beta2: float, t: int) -> float | None:
    r""":math:`r_t`, or None while :math:`\rho_t \le 5` (the variance of :math:`v_t` is not yet
    finite enough to trust)."""
    rho_inf = 2 / (1 - beta2) - 1
    rho_t = rho_inf - 2 * t * (beta2 ** t) / (1 - beta2 ** t)
    if rho_t <= 5.0:
        return None
    return ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5


class RAdam(Optimizer):
    r"""RAdam exactly as ``torch.optim.RAdam`` computes it.

    .. math::
       \begin{aligned}
       &\textbf{input: } \eta \text{ (lr)},\ \beta_1, \beta_2 \text{ (betas)},\ \epsilon,
         \ \lambda \text{ (weight decay)},\ \textit{decoupled}\\
       &\textbf{initialise: } m_0 \leftarrow 0,\ v_0 \leftarrow 0,
         \ \rho_\infty \leftarrow 2/(1-\beta_2) - 1\\
       &\textbf{for } t = 1, 2, \ldots:\\
       &\quad g_t \leftarrow \nabla f(\theta_{t-1})\\
       &\quad \textbf{if } \lambda \ne 0:\ \ \textbf{if } \textit{decoupled}:
             \ \theta_{t-1} \leftarrow (1 - \eta\lambda)\,\theta_{t-1}
             \ \ \textbf{else}:\ g_t \leftarrow g_t + \lambda\,\theta_{t-1}\\
       &\quad m_t \leftarrow \beta_1 m_{t-1} + (1-\beta_1)\, g_t,
             \quad v_t \leftarrow \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2\\
       &\quad \hat m_t \leftarrow m_t/(1-\beta_1^t)\\
       &\quad \rho_t \leftarrow \rho_\infty - 2t\beta_2^t/(1-\beta_2^t)\\
       &\quad \textbf{if } \rho_t > 5:\\
       &\quad\quad l_t \leftarrow \sqrt{1-\beta_2^t}\,/\,\big(\sqrt{v_t}+\epsilon\big),
             \quad r_t \leftarrow \sqrt{\frac{(\rho_t-4)(\rho_t-2)\rho_\infty}
                                          {(\rho_\infty-4)(\rho_\infty-2)\rho_t}}\\
       &\quad\quad \theta_t \leftarrow \theta_{t-1} - \eta\, \hat m_t\, l_t\, r_t\\
       &\quad \textbf{else}:\ \ \theta_t \leftarrow \theta_{t-1} - \eta\, \hat m_t
             &&\text{(SGD with momentum while } v_t \text{ is too young)}
       \end{aligned}

    :math:`\rho_t` is the length of the simple moving average that the exponential average
    :math:`v_t` approximates; :math:`r_t` rescales the adaptive step so that its variance is that
    of the fully warmed-up one. It replaces a hand-tuned learning-rate warm-up.

    Reference: L. Liu, H. Jiang, P. He, W. Chen, X. Liu, J. Gao, J. Han, "On the Variance of the
    Adaptive Learning Rate and Beyond", ICLR 2020, arXiv:1908.03265.
    """

    defaults = dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
                    decoupled_weight_decay=False)

    def init_state(self, p):
        return {"exp_avg": np.zeros_like(p), "exp_avg_sq": np.zeros_like(p)}

    def update(self, p, g, exp_avg, exp_avg_sq, *, lr, betas, eps, weight_decay,
               decoupled_weight_decay, step):
        beta1, beta2 = betas
        if weight_decay:
            if decoupled_weight_decay:
                p *= 1 - lr * weight_decay
            else:
                g = g + weight_decay * p
        lerp_(exp_avg, g, 1 - beta1)
        exp_avg_sq *= beta2
        exp_avg_sq += (1 - beta2) * g * g
        bias_correction1 = 1 - beta1 ** step
        bias_correction2 = 1 - beta2 ** step
        bias_corrected_exp_avg = exp_avg / bias_correction1
        rect = rectification(beta2, step)
        if rect is not None:
            adaptive_lr = bias_correction2 ** 0.5 / (np.sqrt(exp_avg_sq) + eps)
            p -= bias_corrected_exp_avg * lr * adaptive_lr * rect
        else:
            p -= bias_corrected_exp_avg * lr

    def effective_lr(self):
        r""":math:`\eta\, l_t r_t / (1-\beta_1^t)` once :math:`\rho_t > 5`, else
        :math:`\eta / (1-\beta_1^t)`: per unit of the first moment :math:`m_t`."""
        self._last_step()
        h, t = self.hyper, self.t
        beta1, beta2 = h["betas"]
        bc1, bc2 = 1 - beta1 ** t, 1 - beta2 ** t
        rect = rectification(beta2, t)
        if rect is None:
            return [np.full(s["exp_avg"].shape, h["lr"] / bc1) for s in self.state]
        return [h["lr"] * rect / bc1 * bc2 ** 0.5 / (np.sqrt(s["exp_avg_sq"]) + h["eps"])
                for s in self.state]
