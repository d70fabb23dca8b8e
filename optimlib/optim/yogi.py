"""Yogi: Adam whose second moment moves by an additive step, so it cannot forget fast."""
from __future__ import annotations

import numpy as np

from .._checks import check_number
from .base import Optimizer


class Yogi(Optimizer):
    r"""Yogi exactly as ``optax.yogi`` (optax 0.2.8) computes it.

    .. math::
       \begin{aligned}
       &\textbf{input: } \eta \text{ (lr)},\ \beta_1, \beta_2 \text{ (betas)},\ \epsilon,
         \ v_{\text{init}} \text{ (initial\_accumulator\_value)}\\
       &\textbf{initialise: } m_0 \leftarrow v_{\text{init}},\ v_0 \leftarrow v_{\text{init}}\\
       &\textbf{for } t = 1, 2, \ldots:\\
       &\quad g_t \leftarrow \nabla f(\theta_{t-1})\\
       &\quad m_t \leftarrow \beta_1 m_{t-1} + (1-\beta_1)\, g_t\\
       &\quad v_t \leftarrow v_{t-1} - (1-\beta_2)\,\operatorname{sign}\!\big(v_{t-1} - g_t^2\big)\, g_t^2
             &&\text{(Adam: } v_t = v_{t-1} - (1-\beta_2)(v_{t-1} - g_t^2))\\
       &\quad \hat m_t \leftarrow m_t/(1-\beta_1^t),\quad \hat v_t \leftarrow v_t/(1-\beta_2^t)\\
       &\quad \theta_t \leftarrow \theta_{t-1} - \eta\, \hat m_t \,/\, \big(\sqrt{\hat v_t} + \epsilon\big)
       \end{aligned}

    Adam moves :math:`v` toward :math:`g^2` by the fraction :math:`1-\beta_2` of the gap;
    Yogi moves it by :math:`(1-\beta_2)\,g^2` in the direction of the gap, whatever its size, so
    :math:`|v_t - v_{t-1}| \le (1-\beta_2)\,g_t^2` and a large :math:`v` shrinks slowly when the
    gradients become small.

    Differences from the paper's Algorithm 2 (Zaheer et al. 2018), which starts from
    :math:`m_0 = v_0 = 0` and has no bias correction (:math:`\theta_t = \theta_{t-1} -
    \eta\, m_t/(\sqrt{v_t}+\epsilon)`): optax, and so this class, starts both moments at
    ``initial_accumulator_value`` (1e-6) and divides them by :math:`1-\beta^t` as Adam does.
    The paper's first step is therefore :math:`\eta\,(1-\beta_1)\,g/(\sqrt{1-\beta_2}\,|g| +
    \epsilon)`, about :math:`(1-\beta_1)/\sqrt{1-\beta_2} \approx 3.2` times optax's
    :math:`\approx \eta\, g/(|g| + \epsilon)` when :math:`|g| \gg \epsilon`. The defaults are the
    paper's (:math:`\eta = 10^{-2}`, :math:`\epsilon = 10^{-3}`); optax requires ``learning_rate``
    and has the same :math:`\beta`, :math:`\epsilon` and initial value.

    Reference: M. Zaheer, S. Reddi, D. Sachan, S. Kale, S. Kumar, "Adaptive Methods for
    Nonconvex Optimization", NeurIPS 2018 (Algorithm 2).
    """

    defaults = dict(lr=1e-2, betas=(0.9, 0.999), eps=1e-3, initial_accumulator_value=1e-6)

    @classmethod
    def validate(cls, h):
        h = super().validate(h)
        h["initial_accumulator_value"] = check_number(
            "initial_accumulator_value", h["initial_accumulator_value"], 0.0)
        return h

    def init_state(self, p):
        v0 = self.hyper["initial_accumulator_value"]
        return {"exp_avg": np.full_like(p, v0), "exp_avg_sq": np.full_like(p, v0)}

    def update(self, p, g, exp_avg, exp_avg_sq, *, lr, betas, eps, step):
        beta1, beta2 = betas
        exp_avg *= beta1
        exp_avg += (1 - beta1) * g
        g2 = g * g
        exp_avg_sq -= (1 - beta2) * np.sign(exp_avg_sq - g2) * g2   # additive: at most (1-b2) g^2
        m_hat = exp_avg / (1 - beta1 ** step)
        v_hat = exp_avg_sq / (1 - beta2 ** step)
        p -= lr * (m_hat / (np.sqrt(v_hat) + eps))

    def effective_lr(self):
        r""":math:`\eta / (1-\beta_1^t) / (\sqrt{\hat v_t} + \epsilon)`, per unit of :math:`m_t`."""
        self._last_step()
        h, t = self.hyper, self.t
        beta1, beta2 = h["betas"]
        return [h["lr"] / (1 - beta1 ** t) / (np.sqrt(s["exp_avg_sq"] / (1 - beta2 ** t)) + h["eps"])
                for s in self.state]
