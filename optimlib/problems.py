"""The test problems every chapter shares: each has a value, an analytic gradient, its known
minimum and a window to plot it in.

``value`` and ``grad`` accept a point ``x`` of shape ``(2,)`` or a grid of shape ``(2, ...)``
(as made by ``np.meshgrid``), so the same code draws contours and takes steps.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["Problem", "Quadratic", "Rosenbrock", "Beale", "Saddle", "QUADRATIC", "ROSENBROCK",
           "BEALE", "SADDLE", "PROBLEMS"]


@dataclass(frozen=True)
class Problem:
    """A 2-D test function. Subclasses define ``value`` and ``grad``."""
    name: str
    minimum: tuple | None          # argmin, or None when there is none (a saddle)
    window: tuple                  # ((x1_lo, x1_hi), (x2_lo, x2_hi)) for plots
    start: tuple                   # the starting point the book uses on this problem
    log_levels: bool = field(default=False)  # contours on a log scale (steep valleys)

    def value(self, x):
        raise NotImplementedError

    def grad(self, x):
        raise NotImplementedError

    def __call__(self, x):
        return self.value(x)

    @property
    def f_min(self) -> float | None:
        return None if self.minimum is None else float(self.value(np.array(self.minimum, float)))

    def grid(self, n: int = 200):
        """``X1, X2, F``: the function on an ``n`` x ``n`` grid over its window."""
        (a, b), (c, d) = self.window
        X1, X2 = np.meshgrid(np.linspace(a, b, n), np.linspace(c, d, n))
        return X1, X2, self.value(np.stack([X1, X2]))


@dataclass(frozen=True)
class Quadratic(Problem):
    r"""f(x) = a x_1^2 + b x_2^2, Hessian diag(2a, 2b): curvatures mu = 2 min(a, b), L = 2 max(a, b)."""
    name: str = "quadratic"
    minimum: tuple = (0.0, 0.0)
    window: tuple = ((-6.0, 6.0), (-3.0, 3.0))
    start: tuple = (-5.0, -2.0)
    a: float = 0.1
    b: float = 2.0

    def value(self, x):
        x = np.asarray(x, dtype=float)
        return self.a * x[0] ** 2 + self.b * x[1] ** 2

    def grad(self, x):
        x = np.asarray(x, dtype=float)
        return np.stack([2 * self.a * x[0], 2 * self.b * x[1]])

    @property
    def hessian(self) -> np.ndarray:
        return np.diag([2 * self.a, 2 * self.b])

    @property
    def L(self) -> float:   # largest curvature (smoothness constant)
        return 2 * max(self.a, self.b)

    @property
    def mu(self) -> float:  # smallest curvature (strong-convexity constant)
        return 2 * min(self.a, self.b)

    @property
    def kappa(self) -> float:
        return self.L / self.mu


@dataclass(frozen=True)
class Rosenbrock(Problem):
    r"""f(x) = (a - x_1)^2 + b (x_2 - x_1^2)^2: a curved, flat-bottomed valley; minimum (a, a^2)."""
    name: str = "rosenbrock"
    minimum: tuple = (1.0, 1.0)
    window: tuple = ((-2.0, 2.0), (-1.0, 3.0))
    start: tuple = (-1.5, 2.0)
    log_levels: bool = True
    a: float = 1.0
    b: float = 100.0

    def value(self, x):
        x = np.asarray(x, dtype=float)
        return (self.a - x[0]) ** 2 + self.b * (x[1] - x[0] ** 2) ** 2

    def grad(self, x):
        x = np.asarray(x, dtype=float)
        r = x[1] - x[0] ** 2
        return np.stack([-2 * (self.a - x[0]) - 4 * self.b * x[0] * r, 2 * self.b * r])


@dataclass(frozen=True)
class Beale(Problem):
    r"""Beale's function: sharp ridges and flat plateaus; minimum 0 at (3, 0.5)."""
    name: str = "beale"
    minimum: tuple = (3.0, 0.5)
    window: tuple = ((-4.5, 4.5), (-4.5, 4.5))
    start: tuple = (1.0, 1.5)
    log_levels: bool = True

    _C = (1.5, 2.25, 2.625)

    def value(self, x):
        x = np.asarray(x, dtype=float)
        return sum((c - x[0] + x[0] * x[1] ** k) ** 2 for k, c in enumerate(self._C, start=1))

    def grad(self, x):
        x = np.asarray(x, dtype=float)
        g1 = g2 = 0.0
        for k, c in enumerate(self._C, start=1):
            r = c - x[0] + x[0] * x[1] ** k
            g1 = g1 + 2 * r * (x[1] ** k - 1)
            g2 = g2 + 2 * r * k * x[0] * x[1] ** (k - 1)
        return np.stack([g1, g2])


@dataclass(frozen=True)
class Saddle(Problem):
    r"""f(x) = x_1^2 - x_2^2: a saddle point at the origin, unbounded below; no minimum."""
    name: str = "saddle"
    minimum: tuple | None = None
    window: tuple = ((-2.0, 2.0), (-2.0, 2.0))
    start: tuple = (-1.8, 1e-3)

    def value(self, x):
        x = np.asarray(x, dtype=float)
        return x[0] ** 2 - x[1] ** 2

    def grad(self, x):
        x = np.asarray(x, dtype=float)
        return np.stack([2 * x[0], -2 * x[1]])


QUADRATIC = Quadratic()
ROSENBROCK = Rosenbrock()
BEALE = Beale()
SADDLE = Saddle()
#: the shared test problems by name
PROBLEMS = {p.name: p for p in (QUADRATIC, ROSENBROCK, BEALE, SADDLE)}
