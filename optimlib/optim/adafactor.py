"""Adafactor: Adam's second moment stored as a row and a column, with relative step sizes."""
from __future__ import annotations

import numpy as np

from .._checks import check_number, check_pair
from ._common import lerp_
from .base import Optimizer


def _rms(a: np.ndarray) -> float:
    """Root mean square of all entries: :math:`\\|a\\|_2 / \\sqrt{n}`."""
    return float(np.sqrt(np.mean(a * a)))


def _factored(row_var: np.ndarray, col_var: np.ndarray, eps1: float) -> np.ndarray:
    """The rank-1 second moment :math:`R C / \\max(\\operatorname{mean} R, \\epsilon_1)`."""
    return row_var * col_var / np.maximum(row_var.mean(axis=-2, keepdims=True), eps1)


class Adafactor(Optimizer):
    r"""Adafactor exactly as ``torch.optim.Adafactor`` computes it.

    .. math::
       \begin{aligned}
       &\textbf{input: } \gamma \text{ (lr)},\ \tau \text{ (beta2\_decay)},
         \ \epsilon_1, \epsilon_2 \text{ (eps)},\ d \text{ (clipping threshold)},
         \ \lambda \text{ (weight decay)}\\
       &\textbf{initialise: } R_0 \leftarrow 0 \text{ (row factor)},
         \ C_0 \leftarrow 0 \text{ (column factor)},
         \ \widehat V_0 \leftarrow 0 \text{ (second moment of a vector)}\\
       &\textbf{for } t = 1, 2, \ldots:\\
       &\quad G_t \leftarrow \nabla f(\theta_{t-1})\\
       &\quad \widehat\beta_{2,t} \leftarrow 1 - t^{\tau},
             \quad \rho_t \leftarrow \min\big(\gamma, 1/\sqrt t\big),
             \quad \alpha_t \leftarrow \max\big(\epsilon_2, \operatorname{RMS}(\theta_{t-1})\big)\,\rho_t\\
       &\quad \theta_{t-1} \leftarrow (1 - \gamma\lambda)\,\theta_{t-1}\\
       &\quad \textbf{if } \dim G_t > 1 \text{ (an } n\times m \text{ matrix, or a stack of them)}:\\
       &\qquad R_t \leftarrow \widehat\beta_{2,t} R_{t-1} + (1-\widehat\beta_{2,t})
             \operatorname{mean}_j G_{t,ij}^2
             &&\text{(} n \text{ row means)}\\
       &\qquad C_t \leftarrow \widehat\beta_{2,t} C_{t-1} + (1-\widehat\beta_{2,t})
             \operatorname{mean}_i G_{t,ij}^2
             &&\text{(} m \text{ column means)}\\
       &\qquad \widehat V_t \leftarrow R_t C_t \,/\, \max\big(\operatorname{mean}_i R_{t,i},\ \epsilon_1\big)
             &&\text{(the rank-1 outer product)}\\
       &\quad \textbf{else}:\ \ \widehat V_t \leftarrow \widehat\beta_{2,t} \widehat V_{t-1}
             + (1-\widehat\beta_{2,t})\, G_t^2\\
       &\quad U_t \leftarrow G_t \,/\, \sqrt{\max(\widehat V_t, \epsilon_1^2)}\\
       &\quad \theta_t \leftarrow \theta_{t-1} - \alpha_t\, U_t \,/\, \max\big(1, \operatorname{RMS}(U_t)/d\big)
       \end{aligned}

    A matrix's second moment is kept as :math:`n + m` numbers instead of :math:`nm`: the row
    means :math:`R` (shape ``(..., n, 1)``) and column means :math:`C` (shape ``(..., 1, m)``)
    of :math:`G^2`, whose outer product divided by the overall mean is the best rank-1 fit
    (in the I-divergence) to a matrix of positive numbers. A tensor of three or more dimensions
    is a stack of matrices factored over its last two; a scalar or a vector keeps the full
    :math:`\widehat V`. :math:`\widehat\beta_{2,t} = 1 - t^{-0.8}` is 0 at the first step and
    grows toward 1, so no bias correction is needed. The step is **relative**: :math:`\rho_t`
    times the parameter's own RMS (at least :math:`\epsilon_2`), and an update whose RMS exceeds
    :math:`d` is scaled back to RMS :math:`d` (update clipping).

    ``eps`` is the pair :math:`(\epsilon_1, \epsilon_2)`; :math:`\epsilon_1 =` ``None`` (the
    default) means the machine epsilon of the parameter's dtype. As in torch, ``lr`` caps
    :math:`\rho_t` (the paper fixes the cap at 0.01, the default here) and scales the decoupled
    weight decay, and :math:`\epsilon_1` enters the variance estimate and the update rather
    than the row and column means. torch's ``maximize`` and ``foreach`` switches are left out,
    as for every optimizer of optimlib.

    Reference: N. Shazeer, M. Stern, "Adafactor: Adaptive Learning Rates with Sublinear Memory
    Cost", ICML 2018, arXiv:1804.04235.
    """

    defaults = dict(lr=1e-2, beta2_decay=-0.8, eps=(None, 1e-3), d=1.0, weight_decay=0.0)
    elementwise = False  # RMS over the whole parameter, and a factored state

    @classmethod
    def validate(cls, h):
        h = dict(h)
        eps = h.pop("eps")
        h = super().validate(h)  # lr, weight_decay (eps is a pair here, not one number)
        eps1, eps2 = check_pair("eps", eps, "(eps1, eps2): eps1 None or >= 0, eps2 >= 0")
        if eps1 is not None:
            eps1 = check_number("eps[0]", eps1, 0.0)
        h["eps"] = (eps1, check_number("eps[1]", eps2, 0.0))
        h["beta2_decay"] = check_number("beta2_decay", h["beta2_decay"], high=0.0)
        h["d"] = check_number("d", h["d"], 1.0)
        return h

    def init_state(self, p):
        if p.ndim > 1:  # factored over the last two dimensions
            return {"row_var": np.zeros(p.shape[:-1] + (1,), p.dtype),
                    "col_var": np.zeros(p.shape[:-2] + (1,) + p.shape[-1:], p.dtype)}
        return {"variance": np.zeros_like(p)}

    def update(self, p, g, row_var=None, col_var=None, variance=None, *, lr, beta2_decay, eps,
               d, weight_decay, step):
        eps1, eps2 = eps
        if eps1 is None:
            eps1 = float(np.finfo(p.dtype).eps)
        one_minus_beta2 = step ** beta2_decay
        rho = min(lr, 1 / step ** 0.5)
        alpha = max(eps2, _rms(p)) * rho  # relative to the weights before the decay
        if weight_decay:
            p *= 1 - lr * weight_decay
        g2 = g * g
        if p.ndim > 1:
            lerp_(row_var, g2.mean(axis=-1, keepdims=True), one_minus_beta2)
            lerp_(col_var, g2.mean(axis=-2, keepdims=True), one_minus_beta2)
            v = _factored(row_var, col_var, eps1)
        else:
            lerp_(variance, g2, one_minus_beta2)
            v = variance
        u = g / np.sqrt(np.maximum(v, eps1 * eps1))
        step_size = alpha / max(1.0, _rms(u) / d)
        p -= step_size * u
        self._step_sizes[id(p)] = step_size  # for effective_lr (V_t is in the state)

    def effective_lr(self):
        r""":math:`\alpha_t / \max(1, \operatorname{RMS}(U_t)/d) / \sqrt{\max(\widehat V_t,
        \epsilon_1^2)}` of the last step, per unit of the gradient :math:`G_t`."""
        self._last_step()
        if len(self._step_sizes) != len(self.params):
            raise ValueError("Adafactor's step size depends on the weights before the step, "
                             "which load_state_dict does not restore: take a step first")
        out = []
        for p, s in zip(self.params, self.state):
            eps1 = self.hyper["eps"][0]
            eps1 = float(np.finfo(p.dtype).eps) if eps1 is None else eps1
            v = s["variance"] if "variance" in s else _factored(s["row_var"], s["col_var"], eps1)
            out.append(self._step_sizes[id(p)] / np.sqrt(np.maximum(v, eps1 * eps1)))
        return out

    @property
    def _step_sizes(self) -> dict:
        """id(parameter) -> the scalar step size of its last step."""
        return self.__dict__.setdefault("_last", {})

    def load_state_dict(self, sd):
        super().load_state_dict(sd)
        self._step_sizes.clear()
