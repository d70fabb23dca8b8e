r"""A test problem whose unknown is a matrix, for optimizers that treat matrices as matrices
(Muon, Shampoo): least squares :math:`W X \approx Y` with an ill-conditioned input ``X``.

.. math::
    f(W) = \frac{1}{2N}\,\lVert W X - Y \rVert_F^2, \qquad
    \nabla f(W) = \frac{1}{N}\,(W X - Y)\,X^\top, \qquad
    \nabla^2 f = \tfrac1N X X^\top \otimes I .

The curvature is Kronecker-factored: along the output side (rows of ``W``) it is the identity,
along the input side it is :math:`X X^\top / N`, whose eigenvalues span ``kappa`` (the condition
number). ``Y = W_\star X`` exactly, so the minimum is ``W_star`` with ``f = 0``.

    prob = least_squares(n_out=16, n_in=32, kappa=1e3)
    losses = solve(prob, "muon", 200, lr=0.02)
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import optim
from ._checks import check_count, check_number

__all__ = ["LeastSquares", "least_squares", "solve"]


@dataclass(frozen=True, eq=False)
class LeastSquares:
    """f(W) = ||W X - Y||_F^2 / (2N), with ``Y = W_star X``."""
    X: np.ndarray        # (n_in, N) inputs
    Y: np.ndarray        # (n_out, N) targets
    W_star: np.ndarray   # (n_out, n_in) the minimiser
    name: str = "least squares"

    @property
    def shape(self) -> tuple:
        """The shape of the unknown W: (n_out, n_in)."""
        return self.W_star.shape

    @property
    def start(self) -> np.ndarray:
        """The starting point the book uses: W = 0."""
        return np.zeros(self.shape)

    @property
    def input_curvature(self) -> np.ndarray:
        """X X^T / N: the Hessian is this matrix Kronecker the identity."""
        return self.X @ self.X.T / self.X.shape[1]

    @property
    def kappa(self) -> float:
        """The condition number of the Hessian (largest over smallest eigenvalue)."""
        ev = np.linalg.eigvalsh(self.input_curvature)
        return float(ev[-1] / ev[0])

    def _check(self, W) -> np.ndarray:
        W = np.asarray(W, dtype=float)
        if W.shape != self.shape:
            raise ValueError(f"W must have shape {self.shape} (n_out, n_in), got {W.shape}")
        return W

    def value(self, W) -> float:
        R = self._check(W) @ self.X - self.Y
        return float(0.5 * np.sum(R * R) / self.X.shape[1])

    def grad(self, W) -> np.ndarray:
        return (self._check(W) @ self.X - self.Y) @ self.X.T / self.X.shape[1]

    def __call__(self, W) -> float:
        return self.value(W)


def least_squares(n_out: int = 16, n_in: int = 32, n_samples: int = 256, kappa: float = 1e3,
                  seed=0) -> LeastSquares:
    """A problem whose input curvature ``X X^T / N`` has eigenvalues spaced geometrically from
    1 down to ``1/kappa`` (so its condition number is ``kappa``) in random directions, and a
    random minimiser ``W_star`` with standard normal entries."""
    n_out, n_in = check_count("n_out", n_out, 1), check_count("n_in", n_in, 1)
    n_samples = check_count("n_samples", n_samples, 1)
    if n_samples < n_in:
        raise ValueError(f"n_samples must be at least n_in = {n_in} (else X X^T is singular and "
                         f"the minimum is not unique), got {n_samples}")
    kappa = check_number("kappa", kappa, 1.0)
    rng = np.random.default_rng(seed)
    # X = sqrt(N) U diag(s) V^T with orthonormal U (n_in x n_in), V (N x n_in): X X^T / N = U diag(s^2) U^T
    U, _ = np.linalg.qr(rng.standard_normal((n_in, n_in)))
    V, _ = np.linalg.qr(rng.standard_normal((n_samples, n_in)))
    s = np.sqrt(np.geomspace(1.0, 1.0 / kappa, n_in))
    X = np.sqrt(n_samples) * (U * s) @ V.T
    W_star = rng.standard_normal((n_out, n_in))
    return LeastSquares(X=X, Y=W_star @ X, W_star=W_star)


def solve(problem: LeastSquares, optimizer, steps: int, W0=None, *, schedule=None,
          **hyper) -> np.ndarray:
    """Run ``steps`` full-gradient steps on ``problem`` from ``W0`` (default: ``problem.start``)
    and return the losses, ``losses[k]`` after k steps. ``optimizer`` is a name (built with
    ``hyper`` over the matrix) or a function ``make(params)`` returning an Optimizer.
    ``schedule`` drives hyperparameters as in :func:`optimlib.train.fit` (``f(t)`` sets lr)."""
    from .train import _scheduler
    steps = check_count("steps", steps, 0)
    W = np.array(problem.start if W0 is None else problem._check(W0), dtype=float)
    if isinstance(optimizer, str):
        opt = optim.get(optimizer, [W], **hyper)
    elif callable(optimizer):
        if hyper:
            raise TypeError("give the hyperparameters to your make(params) function, not to solve")
        opt = optimizer([W])
    else:
        raise TypeError(f"optimizer must be a name such as 'adam' or a function make(params), "
                        f"got {type(optimizer).__name__}")
    scheduled = _scheduler(opt, schedule)
    losses = np.empty(steps + 1)
    losses[0] = problem.value(W)
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(1, steps + 1):
            scheduled()
            opt.step([problem.grad(W)])
            losses[k] = problem.value(W) if np.all(np.isfinite(W)) else np.inf
    return losses
