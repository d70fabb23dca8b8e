"""Muon: momentum, orthogonalised by a Newton–Schulz iteration, for the weight matrices."""
from __future__ import annotations

import math

import numpy as np

from .._checks import check_count, check_number, check_pair
from ._common import lerp_
from .base import Optimizer

__all__ = ["Muon", "zeropower_via_newtonschulz", "ADJUST_LR_FNS"]

#: the learning-rate adjustments torch offers (None is "original")
ADJUST_LR_FNS = (None, "original", "match_rms_adamw")


def zeropower_via_newtonschulz(G: np.ndarray, ns_coefficients, ns_steps: int,
                               eps: float) -> np.ndarray:
    r"""About :math:`U V^\top` for :math:`G = U \Sigma V^\top`: ``ns_steps`` steps of
    :math:`X \leftarrow aX + (bA + cA^2)X` with :math:`A = XX^\top`, from
    :math:`X_0 = G / \max(\lVert G\rVert_F, \epsilon)`.

    Each step maps every singular value :math:`\sigma` of :math:`X` to :math:`p(\sigma) =
    a\sigma + b\sigma^3 + c\sigma^5` and keeps the singular vectors. Dividing by the Frobenius
    norm puts all :math:`\sigma` in :math:`[0, 1]`; torch's coefficients make :math:`p` steep at
    0 (:math:`p'(0) = a = 3.4445`), so five steps send every :math:`\sigma \in [10^{-3}, 1]`
    into :math:`[0.47, 1.21]`, not exactly to 1. A wide matrix is used as it is and a tall one
    transposed, so that :math:`A` is the smaller Gram matrix. torch computes this in bfloat16;
    here it is in the gradient's own dtype."""
    a, b, c = ns_coefficients
    X = G.T if G.shape[0] > G.shape[1] else G
    X = X / max(np.linalg.norm(X), eps)
    for _ in range(ns_steps):
        A = X @ X.T
        B = b * A + c * (A @ A)
        X = a * X + B @ X
    return X.T if G.shape[0] > G.shape[1] else X


def adjusted_lr(lr: float, adjust_lr_fn, shape) -> float:
    """The step length for a matrix of ``shape`` (rows, columns), as torch's ``_adjust_lr``."""
    rows, cols = shape[:2]
    if adjust_lr_fn is None or adjust_lr_fn == "original":
        ratio = math.sqrt(max(1, rows / cols))        # Jordan et al.: tall matrices step longer
    else:                                             # "match_rms_adamw" (Liu et al. 2025)
        ratio = 0.2 * math.sqrt(max(rows, cols))
    return lr * ratio


