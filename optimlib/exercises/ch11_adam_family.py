"""The exercise checks of chapter 11, the Adam family."""
from __future__ import annotations

import numpy as np

from . import exercise, expect, expect_close, fail, call, _fmt, online_trap

__all__ = ["check_adamax_limit", "check_radam_switch", "check_yogi_trap"]


def _u_limit(beta2, g):
    # lim_{p -> oo} of the bias-corrected p-norm average: max_k beta2^(t-k) |g_k|
    g = np.abs(np.asarray(g, dtype=float))
    return float(np.max(beta2 ** np.arange(g.size - 1, -1, -1) * g))


@exercise("AdaMax's limit (a derivation)")
def check_adamax_limit(u_limit):
    rng = np.random.default_rng(11)
    cases = [(0.999, np.array([3.0])), (0.9, np.array([5.0, 0.1, 0.1, 0.1])),
             (0.5, np.array([-4.0, 1.0, 0.5])), (0.99, rng.standard_normal(50) * np.linspace(3, 0.1, 50)),
             (0.8, -rng.random(20))]
    for beta2, g in cases:
        want = _u_limit(beta2, g)
        got = call(u_limit, beta2, g.copy())
        try:
            got = float(got)
        except (TypeError, ValueError):
            fail(f"u_limit({beta2}, <{g.size} gradients>)", f"one number, like {want:.6g}", repr(got)[:60])
        if g.size > 1 and np.isclose(got, np.max(np.abs(g))) and not np.isclose(got, want):
            fail(f"u_limit({beta2}, <{g.size} gradients>)", _fmt(want), _fmt(got),
                 "the plain maximum of |g_k| forgets the weights: the k-th gradient enters the p-norm "
                 "with weight β2^(p(t-k)), whose p-th root β2^(t-k) survives the limit")
        expect_close(f"u_limit({beta2}, <{g.size} gradients>)", got, want, rtol=1e-9,
                     hint="bound the sum between its largest term and t times its largest term, take the "
                          "p-th root and let p → ∞; the factors (1 - β2^p) and (1 - β2^(pt)) tend to 1")
    return ("max_k β2^(t-k) |g_k|, which is u_t = max(β2 u_(t-1), |g_t|) from u_0 = 0: the weights' "
            "normalisation (1 - β2^(pt))^(1/p) tends to 1, so the limit needs no bias correction.")


def _first_adaptive_step(beta2, t_max=10_000):
    rho_inf = 2 / (1 - beta2) - 1
    for t in range(1, t_max + 1):
        if rho_inf - 2 * t * beta2 ** t / (1 - beta2 ** t) > 5:
            return t
    return None


@exercise("When RAdam starts adapting")
def check_radam_switch(answer):
    betas2 = (0.999, 0.9, 0.8, 0.7, 0.6)
    want = {b: _first_adaptive_step(b) for b in betas2}
    expect(isinstance(answer, dict) and set(answer) == set(betas2), "the answer",
           f"a dict with the keys {list(betas2)}", repr(answer)[:80])
    for b in betas2:
        got = answer[b]
        if want[b] is None:
            expect(got is None, f"the first adaptive step for β2 = {b}", "None (never)", repr(got),
                   "ρ_∞ = 2/(1 - β2) - 1 is the largest ρ_t ever gets: compare it with 5")
            continue
        if got == 5 or (isinstance(got, int) and got < want[b] and b == 0.999):
            fail(f"the first adaptive step for β2 = {b}", want[b], got,
                 "ρ_t > 5 is strict, and ρ_t < t: compute ρ_t = ρ_∞ - 2tβ2^t/(1 - β2^t) step by step")
        expect(got == want[b], f"the first adaptive step for β2 = {b}", want[b], repr(got),
               "compute ρ_t = ρ_∞ - 2tβ2^t/(1 - β2^t) for t = 1, 2, ... and stop at the first ρ_t > 5")
    return ("6, 6, 7, 10 and never: ρ_t ≈ t while t(1 - β2) is small, so the switch is at t = 6 for "
            "every β2 near 1; a short window (β2 ≤ 0.6, ρ_∞ ≤ 4) never has a variance to rectify.")


@exercise("An online problem that separates Yogi from Adam (open-ended)")
def check_yogi_trap(design):
    adam, yogi, best = online_trap(design, "yogi", max_size=20_000)
    expect(adam * best < -0.5, "Adam's mean point over the last 10% of the steps",
           f"nearer the worst end {-best:+.0f} than the middle (the best fixed point is {best:+.0f})",
           _fmt(adam), "Adam did not end near the worst point: the gradient that points to the best "
           "point must be rare and large, so that Adam's v forgets it between two of them")
    expect(yogi * best > 0.5, "Yogi's mean point over the last 10% of the steps",
           f"nearer the best point {best:+.0f} than the middle", _fmt(yogi),
           "Yogi's v must keep the large gradient: it falls by only (1 - β2) g² per small gradient g")
    return (f"Adam ends around {adam:+.2f}, Yogi around {yogi:+.2f}, the best point is {best:+.0f}: "
            "Yogi's additive update cannot forget a large gradient within a period.")
