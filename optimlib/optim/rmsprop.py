"""RMSprop: divide the step by a running root-mean-square of recent gradients."""
from __future__ import annotations

import numpy as np

from .._checks import check_number
from ._common import lerp_
from .base import Optimizer


class RMSprop(Optimizer):
    r"""RMSprop exactly as ``torch.optim.RMSprop`` computes it.

    .. math::
       \begin{aligned}
       &\textbf{input: } \eta \text{ (lr)},\ \alpha \text{ (smoothing)},\ \epsilon,
         \ \lambda \text{ (weight decay)},\ \mu \text{ (momentum)},\ \textit{centered}\\
       &\textbf{initialise: } v_0 \leftarrow 0 \text{ (square avg)},
         \ \bar g_0 \leftarrow 0 \text{ (grad avg)},\ b_0 \leftarrow 0 \text{ (momentum buffer)}\\
       &\textbf{for } t = 1, 2, \ldots:\\
       &\quad g_t \leftarrow \nabla f(\theta_{t-1}) + \lambda\,\theta_{t-1}
             &&\text{(weight decay, if } \lambda \ne 0)\\
       &\quad v_t \leftarrow \alpha\, v_{t-1} + (1-\alpha)\, g_t^2\\
       &\quad \tilde v_t \leftarrow \begin{cases}
             v_t - \bar g_t^2,\ \ \bar g_t \leftarrow \alpha\,\bar g_{t-1} + (1-\alpha)\, g_t
               & \textit{centered}\\
             v_t & \text{otherwise}\end{cases}\\
       &\quad \textbf{if } \mu > 0:\ \ b_t \leftarrow \mu\, b_{t-1} + g_t / \big(\sqrt{\tilde v_t} + \epsilon\big),
             \quad \theta_t \leftarrow \theta_{t-1} - \eta\, b_t\\
       &\quad \textbf{else}:\ \ \theta_t \leftarrow \theta_{t-1} - \eta\, g_t / \big(\sqrt{\tilde v_t} + \epsilon\big)
       \end{aligned}

    ``eps`` sits outside the root (Keras and TensorFlow put it inside; the two differ when
    :math:`v_t` is tiny). The centered variant divides by an estimate of the gradient's standard
    deviation instead of its root mean square.

    References: T. Tieleman, G. Hinton, "Lecture 6.5 - rmsprop", COURSERA: Neural Networks for
    Machine Learning (2012); A. Graves, "Generating Sequences With Recurrent Neural Networks",
    arXiv:1308.0850 (2013) (centered variant with momentum).
    """

    defaults = dict(lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0,
                    centered=False)

    @classmethod
    def validate(cls, h):
        h = super().validate(h)
        h["alpha"] = check_number("alpha", h["alpha"], 0.0, 1.0)
        h["momentum"] = check_number("momentum", h["momentum"], 0.0)
        return h

    def init_state(self, p):
        state = {"square_avg": np.zeros_like(p)}
        if self.hyper["momentum"] > 0:
            state["momentum_buffer"] = np.zeros_like(p)
        if self.hyper["centered"]:
            state["grad_avg"] = np.zeros_like(p)
        return state

    def update(self, p, g, square_avg, momentum_buffer=None, grad_avg=None, *, lr, alpha, eps,
               weight_decay, momentum, centered):
        if weight_decay:
            g = g + weight_decay * p
        square_avg *= alpha
        square_avg += (1 - alpha) * g * g
        if centered:
            lerp_(grad_avg, g, 1 - alpha)
            avg = np.sqrt(square_avg - grad_avg * grad_avg) + eps
        else:
            avg = np.sqrt(square_avg) + eps
        if momentum > 0:
            momentum_buffer *= momentum
            momentum_buffer += g / avg
            p += -lr * momentum_buffer
        else:
            p += -lr * g / avg

    def effective_lr(self):
        r""":math:`\eta / (\sqrt{\tilde v_t} + \epsilon)`, per unit of the gradient (with
        momentum, per unit of what it adds to the buffer)."""
        self._last_step()
        h, out = self.hyper, []
        for s in self.state:
            v = s["square_avg"] - s["grad_avg"] * s["grad_avg"] if h["centered"] else s["square_avg"]
            out.append(h["lr"] / (np.sqrt(v) + h["eps"]))
        return out
