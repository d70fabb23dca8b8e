"""The exercise checks of chapter 1, the premise."""
from __future__ import annotations

import math

import numpy as np

from . import exercise, expect, expect_close, fail, call, _fmt, _number

__all__ = ['check_zero_loss', 'check_cross_entropy', 'check_rosenbrock_kappa', 'check_score_hessian', 'check_flat_direction']


@exercise("The loss of knowing nothing")
def check_zero_loss(answer):
    if isinstance(answer, (int, float, np.floating)) and (np.isclose(answer, 1.0) or np.isclose(answer, 0.1)):
        fail("the loss at W = 0, b = 0", f"{math.log(10):.6g}", answer,
             "the loss is the natural logarithm: −ln(1/10), not a probability or log10")
    expect_close("the loss at W = 0, b = 0", answer, math.log(10), rtol=1e-4,
                 hint="all scores are 0, so every class gets probability 1/10; the loss is −ln of that")
    return "Any classifier starting near W = 0 should report a loss near ln 10 ≈ 2.303: a sanity check."


@exercise("A stable cross-entropy")
def check_cross_entropy(cross_entropy):
    from ..softmax_regression import log_softmax
    cases = [(np.array([1.0, 2.0, 3.0]), 2), (np.array([0.0, 0.0, 0.0, 0.0]), 1),
             (np.array([1000.0, 1001.0, 999.0]), 0), (np.array([-1000.0, -1000.0]), 1),
             (np.array([50.0, -50.0, 800.0]), 1)]
    for z, y in cases:
        got = call(cross_entropy, z.copy(), y)
        expected = -log_softmax(z)[y]
        large = np.abs(z).max() > 700
        expect_close(f"cross_entropy({z.tolist()}, {y})", got, expected, rtol=1e-9, atol=1e-12,
                     hint=("exp(1000) overflows: subtract max(z) from the scores before exponentiating "
                           "and use −log p_y = log Σ exp(z_j − m) − (z_y − m)") if large
                     else "−log of softmax(z)[y], with softmax(z)_k = exp(z_k) / Σ_j exp(z_j)")
    return "It survives scores of ±1000, where exp overflows: that is the log-sum-exp trick."


@exercise("How ill-conditioned is Rosenbrock's valley?")
def check_rosenbrock_kappa(answer):
    H = np.array([[802.0, -400.0], [-400.0, 200.0]])   # Hessian at (1, 1)
    lam = np.linalg.eigvalsh(H)
    expect_close("κ of the Rosenbrock Hessian at its minimum (1, 1)", answer, lam[-1] / lam[0], rtol=1e-3,
                 hint="H = [[2 − 400(x2 − 3x1²), −400 x1], [−400 x1, 200]] at (1, 1); κ = λ_max / λ_min "
                      "(np.linalg.eigvalsh)")
    return f"κ ≈ {lam[-1] / lam[0]:.0f}, against 20 for the quadratic: the valley floor is nearly flat."


@exercise("The curvature of the cross-entropy (a derivation)")
def check_score_hessian(score_hessian):
    from ..gradients import numerical_hessian
    from ..softmax_regression import log_softmax
    rng = np.random.default_rng(11)
    for k in (2, 3, 10):
        z, y = rng.normal(0, 2, k), int(rng.integers(k))
        ell = lambda s: -log_softmax(s[None, :])[0, y]
        grad = lambda s: np.exp(log_softmax(s[None, :])[0]) - np.eye(k)[y]
        expected = numerical_hessian(grad, z)
        got = np.asarray(call(score_hessian, z.copy()), dtype=float)
        p = np.exp(log_softmax(z[None, :])[0])
        if got.shape == (k, k) and np.allclose(got, np.diag(p)):
            fail(f"the Hessian of ℓ(z, y) in z, {k} classes", _fmt(expected), _fmt(got),
                 "the off-diagonal terms: ∂p_i/∂z_j = p_i(δ_ij − p_j)")
        expect_close(f"the Hessian of ℓ(z, y) in z, {k} classes", got, expected, rtol=1e-5, atol=1e-7,
                     hint="∂ℓ/∂z = p − e_y; differentiate p once more")
    return "H = diag(p) − ppᵀ, independent of y and positive semidefinite: the proof of convexity in one line."


@exercise("Find a direction in which the loss is flat")
def check_flat_direction(d):
    from ..data import load_digits
    from ..softmax_regression import SoftmaxLinear
    data = load_digits()
    model = SoftmaxLinear(data.X_train[:200], data.y_train[:200])
    d = np.asarray(d, dtype=float)
    expect(d.shape == (model.size,), "the shape of your direction", (model.size,), d.shape, "a vector like θ: 650 numbers")
    expect(np.linalg.norm(d) > 1e-6, "the length of your direction", "not zero", f"{np.linalg.norm(d):.3g}",
           "the zero vector is flat trivially; find a real direction")
    rng = np.random.default_rng(13)
    for _ in range(3):
        theta = rng.normal(0, 0.3, model.size)
        base = model.loss(theta)
        for t in (-3.0, 0.5, 10.0):
            moved = model.loss(theta + t * d / np.linalg.norm(d))
            expect(abs(moved - base) < 1e-9 * max(1.0, base), f"the loss moved along your direction by t = {t}",
                   f"{base:.10g} (unchanged)", f"{moved:.10g}",
                   "which change of (W, b) adds the same number to every one of the ten scores?")
    return "Adding c to every column of W and one number to every b_k shifts all scores equally: the softmax cannot see it."
