"""Schedule-Free SGD and AdamW: train at an interpolation of the iterate and its running average,
evaluate at the average; no learning-rate schedule, no horizon to choose."""
from __future__ import annotations

import numpy as np

from .._checks import check_count, check_number
from ._common import lerp_
from .base import Optimizer


class _Averaged:
    r"""The bookkeeping both Schedule-Free methods share (a mixin, not an optimizer of its own).

    Each step's weight in the average, :math:`w_t = t^r\,\gamma_{\max,t}^{\,p}`, and the
    average's coefficient :math:`c_t = w_t / \sum_{s \le t} w_s` are scalars of the whole
    optimizer, kept in ``self.shared`` as the reference keeps them per group (``weight_sum``,
    ``lr_max``, ``scheduled_lr``) plus ``ckp1`` (:math:`c_t`). ``train()`` and ``eval()`` move
    the parameters between the training point :math:`y` and the average :math:`x`, using
    :math:`y = (1-\beta)\,z + \beta\,x`.
    """

    shared_state = {"weight_sum": 0.0, "lr_max": -1.0, "scheduled_lr": 0.0, "ckp1": 0.0}

    def _beta(self) -> float:  # the interpolation constant: AdamW's beta1, SGD's momentum
        raise NotImplementedError

    @staticmethod
    def _check_averaging(h: dict) -> dict:
        h["warmup_steps"] = check_count("warmup_steps", h["warmup_steps"], 0)
        h["r"] = check_number("r", h["r"], 0.0)
        h["weight_lr_power"] = check_number("weight_lr_power", h["weight_lr_power"], 0.0)
        return h

    def begin_step(self):
        h, s, t = self.hyper, self.shared, self.t   # t: this step, from 1
        warmup = h["warmup_steps"]
        lr = h["lr"] * (t / warmup if t <= warmup else 1.0)   # linear warmup
        s["scheduled_lr"] = lr
        s["lr_max"] = max(lr, s["lr_max"])
        weight = t ** h["r"] * s["lr_max"] ** h["weight_lr_power"]
        s["weight_sum"] += weight
        s["ckp1"] = weight / s["weight_sum"] if s["weight_sum"] else 0.0

    def init_state(self, p):
        return {"z": p.copy()}  # z_1 = x_1 = y_1: the starting point

    def switch_mode(self, training):
        beta = self._beta()
        for p, s in zip(self.params, self.state):
            if "z" in s:  # y = (1 - beta) z + beta x, solved for x (eval) or for y (train)
                lerp_(p, s["z"], 1 - beta if training else 1 - 1 / beta)


