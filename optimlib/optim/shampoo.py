"""Shampoo: a left and a right preconditioner per weight matrix, Adagrad's sums in Kronecker form."""
from __future__ import annotations

import numpy as np

from .._checks import check_count, check_number
from .base import Optimizer

__all__ = ["Shampoo", "inverse_root"]


def inverse_root(M: np.ndarray, p: int, floor: float) -> np.ndarray:
    r""":math:`M^{-1/p}` of a symmetric positive definite ``M``, from its eigendecomposition
    :math:`M = Q\,\mathrm{diag}(w)\,Q^\top`. Eigenvalues below ``floor`` are raised to it: for
    Shampoo's statistics, which are at least :math:`\epsilon I`, only round-off falls below."""
    w, Q = np.linalg.eigh(M)
    return (Q * np.maximum(w, floor) ** (-1.0 / p)) @ Q.T


class Shampoo(Optimizer):
    r"""Shampoo as Algorithm 1 of Gupta, Koren & Singer (2018) states it for matrices, with
    diagonal Adagrad for vectors and scalars.

    .. math::
       \begin{aligned}
       &\textbf{input: } \eta \text{ (lr)},\ \epsilon,\ f \text{ (update\_freq)},
         \ \lambda \text{ (weight decay)},\ \mu \text{ (momentum)}\\
       &\textbf{initialise: } L_0 \leftarrow \epsilon I_n,\ R_0 \leftarrow \epsilon I_m
         \text{ (a matrix } W \in \mathbb{R}^{n\times m}),
         \quad h_0 \leftarrow \epsilon \text{ (a vector)},\quad B_0 \leftarrow 0\\
       &\textbf{for } t = 1, 2, \ldots:\\
       &\quad G_t \leftarrow \nabla f(W_{t-1}) + \lambda W_{t-1}\\
       &\quad \textbf{matrix: } L_t \leftarrow L_{t-1} + G_t G_t^\top,
             \quad R_t \leftarrow R_{t-1} + G_t^\top G_t\\
       &\quad\quad \textbf{if } (t - 1) \bmod f = 0:
             \ \ \hat L \leftarrow L_t^{-1/4},\ \ \hat R \leftarrow R_t^{-1/4}
             &&\text{(else the cached roots)}\\
       &\quad\quad D_t \leftarrow \hat L\, G_t\, \hat R\\
       &\quad \textbf{vector: } h_t \leftarrow h_{t-1} + g_t^2,
             \quad D_t \leftarrow g_t / \sqrt{h_t}\\
       &\quad B_t \leftarrow \mu B_{t-1} + D_t \quad (\mu = 0:\ B_t = D_t)\\
       &\quad W_t \leftarrow W_{t-1} - \eta\, B_t
       \end{aligned}

    Why :math:`-1/4`: full-matrix Adagrad would precondition :math:`\mathrm{vec}(G)` by
    :math:`(\sum_s \mathrm{vec}(G_s)\mathrm{vec}(G_s)^\top)^{-1/2}`, an :math:`nm \times nm`
    matrix. Shampoo replaces it by the Kronecker product :math:`L^{1/2} \otimes R^{1/2}` of two
    small factors (the paper's analysis bounds the full matrix by it: for gradients of rank at
    most :math:`r`, :math:`\frac1r \sum_s \mathrm{vec}(G_s)\mathrm{vec}(G_s)^\top \preceq
    L^{1/2} \otimes R^{1/2}` with the same :math:`\epsilon` in all three), and
    :math:`(L^{1/2}\otimes R^{1/2})^{-1/2} = L^{-1/4} \otimes R^{-1/4}`, which acts on
    :math:`G` as :math:`L^{-1/4} G R^{-1/4}`. Memory :math:`n^2 + m^2` instead of
    :math:`(nm)^2`; the roots (symmetric eigendecompositions, :math:`O(n^3 + m^3)`) are the
    cost, so ``update_freq`` recomputes them only every :math:`f` steps (the statistics are
    accumulated every step).

    Vectors and scalars (biases): the paper's order-1 case is full-matrix Adagrad; here its
    diagonal, i.e. Adagrad with the sums started at :math:`\epsilon` (no :math:`\epsilon` in the
    denominator). Tensors of three or more dimensions are refused: reshape them to matrices.
    ``eps`` is the paper's :math:`\epsilon` of the starting statistics (its default, 1e-4, is
    that of the authors' TensorFlow implementation). ``weight_decay`` is an L2 term added to the
    gradient, as in torch's Adagrad; ``momentum`` (not in the paper's algorithm; 0 by default)
    averages the preconditioned step.

    References: V. Gupta, T. Koren, Y. Singer, "Shampoo: Preconditioned Stochastic Tensor
    Optimization", ICML 2018, arXiv:1802.09568 (Algorithm 1).
    """

    defaults = dict(lr=1e-2, eps=1e-4, update_freq=1, weight_decay=0.0, momentum=0.0)
    elementwise = False  # the preconditioners mix the rows and the columns of a matrix

    @classmethod
    def validate(cls, h):
        h = super().validate(h)
        h["update_freq"] = check_count("update_freq", h["update_freq"], 1)
        h["momentum"] = check_number("momentum", h["momentum"], 0.0, 1.0, high_open=True)
        return h

    def check_param(self, i, p):
        if p.ndim > 2:
            raise ValueError(
                f"params[{i}] has shape {p.shape}: Shampoo preconditions matrices (and vectors "
                f"and scalars by diagonal Adagrad); reshape a tensor to a matrix first, e.g. a "
                f"kernel of shape (out, in, h, w) to (out, in * h * w)")

    def init_state(self, p):
        eps = self.hyper["eps"]
        if p.ndim == 2:
            n, m = p.shape
            state = {"L": eps * np.eye(n, dtype=p.dtype), "R": eps * np.eye(m, dtype=p.dtype),
                     "L_root": np.zeros((n, n), p.dtype), "R_root": np.zeros((m, m), p.dtype)}
        else:
            state = {"sum": np.full_like(p, eps)}
        if self.hyper["momentum"]:
            state["momentum_buffer"] = np.zeros_like(p)
        return state

    def update(self, p, g, L=None, R=None, L_root=None, R_root=None, sum=None,
               momentum_buffer=None, *, lr, eps, update_freq, weight_decay, momentum, step):
        if weight_decay:
            g = g + weight_decay * p
        if p.ndim == 2:
            L += g @ g.T
            R += g.T @ g
            if (step - 1) % update_freq == 0:
                L_root[...] = inverse_root(L, 4, eps)
                R_root[...] = inverse_root(R, 4, eps)
            d = L_root @ g @ R_root
        else:
            sum += g * g
            d = g / np.sqrt(sum)
        if momentum:
            momentum_buffer *= momentum
            momentum_buffer += d
            d = momentum_buffer
        p -= lr * d

    def effective_lr(self):
        r""":math:`\eta` for every entry, per unit of the preconditioned step :math:`B_t`
        (:math:`D_t = \hat L G_t \hat R` for a matrix, :math:`g_t/\sqrt{h_t}` for a vector)."""
        self._last_step()
        return [np.full_like(p, self.hyper["lr"]) for p in self.params]
