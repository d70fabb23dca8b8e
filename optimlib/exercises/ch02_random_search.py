"""The exercise checks of chapter 2, random search."""
from __future__ import annotations

import math

import numpy as np

from . import exercise, expect, expect_close, fail, call, _fmt, _number

__all__ = ['check_attempts_for_confidence', 'check_one_fifth_step', 'check_records', 'check_expected_best', 'check_beat_random_search']


@exercise("Attempts for 99% confidence")
def check_attempts_for_confidence(attempts_for_confidence):
    from ..random_search import hit_probability
    for d, r, c in [(2, 0.5, 0.99), (5, 1.0, 0.9), (10, 0.5, 0.99), (30, 1.0, 0.5), (100, 0.5, 0.99)]:
        p = hit_probability(d, r)
        expected = math.ceil(math.log1p(-c) / math.log1p(-p))
        got = call(attempts_for_confidence, d, r, c)
        try:
            g = float(got)
        except (TypeError, ValueError):
            fail(f"attempts_for_confidence({d}, {r}, {c})", expected, repr(got), "return a number")
        if not math.isfinite(g):
            fail(f"attempts_for_confidence({d}, {r}, {c})", f"{expected:.4g}", got,
                 "log(1 - p) is exactly 0 when p < 2**-54 ≈ 5.6e-17, since 1 - p rounds to 1: use np.log1p(-p)")
        if abs(g - expected) <= 1 or abs(g / expected - 1) < 1e-6:
            continue
        if abs(g / expected - 1) < 0.05:
            fail(f"attempts_for_confidence({d}, {r}, {c})", f"{expected:.6g}", f"{g:.6g}",
                 "close, but log(1 - p) loses most of its digits when p is tiny (1 - p rounds): use np.log1p(-p)")
        fail(f"attempts_for_confidence({d}, {r}, {c})", f"{expected:.6g}", f"{g:.6g}",
             "the smallest K with 1 - (1 - p)^K >= confidence: K = ceil(log(1 - confidence) / log(1 - p))")
    return (f"In d = 100, {math.ceil(math.log(100) / hit_probability(100, 0.5)):.1e} attempts for 99% confidence "
            "of landing within 0.5 of the minimum.")


@exercise("The one-fifth rule")
def check_one_fifth_step(sigma):
    from statistics import NormalDist
    from ..data import load_digits
    from ..softmax_regression import SoftmaxLinear
    d = load_digits()
    model = SoftmaxLinear(d.X_train, d.y_train)
    grad_norm = float(np.linalg.norm(model.grad(np.zeros(model.size))))
    trace_h = 0.9 * float(np.mean(np.sum(d.X_train ** 2, axis=1) + 1))
    expected = -2 * grad_norm * NormalDist().inv_cdf(0.2) / trace_h
    wrong_side = 2 * grad_norm * NormalDist().inv_cdf(0.2) / trace_h
    if isinstance(sigma, (int, float, np.floating)) and np.isclose(sigma, wrong_side, rtol=1e-3):
        fail("the step size with P(accept) = 1/5", f"{expected:.4g}", f"{sigma:.4g}",
             "a step size is positive: Φ⁻¹(1/5) is negative, and σ = −2‖g‖ Φ⁻¹(1/5) / tr H")
    expect_close("the step size with P(accept) = 1/5", sigma, expected, rtol=0.02,
                 hint="solve Φ(−σ tr H / (2‖g‖)) = 1/5 for σ, with Φ⁻¹ = statistics.NormalDist().inv_cdf")
    return f"σ ≈ {expected:.3f}: the same range as the best step sizes found by trying."


@exercise("Records in a million attempts")
def check_records(answer):
    expected = float(np.sum(1.0 / np.arange(1, 10 ** 6 + 1)))
    expect_close("the expected number of improvements in 10⁶ attempts", answer, expected, rtol=1e-4,
                 hint="attempt k sets a record with probability 1/k; add these up for k = 1 … 10⁶")
    return "≈ ln 10⁶ + 0.577: improvements come ever more rarely."


@exercise("The expected best of K guesses (a derivation)")
def check_expected_best(expected_best):
    for K, d in ((10, 1), (1, 1), (100, 2), (1000, 5), (10 ** 6, 20)):
        exact = math.exp(math.lgamma(1 + 1 / d) + math.lgamma(K + 1) - math.lgamma(K + 1 + 1 / d))
        got = _number(f"expected_best(K = {K}, d = {d})", call(expected_best, K, d), exact)
        if np.isclose(got, K ** (-1 / d), rtol=1e-6) and K > 1:
            fail(f"E[min] for K = {K}, d = {d}", f"{exact:.6g}", f"{got:.6g}",
                 "that is the order of magnitude; the exact value has a Γ(1 + 1/d) and K-dependent Gammas")
        expect_close(f"E[min] for K = {K}, d = {d}", got, exact, rtol=1e-6,
                     hint="P(min > r) = (1 − r^d)^K; E[min] = ∫₀¹ P(min > r) dr, a Beta integral after u = r^d "
                          "(math.lgamma avoids overflow)")
    return ("E[min] = Γ(1+1/d) K! / Γ(K+1+1/d) ≈ Γ(1+1/d) K^(−1/d): halving the distance costs 2^d times "
            "more guesses.")


@exercise("Beat random search")
def check_beat_random_search(search):
    rng = np.random.default_rng(21)
    d, budget = 20, 2000
    centre = rng.uniform(-1, 1, d)
    count = [0]

    def f(theta):
        count[0] += 1
        if count[0] > budget:
            raise AssertionError(f"your search evaluated f more than the budget of {budget} times")
        theta = np.asarray(theta, dtype=float)
        return float(np.sum((theta - centre) ** 2))

    best = np.asarray(call(search, f, d, budget, np.random.default_rng(0)), dtype=float)
    expect(best.shape == (d,), "the shape of the point your search returns", (d,), best.shape, "")
    count[0] = 0
    value = f(best)
    guesses = rng.uniform(-2, 2, (budget, d))                      # pure random search, same budget
    random_best = float(np.min(np.sum((guesses - centre) ** 2, axis=1)))
    expect(value < random_best / 10, "f at your best point (20 dims, 2000 evaluations)",
           f"below a tenth of pure random search's {random_best:.3g}", f"{value:.3g}",
           "move from the best point so far with small random steps, and shrink the steps when few succeed")
    return f"f = {value:.3g} against {random_best:.3g} for pure random search: any local, adaptive design wins."
