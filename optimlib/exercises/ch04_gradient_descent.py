"""The exercise checks of chapter 4, gradient descent."""
from __future__ import annotations

import math

import numpy as np

from . import exercise, expect, expect_close, fail, call, _number, random_quadratic

__all__ = ['check_gd_optimal', 'check_gd_steps', 'check_max_stable_lr', 'check_gd_sum_loss', 'check_line_search_step', 'check_threshold_experiment']


@exercise("Tune gradient descent on another quadratic")
def check_gd_optimal(answer):
    expect(isinstance(answer, (tuple, list)) and len(answer) == 2, "the answer",
           "a tuple (eta, rho)", repr(answer), "two numbers: the best step size and its rate")
    eta, rho = _number("the best step size η*", answer[0], 0.2), _number("the rate ρ*", answer[1], 0.8)
    if np.isclose(eta, 1 / 9):
        fail("the best step size η*", 0.2, eta, "1/L makes the steep direction converge in one step, but "
             "the flat one then contracts by only 1 - 1/9; balance the two: η* = 2/(L + μ)")
    expect_close("the best step size η* for curvatures μ = 1 and L = 9", eta, 0.2, rtol=1e-6,
                 hint="the Hessian is diag(1, 9); η* = 2/(L + μ) equalises |1 - ημ| and |1 - ηL|")
    expect_close("the contraction per step ρ* at η*", rho, 0.8, rtol=1e-6,
                 hint="ρ* = (κ - 1)/(κ + 1) with κ = L/μ = 9, or directly |1 - η* μ|")
    return "Both directions shrink by 0.8 per step (one with a sign flip): neither is left behind."


@exercise("The price of ill-conditioning")
def check_gd_steps(answer):
    kappa = 1000
    rho = (kappa - 1) / (kappa + 1)
    expected = math.ceil(math.log(1e6) / math.log(1 / rho))
    expect(isinstance(answer, (int, np.integer, float)) and not isinstance(answer, bool),
           "the number of steps", "an integer", repr(answer))
    if answer == expected - 1:
        fail("steps for a 10⁶-fold reduction with κ = 1000", expected, answer,
             "one short: after that many steps ρ^t is still just above 10⁻⁶; round ln(10⁶) / ln(1/ρ) up")
    if answer == expected:
        return (f"{expected} steps (≈ (κ/2)·ln 10⁶): 50 times the 139 steps of κ = 20, in proportion to κ.")
    if abs(answer - expected) <= 0.02 * expected:
        fail("steps for a 10⁶-fold reduction with κ = 1000", expected, answer,
             "close: an approximation such as ln(1/ρ) ≈ 2/κ, or a rounded ρ? Use ρ = 999/1001 exactly "
             "and round t = ln(10⁶) / ln(1/ρ) up")
    if abs(answer - math.log(1e6) / math.log(10) * kappa) < 0.1 * expected:
        fail("steps for a 10⁶-fold reduction with κ = 1000", expected, answer,
             "that is log10-based; use natural logs: t = ln(10⁶) / ln(1/ρ) with ρ = (κ-1)/(κ+1)")
    fail("steps for a 10⁶-fold reduction with κ = 1000", expected, answer,
         "solve ρ^t ≤ 10⁻⁶ for t with ρ = (κ - 1)/(κ + 1): t = ln(10⁶) / ln(1/ρ), rounded up")


