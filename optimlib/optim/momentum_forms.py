r"""Momentum written the other ways the literature writes it, to compare with ``SGD``'s (torch's).

``SGD(momentum=beta)`` keeps a buffer of summed gradients and multiplies it by the learning rate
at each step (torch's convention). Sutskever et al. (2013), many textbooks and Keras's
``SGD`` fold the learning rate into a *velocity* instead:

.. math::
   v_t = \beta v_{t-1} - \eta\, g_t, \qquad \theta_t = \theta_{t-1} + v_t .

With a constant :math:`\eta` the two are the same method (:math:`v_t = -\eta\, b_t`); when
:math:`\eta` changes during the run they are not, since torch's buffer is rescaled by the new
:math:`\eta` all at once while the velocity keeps the steps it already took.

``nesterov_lookahead`` is Nesterov's method in its original "look-ahead" form, which needs the
gradient at a point other than the parameters and so does not fit ``step(grads)``.
"""
from __future__ import annotations

import numpy as np

from .._checks import check_count, check_number
from .base import Optimizer

__all__ = ["VelocitySGD", "nesterov_lookahead"]


class VelocitySGD(Optimizer):
    r"""Heavy ball (or Nesterov) in the velocity form of Sutskever et al. (2013).

    .. math::
       \begin{aligned}
       g_t &\leftarrow \nabla f(\theta_{t-1}) + \lambda\,\theta_{t-1}
             &&\text{(weight decay, if } \lambda \ne 0)\\
       v_t &\leftarrow \beta\, v_{t-1} - \eta\, g_t &&(v_0 = 0)\\
       \theta_t &\leftarrow \begin{cases} \theta_{t-1} + \beta\, v_t - \eta\, g_t & \text{Nesterov}\\
             \theta_{t-1} + v_t & \text{otherwise}\end{cases}
       \end{aligned}

    Same hyperparameter names as ``SGD``. Not registered in ``optim.OPTIMIZERS``: it exists to
    be compared with ``SGD``, which is the one to use.
    """

    defaults = dict(lr=1e-3, momentum=0.0, weight_decay=0.0, nesterov=False)

    @classmethod
    def validate(cls, h):
        h = super().validate(h)
        h["momentum"] = check_number("momentum", h["momentum"], 0.0)
        return h

    def init_state(self, p):
        return {"velocity": np.zeros_like(p)}

    def update(self, p, g, velocity, *, lr, momentum, weight_decay, nesterov):
        if weight_decay:
            g = g + weight_decay * p
        velocity *= momentum
        velocity -= lr * g
        if nesterov:
            p += momentum * velocity - lr * g
        else:
            p += velocity


def nesterov_lookahead(grad, x0, lr: float, momentum: float, steps: int):
    r"""Nesterov's method in the look-ahead form of Sutskever et al. (2013).

    .. math::
       v_t = \beta v_{t-1} - \eta \nabla f(\theta_{t-1} + \beta v_{t-1}),
       \qquad \theta_t = \theta_{t-1} + v_t, \qquad v_0 = 0 .

    The gradient is taken where momentum is about to carry the point.
    Returns ``(thetas, lookaheads)``, arrays of shape ``(steps + 1, dim)``:
    :math:`\theta_t` and the look-ahead points :math:`\theta_t + \beta v_t`.
    ``SGD(nesterov=True)`` keeps the look-ahead point as its parameter:
    its iterates are ``lookaheads``.
    """
    lr = check_number("lr", lr, 0.0)
    beta = check_number("momentum", momentum, 0.0)
    steps = check_count("steps", steps, 0)
    theta = np.array(x0, dtype=float)
    v = np.zeros_like(theta)
    thetas, ahead = [theta.copy()], [theta.copy()]
    for _ in range(steps):
        look = theta + beta * v                      # where momentum is heading
        v = beta * v - lr * np.asarray(grad(look), dtype=float)
        theta = theta + v
        thetas.append(theta.copy())
        ahead.append(theta + beta * v)
    return np.array(thetas), np.array(ahead)
