"""The exercise checks of chapter 5, stochastic gradient descent."""
from __future__ import annotations


import numpy as np

from . import exercise, expect, expect_close, fail, call, _number

__all__ = ['check_sgd_fpc', 'check_sgd_floor', 'check_noise_scale', 'check_floor_formula', 'check_noise_scale_estimate']


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


@exercise("The noise floor for any batch size (a derivation)")
def check_floor_formula(floor):
    from ..quadratic_rates import sgd_noise_floor
    rng = np.random.default_rng(51)
    for _ in range(6):
        lr, lam, s2, B = rng.uniform(0.01, 0.4), rng.uniform(0.5, 4), rng.uniform(0.5, 10), int(rng.integers(1, 256))
        expected = lam / 2 * sgd_noise_floor(lr, lam, s2 / B)
        got = _number("floor(lr, lam, sigma2, B)", call(floor, lr, lam, s2, B), expected)
        if np.isclose(got, lr * s2 / (4 * B), rtol=1e-9):
            fail(f"E[f - f*] for η = {lr:.3g}, λ = {lam:.3g}, σ² = {s2:.3g}, B = {B}", f"{expected:.6g}", f"{got:.6g}",
                 "that is the small-step approximation η σ²/(4B); keep the exact 2 - ηλ")
        if np.isclose(got, sgd_noise_floor(lr, lam, s2 / B), rtol=1e-9):
            fail(f"E[f - f*] for η = {lr:.3g}, λ = {lam:.3g}, σ² = {s2:.3g}, B = {B}", f"{expected:.6g}", f"{got:.6g}",
                 "that is E[e²], the mean squared error; the loss gap is λ/2 times it")
        expect_close(f"E[f - f*] for η = {lr:.3g}, λ = {lam:.3g}, σ² = {s2:.3g}, B = {B}", got, expected, rtol=1e-9,
                     hint="the noise of a batch mean has variance σ²/B; s = (1-ηλ)² s + η²σ²/B, then f - f* = λ/2 · s")
    return "E[f − f*] = η σ² / (2B (2 − ηλ)): the floor falls like η/B, so a larger batch and a smaller step are interchangeable."


def _mlp_gradients():
    from ..data import load_digits
    from ..nn import build_mlp
    d = load_digits()
    model = build_mlp((64, 64, 10), seed=0)

    def grad_of_batch(idx):
        idx = np.asarray(idx)
        model.loss_and_grad(d.X_train[idx], d.y_train[idx])
        return np.concatenate([g.ravel() for g in model.grads])
    return grad_of_batch, len(d.X_train)


@exercise("Estimate the noise scale from mini-batches")
def check_noise_scale_estimate(estimate):
    grad_of_batch, N = _mlp_gradients()
    G = np.stack([grad_of_batch([i]) for i in range(N)])
    g = G.mean(axis=0)
    truth = float(np.mean(np.sum((G - g) ** 2, axis=1)) / (g @ g))
    seen = [0]

    def counted(idx):
        idx = np.asarray(idx)
        seen[0] += idx.size
        return grad_of_batch(idx)

    got = _number("estimate(grad_of_batch, N)", call(estimate, counted, N, np.random.default_rng(5)), truth)
    expect(seen[0] <= 100 * N, "examples your experiment used", f"at most {100 * N}", seen[0],
           "a few hundred batches are enough")
    expect_close("the gradient noise scale of the digits MLP at initialisation", got, truth, rtol=0.25,
                 hint="E|ĝ_B|² = |ḡ|² + σ²/B (with replacement): two batch sizes give two equations for |ḡ|² and σ²")
    return f"The exact value is {truth:.1f}; any unbiased design (two batch sizes, many small batches, ...) gets close."
