"""The exercise checks of chapter 10, Adam."""
from __future__ import annotations

import numpy as np

from . import exercise, expect, expect_close, fail, call, _fmt, _number, online_trap

__all__ = ["check_drifting_bias", "check_wrong_correction_factor", "check_adam_trap"]


def _drifting_factor(beta, r, t):
    # E[m_t] / E[g_t] when E[g_k] = mu r^k and m_0 = 0
    q = beta / r
    return (1 - beta) * (t if np.isclose(q, 1.0) else (1 - q ** t) / (1 - q))


@exercise("The bias of m for a drifting gradient")
def check_drifting_bias(correction):
    cases = [(0.9, 1.0, 1), (0.9, 1.0, 10), (0.9, 1.05, 10), (0.9, 0.95, 30), (0.99, 1.01, 200),
             (0.5, 2.0, 5)]
    for beta, r, t in cases:
        got = _number(f"correction({beta}, {r}, {t})", call(correction, beta, r, t),
                      _drifting_factor(beta, r, t))
        want = _drifting_factor(beta, r, t)
        if r != 1.0 and np.isclose(got, 1 - beta ** t, rtol=1e-6):
            fail(f"E[m_t]/E[g_t] for beta = {beta}, r = {r}, t = {t}", _fmt(want), _fmt(got),
                 "1 - β^t holds for a stationary mean only: with E[g_k] = μ r^k the older gradients "
                 "are smaller (r > 1) or larger (r < 1) than the newest")
        expect_close(f"E[m_t]/E[g_t] for beta = {beta}, r = {r}, t = {t}", got, want, rtol=1e-6,
                     hint="unroll m_t = (1 - β) Σ_k β^(t-k) g_k, take expectations and sum the "
                          "geometric series in β/r")
    # and the learner's formula agrees with a simulation
    rng = np.random.default_rng(0)
    beta, r, t = 0.9, 1.05, 20
    g = r ** np.arange(1, t + 1) * (1 + rng.standard_normal((20000, t)))
    m = np.zeros(20000)
    for k in range(t):
        m = beta * m + (1 - beta) * g[:, k]
    sim = m.mean() / r ** t
    expect(abs(sim - float(call(correction, beta, r, t))) < 0.02,
           "your factor against 20 000 simulated runs (beta = 0.9, r = 1.05, t = 20)", _fmt(sim),
           _fmt(call(correction, beta, r, t)))
    return ("(1 - β)(1 - (β/r)^t)/(1 - β/r): for r = 1 it is 1 - β^t. For r > 1 it tends to "
            "(1 - β)/(1 - β/r) < 1, a bias that dividing by 1 - β^t cannot remove: m lags a "
            "growing gradient.")


@exercise("The (1 - β) bias correction at t = 50")
def check_wrong_correction_factor(answer):
    b1, b2, t = 0.9, 0.99, 50
    want = (1 - b1 ** t) / (1 - b1) * np.sqrt((1 - b2) / (1 - b2 ** t))
    got = _number("the wrong step divided by the right step", answer, want)
    if np.isclose(got, 1 / want, rtol=1e-4):
        fail("the wrong step divided by the right step", _fmt(want), _fmt(got),
             "you computed right / wrong: the question asks wrong / right")
    expect_close("the step with (1 - β) corrections divided by Adam's step, t = 50, betas = (0.9, 0.99)",
                 got, want, rtol=1e-4,
                 hint="with a constant gradient m_t = (1 - β1^t) g and v_t = (1 - β2^t) g²; the ratio "
                      "is (1 - β1^t)/(1 - β1) · √((1 - β2)/(1 - β2^t))")
    return (f"{want:.3f}: the wrong correction makes the steps too large early on (≈ 2 at t = 10 "
            f"for the defaults) and √(1 - β2)/(1 - β1) times too small in the long run.")


@exercise("A trap for Adam of your own")
def check_adam_trap(design):
    adam, ams, best = online_trap(design, "amsgrad", max_size=50_000)
    expect(adam * best < -0.5, "Adam's mean point over the last 10% of the steps",
           f"nearer the worst end {-best:+.0f} than the middle (the best fixed point is {best:+.0f})", _fmt(adam),
           "Adam did not end near the worst point: make the gradient that points to it rare and large, so that "
           "v forgets it before the many small opposite gradients are done")
    expect(ams * best > 0.5, "AMSGrad's mean point over the last 10% of the steps",
           f"nearer the best point {best:+.0f} than the middle", _fmt(ams),
           "AMSGrad should keep the large gradient's v: give it enough steps, or a larger lr")
    return (f"Adam ends around {adam:+.2f}, AMSGrad around {ams:+.2f}, the best point is {best:+.0f}: "
            "a rare large gradient is forgotten by Adam's v, never by AMSGrad's maximum.")
