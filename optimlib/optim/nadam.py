"""NAdam: Adam with Nesterov momentum, on torch's momentum-decay schedule."""
from __future__ import annotations

import numpy as np

from .._checks import check_number
from ._common import lerp_
from .base import Optimizer


class NAdam(Optimizer):
    r"""NAdam exactly as ``torch.optim.NAdam`` computes it.

    .. math::
       \begin{aligned}
       &\textbf{input: } \eta \text{ (lr)},\ \beta_1, \beta_2 \text{ (betas)},\ \epsilon,
         \ \lambda \text{ (weight decay)},\ \psi \text{ (momentum decay)},\ \textit{decoupled}\\
       &\textbf{initialise: } m_0 \leftarrow 0,\ v_0 \leftarrow 0,
         \ \Pi_0 \leftarrow 1 \text{ (mu product)}\\
       &\textbf{for } t = 1, 2, \ldots:\\
       &\quad g_t \leftarrow \nabla f(\theta_{t-1})\\
       &\quad \textbf{if } \lambda \ne 0:\ \ \textbf{if } \textit{decoupled}:
             \ \theta_{t-1} \leftarrow (1 - \eta\lambda)\,\theta_{t-1}
             \ \ \textbf{else}:\ g_t \leftarrow g_t + \lambda\,\theta_{t-1}\\
       &\quad \mu_t \leftarrow \beta_1\big(1 - \tfrac12\, 0.96^{\,t\psi}\big),
             \quad \mu_{t+1} \leftarrow \beta_1\big(1 - \tfrac12\, 0.96^{\,(t+1)\psi}\big)\\
       &\quad \Pi_t \leftarrow \Pi_{t-1}\,\mu_t\\
       &\quad m_t \leftarrow \beta_1 m_{t-1} + (1-\beta_1)\, g_t\\
       &\quad v_t \leftarrow \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2\\
       &\quad \theta_t \leftarrow \theta_{t-1}
             - \eta\,\frac{1-\mu_t}{1-\Pi_t}\,\frac{g_t}{\sqrt{\hat v_t}+\epsilon}
             - \eta\,\frac{\mu_{t+1}}{1-\Pi_t\,\mu_{t+1}}\,\frac{m_t}{\sqrt{\hat v_t}+\epsilon},
             \qquad \hat v_t = v_t/(1-\beta_2^t)
       \end{aligned}

    The Nesterov look-ahead uses next step's momentum coefficient :math:`\mu_{t+1}` on
    :math:`m_t`, and each part is bias-corrected by the product of the coefficients that built it.
    The schedule :math:`\mu_t` (warming up from :math:`\beta_1/2` toward :math:`\beta_1`) is
    Dozat's. :math:`\Pi_t` is one number shared by all parameters, kept in
    ``self.shared["mu_product"]`` (torch keeps a copy per parameter).

    Reference: T. Dozat, "Incorporating Nesterov Momentum into Adam", ICLR 2016 workshop.
    """

    defaults = dict(lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
                    momentum_decay=4e-3, decoupled_weight_decay=False)
    shared_state = {"mu_product": 1.0}

    @classmethod
    def validate(cls, h):
        h = super().validate(h)
        h["momentum_decay"] = check_number("momentum_decay", h["momentum_decay"], 0.0)
        return h

    def mu(self, t: int) -> float:
        """The momentum coefficient of step ``t``: :math:`\\beta_1 (1 - 0.96^{t\\psi}/2)`."""
        beta1, psi = self.hyper["betas"][0], self.hyper["momentum_decay"]
        return beta1 * (1.0 - 0.5 * (0.96 ** (t * psi)))

    def begin_step(self):
        self.shared["mu_product"] *= self.mu(self.t)

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
        mu, mu_next = self.mu(step), self.mu(step + 1)
        mu_product = self.shared["mu_product"]          # already times mu (begin_step)
        mu_product_next = mu_product * mu_next
        lerp_(exp_avg, g, 1 - beta1)
        exp_avg_sq *= beta2
        exp_avg_sq += (1 - beta2) * g * g
        denom = np.sqrt(exp_avg_sq / (1 - beta2 ** step)) + eps
        p += -lr * (1.0 - mu) / (1.0 - mu_product) * g / denom
        p += (-lr * mu_next) / (1.0 - mu_product_next) * exp_avg / denom

    def effective_lr(self):
        r""":math:`\eta / (\sqrt{\hat v_t} + \epsilon)`, per unit of the bias-corrected Nesterov
        direction :math:`\frac{1-\mu_t}{1-\Pi_t} g_t + \frac{\mu_{t+1}}{1-\Pi_t\mu_{t+1}} m_t`."""
        self._last_step()
        h = self.hyper
        bc2 = 1 - h["betas"][1] ** self.t
        return [h["lr"] / (np.sqrt(s["exp_avg_sq"] / bc2) + h["eps"]) for s in self.state]
