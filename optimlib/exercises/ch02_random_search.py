"""The exercise checks of chapter 2, random search."""
from __future__ import annotations

import math

import numpy as np

from . import exercise, expect_close, fail, call

__all__ = ['check_attempts_for_confidence', 'check_one_fifth_step', 'check_records']


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
