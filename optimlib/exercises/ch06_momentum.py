"""The exercise checks of chapter 6, momentum."""
from __future__ import annotations

import math

import numpy as np

from . import exercise, expect, expect_close, fail, call, _fmt, _number

__all__ = ['check_polyak', 'check_momentum_edge', 'check_momentum_effective_lr', 'check_to_velocity', 'check_torch_nesterov', 'check_tune_heavy_ball']


@exercise("Polyak's tuning for another quadratic")
def check_polyak(answer):
    expect(isinstance(answer, (tuple, list)) and len(answer) == 2, "the answer",
           "a tuple (lr, momentum)", repr(answer), "two numbers: η* and β*")
    L, mu = 9.0, 1.0
    r = (math.sqrt(L) - math.sqrt(mu)) / (math.sqrt(L) + math.sqrt(mu))
    lr, beta = _number("Polyak's step size η*", answer[0], 0.25), _number("Polyak's momentum β*", answer[1], r * r)
    if np.isclose(float(beta), r):
        fail("Polyak's momentum β*", r * r, beta, "the rate is √β*: β* is the square of (√κ - 1)/(√κ + 1)")
    expect_close("Polyak's step size η* for μ = 1, L = 9", lr, 4 / (math.sqrt(L) + math.sqrt(mu)) ** 2, rtol=1e-6,
                 hint="η* = 4 / (√L + √μ)²")
    expect_close("Polyak's momentum β* for μ = 1, L = 9", beta, r * r, rtol=1e-6,
                 hint="β* = ((√κ - 1)/(√κ + 1))² with κ = L/μ = 9")
    return "η* = β* = 1/4 and the rate is √β* = 1/2, against 0.8 for gradient descent on the same problem."


@exercise("The stability edge of momentum")
def check_momentum_edge(answer):
    expected = (2 + 2 * 0.9) / 4.0
    answer = _number("the stability threshold of lr with momentum 0.9 on the quadratic (L = 4)", answer, expected)
    if np.isclose(float(answer), 0.5):
        fail("the stability threshold of lr with momentum 0.9 on the quadratic (L = 4)", expected, answer,
             "2/L is the edge of plain gradient descent; momentum moves it to (2 + 2β)/L")
    expect_close("the stability threshold of lr with momentum 0.9 on the quadratic (L = 4)", answer, expected,
                 rtol=1e-6, hint="stable iff 0 < ηλ < 2 + 2β for every curvature λ; the largest is L = 4")
    return ("0.95: momentum almost doubles the threshold (every step below it is stable, none at or above it). But a stable step is not a fast one: near this edge "
            "the steep direction barely decays (its rate tends to 1), while Polyak's tuning, at η ≈ 0.67 "
            "with β ≈ 0.40, gives the rate 0.63.")


@exercise("The effective step size of momentum")
def check_momentum_effective_lr(answer):
    answer = _number("the lr with momentum 0.9 that matches SGD's lr = 0.1", answer, 0.01)
    if np.isclose(float(answer), 0.1 / 0.9) or np.isclose(float(answer), 0.09):
        fail("the lr with momentum 0.9 that matches SGD's lr = 0.1 on a steady gradient", 0.01, answer,
             "the buffer sums g (1 + β + β² + ...) = g/(1 - β): the step is lr/(1 - β) times g")
    expect_close("the lr with momentum 0.9 that matches SGD's lr = 0.1 on a steady gradient", answer, 0.01,
                 rtol=1e-6, hint="with a constant gradient g the buffer tends to g/(1 - β), so the step tends to lr·g/(1 - β)")
    return "lr/(1 - β) = 0.1: in the long run the two take the same steps along a steady slope."


