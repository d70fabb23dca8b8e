r"""Adagrad as Keras and optax write it, to compare with ``Adagrad`` (torch's).

Torch adds :math:`\epsilon` to the root and starts the sum of squares at 0; Keras 3's
``keras.optimizers.Adagrad`` and ``optax.adagrad`` add it under the root and start the sum at
0.1:

.. math::
   \text{torch: } \frac{\eta\, g_t}{\sqrt{s_t} + \epsilon}, \quad s_0 = 0, \ \epsilon = 10^{-10};
   \qquad
   \text{Keras, optax: } \frac{\eta\, g_t}{\sqrt{s_t + \epsilon}}, \quad s_0 = 0.1, \ \epsilon = 10^{-7}.

The two differ most where :math:`s_t` is small: at the first steps, and on coordinates whose
gradients are small or rare. Keras's default learning rate is also ten times smaller (0.001
against torch's 0.01).
"""
from __future__ import annotations

import numpy as np

from .._checks import check_number
from .base import Optimizer

__all__ = ["KerasAdagrad"]


class KerasAdagrad(Optimizer):
    r"""Adagrad with :math:`\epsilon` inside the root, as ``keras.optimizers.Adagrad`` (Keras 3)
    and ``optax.adagrad`` compute it, with Keras's defaults.

    .. math::
       \begin{aligned}
       &s_0 \leftarrow \tau \text{ (initial accumulator value)}\\
       &s_t \leftarrow s_{t-1} + g_t^2\\
       &\theta_t \leftarrow \theta_{t-1} - \eta\, g_t \,/\, \sqrt{s_t + \epsilon}
       \end{aligned}

    ``optax.adagrad(lr, initial_accumulator_value=0.1, eps=1e-7)`` is the same update (optax
    has no default learning rate). Keras keeps the learning rate in a float32 variable even for
    float64 parameters, so its ``1e-3`` is ``float32(1e-3)``, 5e-8 larger relatively; with that
    value, the two agree to round-off in float64. Not registered in ``optim.OPTIMIZERS``: it exists to be
    compared with ``Adagrad``.
    """

    defaults = dict(lr=1e-3, initial_accumulator_value=0.1, eps=1e-7)

    @classmethod
    def validate(cls, h):
        h = super().validate(h)
        h["initial_accumulator_value"] = check_number(
            "initial_accumulator_value", h["initial_accumulator_value"], 0.0)
        return h

    def init_state(self, p):
        return {"accumulator": np.full_like(p, self.hyper["initial_accumulator_value"])}

    def update(self, p, g, accumulator, *, lr, initial_accumulator_value, eps, step):
        accumulator += g * g
        p -= lr * g / np.sqrt(accumulator + eps)
