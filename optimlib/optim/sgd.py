"""Stochastic gradient descent, with momentum (heavy ball), dampening, Nesterov and weight decay."""
from __future__ import annotations

import numpy as np

from .._checks import check_flag, check_number
from . import _fused
from .base import Optimizer


class SGD(Optimizer):
    r"""SGD exactly as ``torch.optim.SGD`` computes it.

    .. math::
       \begin{aligned}
       g_t &\leftarrow \nabla f(\theta_{t-1}) + \lambda\,\theta_{t-1}
             &&\text{(weight decay, if } \lambda \ne 0)\\
       b_t &\leftarrow \begin{cases} g_t & t = 1\\
             \mu\, b_{t-1} + (1-\tau)\, g_t & t > 1\end{cases}
             &&\text{(momentum buffer, if } \mu \ne 0)\\
       g_t &\leftarrow \begin{cases} g_t + \mu\, b_t & \text{Nesterov}\\ b_t & \text{otherwise}\end{cases}\\
       \theta_t &\leftarrow \theta_{t-1} - \eta\, g_t
       \end{aligned}

    with learning rate :math:`\eta` (``lr``), momentum :math:`\mu`, dampening :math:`\tau` and
    weight decay :math:`\lambda`. Note torch's convention: the learning rate multiplies the
    buffer, it is not folded into it (Sutskever et al., 2013, fold it in; the two agree while
    ``lr`` is constant).

    References: Robbins & Monro (1951); Polyak (1964); Nesterov (1983); Sutskever et al. (2013).
    """

    defaults = dict(lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False)

    @classmethod
    def validate(cls, h):
        h = super().validate(h)
        # |mu| >= 1: the velocity never forgets a gradient, the iteration cannot converge
        h["momentum"] = check_number("momentum", h["momentum"], 0.0, 1.0, high_open=True)
        h["dampening"] = check_number("dampening", h["dampening"], 0.0, 1.0)
        h["weight_decay"] = check_number("weight_decay", h["weight_decay"], 0.0)
        h["nesterov"] = check_flag("nesterov", h["nesterov"])
        if h["nesterov"] and (h["momentum"] <= 0 or h["dampening"] != 0):
            raise ValueError("nesterov=True requires momentum > 0 and dampening = 0, "
                             f"got momentum={h['momentum']} and dampening={h['dampening']}")
        return h

    def init_state(self, p):
        return {"momentum_buffer": np.zeros_like(p)} if self.hyper["momentum"] else {}

    def update(self, p, g, momentum_buffer=None, *, lr, momentum, dampening, weight_decay,
               nesterov, step):
        if weight_decay:
            g = g + weight_decay * p
        if momentum:
            b = momentum_buffer
            if step == 1:
                b[...] = g                  # torch starts the buffer at the first gradient
            else:
                b *= momentum
                b += (1 - dampening) * g if dampening else g  # no scaling pass when undamped
            g = g + momentum * b if nesterov else b
        p -= lr * g

    def fused_update(self, p, g, momentum_buffer=None, **hyper):
        """``update`` in one compiled pass over the whole arrays (``fused=True``)."""
        _fused.sgd(p, g, momentum_buffer, **hyper)

    def effective_lr(self):
        """``lr`` everywhere: SGD's step is ``lr`` times the (momentum-averaged) gradient."""
        return [np.full(p.shape, self.hyper["lr"]) for p in self.params]