@exercise("From torch's buffer to the velocity")
def check_to_velocity(to_velocity):
    from ..optim.momentum_forms import VelocitySGD
    from ..optim.sgd import SGD
    from ..problems import ROSENBROCK as R
    for lr, beta, wd in ((1e-3, 0.9, 0.0), (5e-4, 0.95, 0.1)):
        x = np.array(R.start)
        torch_like = SGD([x], lr=lr, momentum=beta, weight_decay=wd)
        for _ in range(25):
            torch_like.step([R.grad(x)])
        buf = torch_like.state[0]["momentum_buffer"].copy()
        v = np.asarray(call(to_velocity, buf.copy(), lr), dtype=float)
        expect(v.shape == buf.shape, "the velocity's shape", buf.shape, v.shape)
        if np.allclose(v, lr * buf):
            fail("the velocity for the buffer after 25 steps", _fmt(-lr * buf), _fmt(v),
                 "velocity steps are added (θ += v), torch's are subtracted (θ -= lr·b): mind the sign")
        z = x.copy()
        vel = VelocitySGD([z], lr=lr, momentum=beta, weight_decay=wd)
        vel.state[0] = {"velocity": v.copy()}
        vel.t = torch_like.t
        for _ in range(50):
            torch_like.step([R.grad(x)])
            vel.step([R.grad(z)])
        expect(np.allclose(x, z, rtol=1e-9, atol=1e-12),
               f"50 further steps (lr={lr}, momentum={beta}, weight_decay={wd}) of both forms from your velocity",
               "the same point", f"torch form {_fmt(x)}, velocity form {_fmt(z)}",
               "with a constant lr the two forms agree when v = -lr · b")
    return "v = -η b: with a constant lr the two forms are the same method, step for step."


@exercise("Nesterov in torch's form (a derivation)")
def check_torch_nesterov(torch_nesterov):
    from ..optim.momentum_forms import nesterov_lookahead
    from ..problems import ROSENBROCK
    lr, beta, steps = 1e-3, 0.9, 100
    _, lookaheads = nesterov_lookahead(ROSENBROCK.grad, ROSENBROCK.start, lr, beta, steps)
    phi, buf = np.array(ROSENBROCK.start, dtype=float), np.zeros(2)
    for t in range(steps):
        out = call(torch_nesterov, phi.copy(), buf.copy(), ROSENBROCK.grad(phi), lr, beta)
        try:
            phi, buf = (np.asarray(a, dtype=float) for a in out)
        except (TypeError, ValueError):
            fail("torch_nesterov(phi, buf, g, lr, beta)", "a pair (new phi, new buffer)", repr(out))
        if not np.allclose(phi, lookaheads[t + 1], rtol=1e-9, atol=1e-12):
            fail(f"the look-ahead point after step {t + 1}", _fmt(lookaheads[t + 1]), _fmt(phi),
                 "with b_t = βb_{t-1} + g_t the point moves by -η(g_t + β b_t), not by -η b_t (that is heavy ball)")
    return "φ_t = φ_{t-1} − η(g_t + β b_t) with b_t = β b_{t-1} + g_t: the same points as the look-ahead form."


@exercise("Tune heavy ball on a quadratic you cannot see")
def check_tune_heavy_ball(tune):
    from ..quadratic_rates import heavy_ball_optimal, heavy_ball_rate
    rng = np.random.default_rng(61)
    n = 5
    lam = np.sort(np.exp(rng.uniform(np.log(0.05), np.log(5.0), n)))
    lam[0], lam[-1] = 0.05, 5.0                    # κ = 100
    Qm, _ = np.linalg.qr(rng.standard_normal((n, n)))
    H = (Qm * lam) @ Qm.T
    x0 = rng.standard_normal(n)
    calls = [0]

    def run(lr, momentum, steps=100):
        calls[0] += 1
        x, prev = x0.copy(), x0.copy()
        with np.errstate(all="ignore"):
            for _ in range(int(steps)):
                x, prev = x - lr * (H @ x) + momentum * (x - prev), x
        return float(np.linalg.norm(x))

    out = call(tune, run)
    try:
        lr, mom = (float(v) for v in out)
    except (TypeError, ValueError):
        fail("tune(run)", "a pair (lr, momentum)", repr(out))
    best = heavy_ball_optimal(5.0, 0.05)[2]
    rate = heavy_ball_rate(lr, mom, lam)
    expect(calls[0] <= 2000, "runs your search used", "at most 2000", calls[0], "search coarsely, then refine")
    expect(rate < 1, f"the rate per step of your (lr = {lr:.4g}, momentum = {mom:.4g})", "below 1 (convergence)",
           f"{rate:.4g}", "keep lr·L below 2 + 2β")
    expect(rate <= 1.1 * best, f"the worst-case rate of your (lr = {lr:.4g}, momentum = {mom:.4g})",
           f"within 10% of the best possible {best:.4f}", f"{rate:.4f}",
           "judge a pair by the final error after many steps; a larger β and a matching step help")
    return (f"Your rate {rate:.4f} against Polyak's {best:.4f} (κ = 100 here, gradient descent's best is 0.980): "
            "any search that judges pairs by long runs finds it.")
