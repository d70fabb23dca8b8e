"""The exercise checks of chapter 3, gradients."""
from __future__ import annotations

import math

import numpy as np

from . import exercise, expect, expect_close, fail, call, _fmt, _number

__all__ = ['check_gradient_bug', 'check_l2_gradient', 'check_best_h_float32', 'check_gradient_checker']


@exercise("Find the buggy gradient")
def check_gradient_bug(answer):
    expect(isinstance(answer, str) and answer.strip().lower() in "abc" and len(answer.strip()) == 1,
           "the letter of the wrong gradient", "one of 'a', 'b', 'c'", repr(answer))
    expect(answer.strip().lower() == "b", "the letter of the wrong gradient",
           "the one whose whole-vector relative error is far above 1e-7", repr(answer),
           "at a random θ, compare each candidate(θ) with numerical_gradient(model.loss, θ.copy()) by "
           "normwise_error: a correct gradient agrees to about 1e-9 (per-coordinate relative_error is "
           "larger, ~1e-5, even for a correct gradient, because of round-off on tiny coordinates)")
    return "(b) uses P instead of P − Y for the bias: only 10 of 650 coordinates are wrong, and the check sees them."


@exercise("The gradient of an L2 penalty")
def check_l2_gradient(loss_grad_l2, lam: float = 0.1):
    from ..data import load_digits
    from ..gradients import numerical_gradient
    from ..softmax_regression import SoftmaxLinear
    d = load_digits()
    model = SoftmaxLinear(d.X_train[:50], d.y_train[:50])
    theta = model.init(np.random.default_rng(1), scale=0.1)
    W, b = model.unpack(theta)
    b[...] = np.random.default_rng(2).standard_normal(b.shape)   # non-zero biases: a penalty on them would show
    out = call(loss_grad_l2, model, theta.copy(), lam)
    expect(isinstance(out, tuple) and len(out) == 2, "loss_grad_l2(model, theta, lam)", "a tuple (loss, grad)",
           f"{type(out).__name__}", "return loss, grad")
    loss, grad = out
    exp_loss = model.loss(theta) + lam / 2 * np.sum(W ** 2)
    expect_close("the regularised loss", loss, exp_loss, rtol=1e-9,
                 hint="L(θ) + (λ/2) Σ W²: the biases are not penalised")

    def f(t):
        Wt, _ = model.unpack(t)
        return model.loss(t) + lam / 2 * np.sum(Wt ** 2)

    num = numerical_gradient(f, theta.copy())
    grad = np.asarray(grad, dtype=float)
    expect(grad.shape == num.shape, "the gradient's shape", num.shape, grad.shape, "one entry per parameter: 650")
    err = float(np.linalg.norm(grad - num) / (np.linalg.norm(grad) + np.linalg.norm(num)))
    expect(err < 1e-7, "relative error ‖g − g_num‖ / (‖g‖ + ‖g_num‖) of your gradient", "< 1e-7", f"{err:.2e}",
           "the penalty adds λ W to dL/dW and nothing to dL/db")
    return f"relative error {err:.1e}."


@exercise("The best step in single precision")
def check_best_h_float32(answer):
    eps32 = float(np.finfo(np.float32).eps)
    try:
        h = float(answer)
    except (TypeError, ValueError):
        fail("the best h for a forward difference in float32", f"about {eps32 ** 0.5:.1e}", repr(answer))
    expect(h > 0 and abs(math.log10(h / eps32 ** 0.5)) <= 1, "the best h for a forward difference in float32",
           f"within a factor 10 of √ε₃₂ = {eps32 ** 0.5:.1e}", f"{h:.1e}",
           "the same balance as in float64, with the float32 machine epsilon "
           "np.finfo(np.float32).eps ≈ 1.2e-7")
    return f"√ε₃₂ ≈ {eps32 ** 0.5:.1e}: in single precision a forward difference keeps only 3 to 4 correct digits."


@exercise("A gradient checker of your own")
def check_gradient_checker(grad_is_correct):
    rng = np.random.default_rng(31)
    A = rng.standard_normal((6, 6))
    f = lambda x: float(np.sum(np.log1p(np.exp(A @ x))) + 0.5 * x @ x)
    right = lambda x: A.T @ (1 / (1 + np.exp(-(A @ x)))) + x
    cases = {
        "the right gradient": (right, True),
        "a sign flipped in one coordinate": (lambda x: right(x) * np.r_[1, 1, -1, 1, 1, 1], False),
        "the regulariser's term forgotten": (lambda x: right(x) - x, False),
        "twice the gradient": (lambda x: 2 * right(x), False),
        "a tiny bias of 1e-4 on one coordinate": (lambda x: right(x) + 1e-4 * np.eye(6)[0], False),
    }
    for name, (grad, truth) in cases.items():
        theta = rng.standard_normal(6)
        verdict = call(grad_is_correct, f, grad, theta.copy())
        expect(bool(verdict) == truth and isinstance(verdict, (bool, np.bool_)),
               f"grad_is_correct for {name}", truth, verdict,
               "compare with central differences (h ≈ 1e-5) by the relative error of the whole vector; "
               "a right gradient gives ~1e-10, a wrong one far more")
    return ("Central differences with a threshold near 1e-7 (float64, a smooth function) catch all four bugs, even the "
            "1e-4 bias that a looser threshold of 1e-4 would let through.")
