"""The exercise checks of chapter 5, stochastic gradient descent."""
from __future__ import annotations


import numpy as np

from . import exercise, expect_close, fail, call, _number

__all__ = ['check_sgd_fpc', 'check_sgd_floor', 'check_noise_scale']


@exercise("Half the data in one batch")
def check_sgd_fpc(answer):
    n, b = 1438, 719
    expected = (n - b) / (n - 1)
    answer = _number("variance / (σ²/B) for B = 719 of N = 1438", answer, expected)
    if np.isclose(float(answer), 1.0):
        fail("variance / (σ²/B) for B = 719 of N = 1438", f"{expected:.6g}", answer,
             "σ²/B holds for independent draws; without replacement multiply by (N - B)/(N - 1)")
    if np.isclose(float(answer), (n - b) / n):
        fail("variance / (σ²/B) for B = 719 of N = 1438", f"{expected:.6g}", answer,
             "close: the correction divides by N - 1, not N (it must be exactly 0 at B = N and 1 at B = 1)")
    expect_close("variance / (σ²/B) for B = 719 of N = 1438", answer, expected, rtol=1e-6,
                 hint="the finite-population correction (N - B)/(N - 1)")
    return "about 1/2: with half the data in the batch, the batch mean is twice as accurate as independent draws."


@exercise("The noise floor in one dimension")
def check_sgd_floor(answer):
    lr, lam, var = 0.1, 4.0, 4.0
    expected = lr * var / (lam * (2 - lr * lam))
    answer = _number("stationary E[θ²]", answer, expected)
    if np.isclose(float(answer), lr * var / (2 * lam)):
        fail("stationary E[θ²]", f"{expected:.6g}", answer,
             "that is the small-step approximation ησ²/(2λ); keep the (1 - ηλ)² exactly: s = η²σ² / (1 - (1 - ηλ)²)")
    if np.isclose(float(answer), lam / 2 * expected):
        fail("stationary E[θ²]", f"{expected:.6g}", answer,
             "that is E[f] = (λ/2) E[θ²]; the question asks for E[θ²] itself")
    expect_close("stationary E[θ²] for λ = 4, η = 0.1, σ² = 4", answer, expected, rtol=1e-6,
                 hint="the variance obeys s ← (1 - ηλ)² s + η² σ²; solve for its fixed point")
    return f"E[θ²] = ησ²/(λ(2 - ηλ)) = {expected:.4f}, proportional to η for small steps."


@exercise("The gradient noise scale")
def check_noise_scale(noise_scale):
    rng = np.random.default_rng(11)
    for n, p, shift in ((50, 3, 0.5), (200, 10, 0.1), (1000, 7, 2.0)):
        G = rng.standard_normal((n, p)) + shift * rng.standard_normal(p)
        g = G.mean(axis=0)
        expected = np.mean(np.sum((G - g) ** 2, axis=1)) / (g @ g)
        got = _number(f"noise_scale of a {n} x {p} matrix", call(noise_scale, G.copy()), expected)
        if np.isclose(float(got), expected * n / (n - 1)):
            fail(f"noise_scale of a {n} x {p} matrix", f"{expected:.6g}", f"{float(got):.6g}",
                 "divide the sum of squared distances by N (the whole population), not N - 1")
        if np.isclose(float(got), 1 / expected):
            fail(f"noise_scale of a {n} x {p} matrix", f"{expected:.6g}", f"{float(got):.6g}",
                 "upside down: noise (σ²) over signal (|ḡ|²)")
        expect_close(f"noise_scale of a {n} x {p} matrix", got, expected, rtol=1e-8,
                     hint="σ² = mean over rows of |row - mean row|², then divide by |mean row|²")
    return "B_noise is the batch size at which noise and signal are equally large."
