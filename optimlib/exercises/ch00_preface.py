"""The exercise checks of the preface."""
from __future__ import annotations


import numpy as np

from . import exercise, expect, expect_close, fail, call, _fmt, _number

__all__ = ['check_condition_number', 'check_update', 'check_n_params', 'check_theta_after', 'check_gd_detector']


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


@exercise("t steps in closed form (a derivation)")
def check_theta_after(theta_after):
    rng = np.random.default_rng(1)
    for _ in range(8):
        theta0, lr, lam, t = rng.normal(0, 3), rng.uniform(0.01, 0.6), rng.uniform(0.1, 4), int(rng.integers(0, 40))
        x = theta0
        for _ in range(t):
            x = x - lr * lam * x                    # the update rule, step by step
        got = _number("theta_after(theta0, lr, lam, t)", call(theta_after, theta0, lr, lam, t), x)
        if t > 1 and np.isclose(got, theta0 * (1 - lr * lam * t)):
            fail(f"θ_t for θ0 = {theta0:.3g}, η = {lr:.3g}, λ = {lam:.3g}, t = {t}", _fmt(x), _fmt(got),
                 "each step multiplies θ by the same factor, so the factors multiply: a power, not a product with t")
        expect_close(f"θ_t for θ0 = {theta0:.3g}, η = {lr:.3g}, λ = {lam:.3g}, t = {t}", got, x, rtol=1e-9, atol=1e-300,
                     hint="one step gives θ1 = θ0 − ηλθ0 = (1 − ηλ)θ0; apply it t times")
    return "θ_t = (1 − ηλ)^t θ0: it converges exactly when |1 − ηλ| < 1, that is 0 < ηλ < 2 (chapter 4)."


@exercise("A test that catches a wrong optimizer")
def check_gd_detector(is_gradient_descent):
    # step(theta, g) -> new theta; the detector must accept exactly the true update θ − 0.1 g
    candidates = {
        "θ − 0.1 g (right)": (lambda th, g: th - 0.1 * g, True),
        "θ + 0.1 g (sign)": (lambda th, g: th + 0.1 * g, False),
        "θ − 0.01 g (rate)": (lambda th, g: th - 0.01 * g, False),
        "θ − 0.1 g, first coordinate only": (lambda th, g: th - 0.1 * g * (np.arange(np.size(th)) == 0), False),
        "θ − 0.1 sign(g) (signSGD)": (lambda th, g: th - 0.1 * np.sign(g), False),
        "θ − 0.1 g + a constant 1e-3": (lambda th, g: th - 0.1 * g + 1e-3, False),
    }
    for name, (step, truth) in candidates.items():
        verdict = call(is_gradient_descent, step)
        expect(bool(verdict) == truth and isinstance(verdict, (bool, np.bool_)),
               f"is_gradient_descent on the update {name}", truth, verdict,
               "try several θ and g (of several sizes and signs, more than one coordinate) and compare with θ − ηg")
    return "Any set of trial inputs that distinguishes them works: that is what a unit test of an optimizer is."
