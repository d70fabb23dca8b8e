"""Adam (with AMSGrad) and AdamW: momentum and a per-parameter scale, both bias-corrected."""
from __future__ import annotations

import numpy as np

from . import _fused
from ._common import lerp_
from .base import Optimizer


class Adam(Optimizer):
    r"""Adam exactly as ``torch.optim.Adam`` computes it.

    .. math::
       \begin{aligned}
       &\textbf{input: } \eta \text{ (lr)},\ \beta_1, \beta_2 \text{ (betas)},\ \epsilon,
         \ \lambda \text{ (weight decay)},\ \textit{amsgrad},\ \textit{decoupled}\\
       &\textbf{initialise: } m_0 \leftarrow 0 \text{ (first moment)},
         \ v_0 \leftarrow 0 \text{ (second moment)},\ v_0^{\max} \leftarrow 0\\
       &\textbf{for } t = 1, 2, \ldots:\\
       &\quad g_t \leftarrow \nabla f(\theta_{t-1})\\
       &\quad \textbf{if } \lambda \ne 0:\ \ \textbf{if } \textit{decoupled}:
             \ \theta_{t-1} \leftarrow (1 - \eta\lambda)\,\theta_{t-1}
             \ \ \textbf{else}:\ g_t \leftarrow g_t + \lambda\,\theta_{t-1}\\
       &\quad m_t \leftarrow \beta_1 m_{t-1} + (1-\beta_1)\, g_t\\
       &\quad v_t \leftarrow \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2\\
       &\quad \textbf{if } \textit{amsgrad}:\ \ v_t^{\max} \leftarrow \max(v_{t-1}^{\max}, v_t),
             \ \ \hat v_t \leftarrow v_t^{\max}/(1-\beta_2^t)
             \ \ \textbf{else}:\ \hat v_t \leftarrow v_t/(1-\beta_2^t)\\
       &\quad \hat m_t \leftarrow m_t/(1-\beta_1^t)\\
       &\quad \theta_t \leftarrow \theta_{t-1} - \eta\, \hat m_t \,/\, \big(\sqrt{\hat v_t} + \epsilon\big)
       \end{aligned}

    The bias corrections :math:`1-\beta^t` undo the pull of the zero initialisation toward 0.
    ``eps`` is added after the root and after the bias correction, as in the paper.
    ``weight_decay`` is an L2 penalty added to the gradient (so it is rescaled by
    :math:`\hat v_t` like the rest of it) unless ``decoupled_weight_decay=True``, which is AdamW.

    References: D. P. Kingma, J. Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015,
    arXiv:1412.6980; S. J. Reddi, S. Kale, S. Kumar, "On the Convergence of Adam and Beyond",
    ICLR 2018 (AMSGrad).
    """

    defaults = dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False,
                    decoupled_weight_decay=False)

    def init_state(self, p):
        state = {"exp_avg": np.zeros_like(p), "exp_avg_sq": np.zeros_like(p)}
        if self.hyper["amsgrad"]:
            state["max_exp_avg_sq"] = np.zeros_like(p)
        return state

    def update(self, p, g, exp_avg, exp_avg_sq, max_exp_avg_sq=None, *, lr, betas, eps,
               weight_decay, amsgrad, decoupled_weight_decay, step):
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
        step_size = lr / bias_correction1
        if amsgrad:
            np.maximum(max_exp_avg_sq, exp_avg_sq, out=max_exp_avg_sq)
        denom = np.sqrt(max_exp_avg_sq if amsgrad else exp_avg_sq)
        denom /= bias_correction2 ** 0.5  # in place: a slice's temporaries cost time
        denom += eps
        delta = exp_avg / denom  # torch's addcdiv: -step_size * (m / denom)
        delta *= -step_size
        p += delta

    def fused_update(self, p, g, exp_avg, exp_avg_sq, max_exp_avg_sq=None, **hyper):
        """``update`` in one compiled pass over the whole arrays (``fused=True``)."""
        _fused.adam(p, g, exp_avg, exp_avg_sq, max_exp_avg_sq, **hyper)

    def effective_lr(self):
        r""":math:`\eta / (1-\beta_1^t) / (\sqrt{\hat v_t} + \epsilon)`, per unit of the first
        moment :math:`m_t` (AMSGrad: :math:`\hat v_t` from the running maximum)."""
        self._last_step()
        h, t = self.hyper, self.t
        (beta1, beta2), out = h["betas"], []
        for s in self.state:
            v = s["max_exp_avg_sq"] if h["amsgrad"] else s["exp_avg_sq"]
            denom = np.sqrt(v) / (1 - beta2 ** t) ** 0.5 + h["eps"]
            out.append(h["lr"] / (1 - beta1 ** t) / denom)
        return out


class AdamW(Adam):
    r"""AdamW exactly as ``torch.optim.AdamW`` computes it: Adam with decoupled weight decay.

    .. math::
       \begin{aligned}
       &\textbf{for } t = 1, 2, \ldots:\\
       &\quad \theta_{t-1} \leftarrow (1 - \eta\lambda)\,\theta_{t-1}
             &&\text{(the decay acts on the weights, not through the gradient)}\\
       &\quad g_t \leftarrow \nabla f(\theta_{t-1})\\
       &\quad m_t, v_t, \hat m_t, \hat v_t \text{ and } \theta_t \text{ as in } \texttt{Adam}
       \end{aligned}

    With the L2 penalty of :class:`Adam`, the decay :math:`\lambda\theta` is divided by
    :math:`\sqrt{\hat v_t}` like the gradient, so weights with large gradients are barely
    regularised. Decoupling applies the same relative shrink :math:`\eta\lambda` to every weight.
    Note that torch scales the decay by ``lr`` (the paper's schedule multiplier is folded in), and
    the default ``weight_decay`` is 1e-2, not 0.

    Reference: I. Loshchilov, F. Hutter, "Decoupled Weight Decay Regularization", ICLR 2019,
    arXiv:1711.05101.
    """

    defaults = dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False)

    def update(self, p, g, exp_avg, exp_avg_sq, max_exp_avg_sq=None, **hyper):
        super().update(p, g, exp_avg, exp_avg_sq, max_exp_avg_sq, **hyper,
                       decoupled_weight_decay=True)

    def fused_update(self, p, g, exp_avg, exp_avg_sq, max_exp_avg_sq=None, **hyper):
        super().fused_update(p, g, exp_avg, exp_avg_sq, max_exp_avg_sq, **hyper,
                             decoupled_weight_decay=True)