class SGDScheduleFree(_Averaged, Optimizer):
    r"""Schedule-Free SGD exactly as the ``schedulefree`` package's ``SGDScheduleFree`` computes it.

    .. math::
       \begin{aligned}
       &\textbf{input: } \gamma \text{ (lr)},\ \beta \text{ (momentum)},
         \ \lambda \text{ (weight decay)},\ T_w \text{ (warmup\_steps)},\ r,
         \ p \text{ (weight\_lr\_power)}\\
       &\textbf{initialise: } z_1 = x_1 = y_1 \leftarrow \theta_0,
         \ \gamma_{\max} \leftarrow -1,\ W_0 \leftarrow 0\\
       &\textbf{for } t = 1, 2, \ldots:\\
       &\quad \gamma_t \leftarrow \gamma \min(1, t/T_w),
             \quad \gamma_{\max} \leftarrow \max(\gamma_{\max}, \gamma_t)\\
       &\quad w_t \leftarrow t^{\,r}\,\gamma_{\max}^{\,p},
             \quad W_t \leftarrow W_{t-1} + w_t,
             \quad c_{t+1} \leftarrow w_t / W_t\\
       &\quad g_t \leftarrow \nabla f(y_t) + \lambda\, y_t
             &&\text{(the gradient at } y\text{, not at } x\text{)}\\
       &\quad z_{t+1} \leftarrow z_t - \gamma_t\, g_t\\
       &\quad x_{t+1} \leftarrow (1 - c_{t+1})\, x_t + c_{t+1}\, z_{t+1}
             &&\text{(a running average of the } z\text{'s)}\\
       &\quad y_{t+1} \leftarrow (1 - \beta)\, z_{t+1} + \beta\, x_{t+1}
       \end{aligned}

    The parameters hold :math:`y` in train mode and :math:`x` after ``eval()``; the state keeps
    only :math:`z`. :math:`x` is never stored: the step updates :math:`y` in place as
    :math:`y \leftarrow (1-c)\,y + c\,z_t + \gamma_t\big(\beta(1-c) - 1\big)\, g_t` (then
    :math:`z` takes its SGD step), which is the three lines above combined, and ``eval()``
    solves :math:`y = (1-\beta) z + \beta x` for :math:`x`. With :math:`r = 0` and no warmup all
    weights are equal, :math:`c_{t+1} = 1/t` and :math:`x` is the plain average of the
    :math:`z`'s. :math:`\beta = 0` would take the gradient at :math:`z` and only evaluate at the
    average (Polyak–Ruppert averaging), :math:`\beta = 1` would take it at :math:`x` itself
    (primal averaging); Schedule-Free interpolates between the two.
    During warmup the weights grow with :math:`\gamma_t^p`, so the early small steps count less.

    Unlike the reference, the optimizer starts in train mode (the reference needs ``train()``
    before its first step); before the first step ``train()`` and ``eval()`` move nothing.
    Evaluate, and save a checkpoint you mean to evaluate, in eval mode.

    Reference: A. Defazio, X. A. Yang, H. Mehta, K. Mishchenko, A. Khaled, A. Cutkosky, "The
    Road Less Scheduled", NeurIPS 2024, arXiv:2405.15682; the authors' package ``schedulefree``.
    """

    defaults = dict(lr=1.0, momentum=0.9, weight_decay=0.0, warmup_steps=0, r=0.0,
                    weight_lr_power=2.0)

    @classmethod
    def validate(cls, h):
        h = super().validate(h)
        # 0 < beta: eval() divides by it; beta < 1: else y = x and z is never used
        h["momentum"] = check_number("momentum", h["momentum"], 0.0, 1.0, low_open=True,
                                     high_open=True)
        return cls._check_averaging(h)

    def _beta(self):
        return self.hyper["momentum"]

    def update(self, p, g, z, *, momentum, weight_decay):
        lr, c = self.shared["scheduled_lr"], self.shared["ckp1"]
        if weight_decay:
            g = g + weight_decay * p      # decay at y
        lerp_(p, z, c)
        p += lr * (momentum * (1 - c) - 1) * g
        z -= lr * g

    def effective_lr(self):
        r""":math:`\gamma_t\,(1 - \beta(1 - c_{t+1}))`: the last step's move of :math:`y` per unit
        of the gradient, beside its pull :math:`c_{t+1}(z_t - y_t)` toward :math:`z` (which
        itself moves by :math:`\gamma_t` per unit)."""
        self._last_step()
        s = self.shared
        step = s["scheduled_lr"] * (1 - self.hyper["momentum"] * (1 - s["ckp1"]))
        return [np.full_like(p, step) for p in self.params]


