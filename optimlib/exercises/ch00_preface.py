"""The exercise checks of the preface."""
from __future__ import annotations


import numpy as np

from . import exercise, expect, expect_close, fail, _fmt

__all__ = ['check_condition_number', 'check_update', 'check_n_params']


@exercise("Condition number of the quadratic")
def check_condition_number(answer):
    from ..problems import QUADRATIC
    expect_close("κ = L / μ for f(x) = 0.1 x1² + 2 x2²", answer, QUADRATIC.kappa, rtol=1e-9,
                 hint="the Hessian is diag(2 · 0.1, 2 · 2); L is its largest eigenvalue, μ its smallest")
    return "L = 4 and μ = 0.2: the valley curves 20 times more sharply across than along."


@exercise("One step by hand")
def check_update(answer):
    theta, g, lr = np.array([1.0, -2.0]), np.array([0.5, -4.0]), 0.1
    expected = theta - lr * g
    if np.allclose(np.asarray(answer, float), theta + lr * g):
        fail("θ₁ = θ₀ − η g₀", _fmt(expected), _fmt(answer), "you stepped up the gradient: the step goes against it")
    expect_close("θ₁ = θ₀ − η g₀", answer, expected, hint="subtract η times the gradient, coordinate by coordinate")


@exercise("How many parameters?")
def check_n_params(answer):
    if answer == 64 * 10:
        fail("parameters of the linear classifier on 8x8 digits", 650, answer,
             "you counted the weights W; the 10 biases b are parameters too")
    expect(isinstance(answer, (int, np.integer)) and answer == 650,
           "parameters of the linear classifier on 8x8 digits", 650, answer,
           "W maps 64 pixels to 10 scores (64 x 10 numbers), and each score has a bias")
    return "θ has 650 coordinates: each attempt of a search, and each gradient, lives in ℝ⁶⁵⁰."
