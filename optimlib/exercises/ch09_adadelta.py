"""The exercise checks of chapter 9, Adadelta."""
from __future__ import annotations

import math

import numpy as np

from . import exercise, expect, expect_close, fail, call, _fmt, _number

__all__ = ["check_adadelta_eps_units", "check_adadelta_first_step", "check_adadelta_keras_lr",
           "check_adadelta_rescaled"]


@exercise("Which constants must change with the units?")
def check_adadelta_eps_units(answer):
    expect(isinstance(answer, (tuple, list)) and len(answer) == 2, "the answer",
           "a tuple (p, q) of two exponents", repr(answer),
           "p for the constant under the step's root, q for the one under the gradient's")
    p = _number("the exponent p of c for ε under the step's root", answer[0], 2)
    q = _number("the exponent q of c for ε under the gradient's root", answer[1], -2)
    if np.isclose(p, 1) or np.isclose(abs(q), 1):
        fail("the exponents (p, q)", (2, -2), (p, q),
             "ε is added to running averages of squares (of steps, of gradients), not to RMS values")
    if np.isclose(q, 2):
        fail("the exponent q of c for ε under the gradient's root", -2, q,
             "in units c times smaller the gradient is g/c, so its squares are c² times smaller")
    if np.isclose(p, -2):
        fail("the exponent p of c for ε under the step's root", 2, p,
             "the steps are c times longer in the new units, their squares c² times larger")
    expect_close("the exponent p", p, 2.0, hint="u holds squared steps: it scales like c²")
    expect_close("the exponent q", q, -2.0, hint="v holds squared gradients: it scales like 1/c²")
    return ("ε_Δ has the units of θ² and ε_g those of g²: each must follow what it is added to. "
            "torch and Keras share one ε, which cannot do both.")


def _adadelta_first(g, lr, rho, eps):
    from ..optim import Adadelta
    x = np.zeros_like(g)
    Adadelta([x], lr=lr, rho=rho, eps=eps).step([g.copy()])
    return x


@exercise("Adadelta's first step")
def check_adadelta_first_step(first_step):
    rng = np.random.default_rng(9)
    for lr, rho, eps in ((1.0, 0.9, 1e-6), (1e-3, 0.95, 1e-7), (0.5, 0.5, 1e-2)):
        g = rng.standard_normal(8) * 10.0 ** rng.uniform(-6, 2, 8)
        got = np.asarray(call(first_step, g.copy(), lr, rho, eps), dtype=float)
        want = _adadelta_first(g, lr, rho, eps)
        expect(got.shape == want.shape, "the shape of the first step", want.shape, got.shape)
        if np.allclose(got, -want, rtol=1e-9, atol=0):
            fail(f"the first step (lr={lr}, rho={rho}, eps={eps})", _fmt(want), _fmt(got),
                 "the parameters move against the gradient: θ1 - θ0 = -lr·Δx1")
        approx = -lr * np.sqrt(eps / (1 - rho)) * np.sign(g)
        if np.allclose(got, approx, rtol=1e-9, atol=0):
            fail(f"the first step (lr={lr}, rho={rho}, eps={eps})", _fmt(want), _fmt(got),
                 "√(ε/(1-ρ))·sign(g) is only the approximation for |g| ≫ √ε: keep ε in the denominator")
        expect(np.allclose(got, want, rtol=1e-9, atol=1e-300),
               f"the first step θ1 - θ0 for g = {_fmt(g)} (lr={lr}, rho={rho}, eps={eps})",
               _fmt(want), _fmt(got),
               "u0 = 0, so Δx1 = √ε / √((1-ρ)g² + ε) · g; then θ1 = θ0 - lr·Δx1")
    return "Δθ1 = -lr·√ε·g/√((1-ρ)g² + ε): ε alone sets its size, the gradient only its sign (when |g| ≫ √ε)."


@exercise("Porting from torch to Keras")
def check_adadelta_keras_lr(answer):
    expected = math.sqrt((1e-6 / 0.1) / (1e-7 / 0.05))
    answer = _number("Keras's learning_rate matching torch's first step", answer, expected)
    if np.isclose(answer, 1.0):
        fail("Keras's learning_rate matching torch's first step", expected, answer,
             "lr = 1 is torch's; Keras's ε and ρ change the first step √(ε/(1-ρ)) too")
    if np.isclose(answer, 5.0) or np.isclose(answer, 0.2) or np.isclose(answer, 1 / expected):
        fail("Keras's learning_rate matching torch's first step", expected, answer,
             "the first step is lr·√(ε/(1-ρ)): take the square root of the ratio, torch's over Keras's")
    expect_close("Keras's learning_rate matching torch's first step", answer, expected, rtol=1e-4,
                 hint="solve lr·√(1e-7/0.05) = √(1e-6/0.1)")
    return "√5 ≈ 2.24: the first steps agree; later ones differ because ρ = 0.95 keeps a longer memory."


def _rescaled_run(hyper, c=1000.0, steps=1000):
    from ..optim import Adadelta
    from ..problems import QUADRATIC as Q
    x = c * np.array(Q.start)
    f0 = Q.value(x / c)
    opt = Adadelta([x], **hyper)
    with np.errstate(all="ignore"):
        for _ in range(steps):
            opt.step([Q.grad(x / c) / c])
            if not np.all(np.isfinite(x)):
                return f0, float("inf")
    return f0, float(Q.value(x / c))


@exercise("Adadelta in other units")
def check_adadelta_rescaled(hyper):
    expect(isinstance(hyper, dict), "the answer", "a dict of hyperparameters, e.g. dict(lr=..., eps=...)",
           f"{type(hyper).__name__} {hyper!r}")
    unknown = sorted(set(hyper) - {"lr", "rho", "eps"})
    expect(not unknown, "the hyperparameters", "only lr, rho and eps", unknown)
    try:
        f0, f = _rescaled_run(dict(hyper))
    except (TypeError, ValueError) as e:
        fail("the hyperparameters", "values Adadelta accepts", repr(hyper), str(e))
    expect(f <= 1e-2 * f0, "the loss after 1000 steps in units 1000 times smaller",
           f"at most {1e-2 * f0:.4g} (1e-2 of the start, {f0:.4g})", f"{f:.4g}",
           "the defaults step √(ε/(1-ρ)) ≈ 0.003 towards a minimum 5000 away, and the gradients are "
           "1000 times smaller: ε has units, and so does the learning rate")
    return f"your setting brings the loss from {f0:.4g} to {f:.3g} in 1000 steps."