class Muon(Optimizer):
    r"""Muon exactly as ``torch.optim.Muon`` computes it (with Newton–Schulz in the parameter's
    dtype where torch uses bfloat16).

    .. math::
       \begin{aligned}
       &\textbf{input: } \eta \text{ (lr)},\ \lambda \text{ (weight decay)},
         \ \mu \text{ (momentum)},\ \textit{nesterov},\ (a, b, c) \text{ (ns\_coefficients)},
         \ \epsilon,\ k \text{ (ns\_steps)}\\
       &\textbf{initialise: } B_0 \leftarrow 0 \text{ (momentum buffer)}\\
       &\textbf{for } t = 1, 2, \ldots:\\
       &\quad G_t \leftarrow \nabla f(W_{t-1}) &&\text{(a matrix, } n \times m)\\
       &\quad B_t \leftarrow \mu B_{t-1} + (1-\mu)\, G_t\\
       &\quad \tilde B_t \leftarrow \textbf{if } \textit{nesterov}:
             \ (1-\mu)\, G_t + \mu B_t \ \ \textbf{else}:\ B_t\\
       &\quad O_t \leftarrow \mathrm{NS}^{(a,b,c)}_k\big(\tilde B_t / \max(\lVert\tilde B_t
             \rVert_F, \epsilon)\big) &&\text{(} \approx U V^\top \text{ for }
             \tilde B_t = U \Sigma V^\top)\\
       &\quad W_t \leftarrow (1 - \eta\lambda)\, W_{t-1} - \eta\, s(n, m)\, O_t
       \end{aligned}

    with :math:`s(n, m) = \sqrt{\max(1, n/m)}` (``adjust_lr_fn=None`` or ``"original"``) or
    :math:`0.2\sqrt{\max(n, m)}` (``"match_rms_adamw"``, which lets Muon reuse AdamW's lr and
    decay). :math:`\mathrm{NS}_k` is :func:`zeropower_via_newtonschulz`.

    Orthogonalising replaces every singular value of the averaged gradient by about 1: the step
    is the steepest descent direction under the spectral norm (Bernstein & Newhouse 2024), so
    directions the gradient barely excites move as far as the dominant ones. Muon is for the
    weight matrices of hidden layers only; give biases, gains and the input and output layers
    to AdamW with :class:`~optimlib.optim.Combined`. A parameter that is not a matrix is refused.

    The momentum is an average (torch's ``lerp``), not the sum :math:`\mu B + G` of torch's
    docstring; defaults are torch's (decay 0.1, decoupled as in AdamW).

    References: K. Jordan, Y. Jin, V. Boza, J. You, F. Cesista, L. Newhouse, J. Bernstein,
    "Muon: An optimizer for hidden layers in neural networks", 2024,
    https://kellerjordan.github.io/posts/muon/; J. Bernstein, L. Newhouse, "Old Optimizer, New
    Norm: An Anthology", 2024, arXiv:2409.20325; J. Liu et al., "Muon is Scalable for LLM
    Training", 2025, arXiv:2502.16982.
    """

    defaults = dict(lr=1e-3, weight_decay=0.1, momentum=0.95, nesterov=True,
                    ns_coefficients=(3.4445, -4.7750, 2.0315), eps=1e-7, ns_steps=5,
                    adjust_lr_fn=None)
    elementwise = False  # the orthogonalisation mixes every entry of the matrix

    @classmethod
    def validate(cls, h):
        h = super().validate(h)
        # mu >= 1: the average never forgets a gradient
        h["momentum"] = check_number("momentum", h["momentum"], 0.0, 1.0, high_open=True)
        coef = h["ns_coefficients"]
        if isinstance(coef, (str, bytes)) or not hasattr(coef, "__len__") or len(coef) != 3:
            raise TypeError(f"ns_coefficients must be three numbers (a, b, c) of the polynomial "
                            f"a s + b s^3 + c s^5, got {coef!r}")
        h["ns_coefficients"] = tuple(check_number(f"ns_coefficients[{i}]", v)
                                     for i, v in enumerate(coef))
        h["ns_steps"] = check_count("ns_steps", h["ns_steps"], 0)
        if h["ns_steps"] >= 100:
            raise ValueError(f"ns_steps must be below 100 (as in torch: each step costs three "
                             f"matrix products), got {h['ns_steps']}")
        if h["adjust_lr_fn"] not in ADJUST_LR_FNS:
            raise ValueError(f"adjust_lr_fn must be one of {ADJUST_LR_FNS}, "
                             f"got {h['adjust_lr_fn']!r}")
        return h

    def check_param(self, i, p):
        if p.ndim != 2:
            raise ValueError(
                f"params[{i}] has shape {p.shape}: Muon updates matrices (2-D arrays) only. Give "
                f"biases, vectors and other shapes to another optimizer, e.g. "
                f"optim.Combined(params, [optim.Muon(matrices), optim.AdamW(others)])")

    def init_state(self, p):
        return {"momentum_buffer": np.zeros_like(p)}

    def update(self, p, g, momentum_buffer, *, lr, weight_decay, momentum, nesterov,
               ns_coefficients, eps, ns_steps, adjust_lr_fn):
        lerp_(momentum_buffer, g, 1 - momentum)
        if nesterov:
            u = g.copy()
            lerp_(u, momentum_buffer, momentum)   # (1 - mu) g + mu B, as torch's g.lerp(B, mu)
        else:
            u = momentum_buffer
        O = zeropower_via_newtonschulz(u, ns_coefficients, ns_steps, eps)
        p *= 1 - lr * weight_decay
        p -= adjusted_lr(lr, adjust_lr_fn, p.shape) * O

    def effective_lr(self):
        r""":math:`\eta\, s(n, m)` for every entry, per unit of the orthogonalised :math:`O_t`."""
        self._last_step()
        h = self.hyper
        return [np.full_like(p, adjusted_lr(h["lr"], h["adjust_lr_fn"], p.shape))
                for p in self.params]