@exercise("The stability threshold for any quadratic")
def check_max_stable_lr(max_stable_lr):
    rng = np.random.default_rng(5)
    for n in (1, 2, 5, 20):
        H, lam = random_quadratic(rng, n, -2, 3)
        expected = 2 / lam.max()
        got = _number(f"max_stable_lr for a {n}x{n} H", call(max_stable_lr, H.copy()), expected)
        if np.isclose(float(got), 1 / lam.max()):
            fail(f"max_stable_lr for a {n}x{n} H", f"{expected:.6g}", f"{float(got):.6g}",
                 "1/L is where the descent lemma's guarantee is best; GD still converges up to 2/L")
        if n > 1 and np.isclose(float(got), 2 / lam.min()):
            fail(f"max_stable_lr for a {n}x{n} H", f"{expected:.6g}", f"{float(got):.6g}",
                 "the steepest direction limits the step: use the largest eigenvalue")
        expect_close(f"max_stable_lr for a {n}x{n} H (eigenvalues {np.round(np.sort(lam), 3)})", got,
                     expected, rtol=1e-6, hint="GD multiplies the error along eigenvalue λ by 1 - ηλ; "
                     "all must have modulus < 1 (np.linalg.eigvalsh gives the eigenvalues)")
        for factor, should_converge in ((0.99, True), (1.01, False)):
            x = np.ones(n)
            for _ in range(3000):
                x = x - factor * float(got) * (H @ x)
            converged = np.linalg.norm(x) < 1
            expect(converged == should_converge, f"GD with η = {factor} × your answer on the {n}x{n} H",
                   "converges" if should_converge else "diverges",
                   "converges" if converged else "diverges")
    return "2/λ_max(H): the steepest curvature alone sets the limit."


@exercise("A sum instead of a mean")
def check_gd_sum_loss(answer):
    n = 1438
    answer = _number("the step size for the summed loss", answer, 2 / n)
    if np.isclose(float(answer), 2.0 * n):
        fail("the step size for the summed loss", f"{2 / n:.6g}", answer,
             "the summed loss has a gradient N times larger, so the step must be N times smaller")
    expect_close("the step size that reproduces η = 2 on the mean loss", answer, 2 / n, rtol=1e-6,
                 hint="Σᵢ ℓᵢ = N · mean: its gradient is N = 1438 times larger")
    return ("the path depends on η·∇f only: scaling the loss by N and η by 1/N changes nothing. "
            "It is why libraries average the loss over the batch.")


@exercise("The exact line-search step (a derivation)")
def check_line_search_step(line_search_step):
    rng = np.random.default_rng(41)
    for n in (2, 3, 8):
        H, _ = random_quadratic(rng, n, -2, 2)
        theta = rng.standard_normal(n)
        g = H @ theta
        expected = (g @ g) / (g @ H @ g)
        got = _number(f"line_search_step(H, θ) for a {n}x{n} H", call(line_search_step, H.copy(), theta.copy()), expected)
        if np.isclose(got, 1 / np.linalg.eigvalsh(H)[-1]):
            fail(f"the exact line-search step for a {n}x{n} H", f"{expected:.6g}", f"{got:.6g}",
                 "1/L is the descent lemma's step; the exact one depends on the direction g: minimise f(θ − ηg) in η")
        expect_close(f"the exact line-search step for a {n}x{n} H", got, expected, rtol=1e-8,
                     hint="f(θ − ηg) = f(θ) − η gᵀg + ½η² gᵀHg; set its derivative in η to zero")
    return ("η = gᵀg / gᵀHg (Cauchy's choice). It lies between 1/L and 1/μ: a Rayleigh quotient of H⁻¹ "
            "in the direction g.")


@exercise("Find the stability threshold by experiment")
def check_threshold_experiment(find_threshold):
    # hidden quadratics; the learner sees only run(lr) -> the loss after 200 steps of GD
    rng = np.random.default_rng(43)
    for n in (2, 6):
        H, lam = random_quadratic(rng, n, -1, 2)
        x0 = rng.standard_normal(n)
        calls = [0]

        def run(lr, H=H, x0=x0):
            lr = float(lr)
            if not lr > 0:
                raise ValueError(f"lr must be positive, got {lr}")
            calls[0] += 1
            x = x0.copy()
            with np.errstate(all="ignore"):
                for _ in range(200):
                    x = x - lr * (H @ x)
                return float(0.5 * x @ H @ x)

        truth = 2 / lam.max()
        got = _number(f"find_threshold(run) on hidden quadratic {n}", call(find_threshold, run), truth)
        expect(calls[0] <= 200, "the number of runs your experiment used", "at most 200", calls[0],
               "bisect between a step that converges and one that diverges")
        expect_close(f"the threshold of hidden quadratic {n}", got, truth, rtol=0.02,
                     hint="a run converges (final loss below its start) below the threshold and "
                          "explodes above it; search for the switch")
    return "Any search works (a grid, bisection, doubling then bisection): the check only judges the estimate."