class AdamWScheduleFree(_Averaged, Optimizer):
    r"""Schedule-Free AdamW exactly as the ``schedulefree`` package's ``AdamWScheduleFree``
    computes it.

    .. math::
       \begin{aligned}
       &\textbf{input: } \gamma \text{ (lr)},\ \beta_1, \beta_2 \text{ (betas)},\ \epsilon,
         \ \lambda \text{ (weight decay)},\ T_w \text{ (warmup\_steps)},\ r,
         \ p \text{ (weight\_lr\_power)}\\
       &\textbf{initialise: } z_1 = x_1 = y_1 \leftarrow \theta_0,\ v_0 \leftarrow 0,
         \ \gamma_{\max} \leftarrow -1,\ W_0 \leftarrow 0\\
       &\textbf{for } t = 1, 2, \ldots:\\
       &\quad \gamma_t,\ c_{t+1} \text{ as in } \texttt{SGDScheduleFree}\\
       &\quad g_t \leftarrow \nabla f(y_t)\\
       &\quad v_t \leftarrow \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2\\
       &\quad \hat g_t \leftarrow g_t \,/\, \big(\sqrt{v_t/(1-\beta_2^t)} + \epsilon\big)
             + \lambda\, y_t
             &&\text{(decay at } y\text{, after the scaling)}\\
       &\quad z_{t+1} \leftarrow z_t - \gamma_t\, \hat g_t\\
       &\quad x_{t+1} \leftarrow (1 - c_{t+1})\, x_t + c_{t+1}\, z_{t+1}\\
       &\quad y_{t+1} \leftarrow (1 - \beta_1)\, z_{t+1} + \beta_1\, x_{t+1}
       \end{aligned}

    Schedule-Free SGD on Adam's scaled gradient: there is no first moment :math:`m_t`, since
    the interpolation with the average :math:`x` plays momentum's part (:math:`\beta_1`
    interpolates, it does not average gradients). Only the second moment is bias-corrected.
    The parameters hold :math:`y` in train mode and :math:`x` after ``eval()``; the state keeps
    :math:`z` and :math:`v`. ``weight_decay`` is added to the scaled gradient (the reference
    calls it an L2 penalty, but it is not divided by :math:`\sqrt{v}`). The reference allows
    :math:`\beta_1 = 0`, with which ``eval()`` divides by zero; here it is refused.

    Unlike the reference, the optimizer starts in train mode (see :class:`SGDScheduleFree`).

    Reference: A. Defazio, X. A. Yang, H. Mehta, K. Mishchenko, A. Khaled, A. Cutkosky, "The
    Road Less Scheduled", NeurIPS 2024, arXiv:2405.15682; the authors' package ``schedulefree``.
    """

    defaults = dict(lr=0.0025, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, warmup_steps=0,
                    r=0.0, weight_lr_power=2.0)

    @classmethod
    def validate(cls, h):
        h = super().validate(h)
        if h["betas"][0] == 0:
            raise ValueError("betas[0] must lie in (0.0, 1.0) for AdamWScheduleFree, got 0.0: "
                             "y = (1 - beta1) z + beta1 x, so with beta1 = 0 eval() cannot "
                             "recover the average x")
        return cls._check_averaging(h)

    def _beta(self):
        return self.hyper["betas"][0]

    def init_state(self, p):
        return {**super().init_state(p), "exp_avg_sq": np.zeros_like(p)}

    def update(self, p, g, z, exp_avg_sq, *, betas, eps, weight_decay, step):
        lr, c = self.shared["scheduled_lr"], self.shared["ckp1"]
        beta1, beta2 = betas
        exp_avg_sq *= beta2
        exp_avg_sq += (1 - beta2) * g * g
        g = g / (np.sqrt(exp_avg_sq / (1 - beta2 ** step)) + eps)
        if weight_decay:
            g += weight_decay * p         # decay at y
        lerp_(p, z, c)
        p += lr * (beta1 * (1 - c) - 1) * g
        z -= lr * g

    def effective_lr(self):
        r""":math:`\gamma_t\,(1 - \beta_1(1 - c_{t+1})) / (\sqrt{v_t/(1-\beta_2^t)} + \epsilon)`:
        the last step's move of :math:`y` per unit of the gradient, beside its pull toward
        :math:`z`."""
        self._last_step()
        h, s = self.hyper, self.shared
        (beta1, beta2), bc2 = h["betas"], 1 - h["betas"][1] ** self.t
        step = s["scheduled_lr"] * (1 - beta1 * (1 - s["ckp1"]))
        return [step / (np.sqrt(st["exp_avg_sq"] / bc2) + h["eps"]) for st in self.state]
