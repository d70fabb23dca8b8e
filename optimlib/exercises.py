"""The automatic checks behind the book's exercises.

Every exercise has a learner cell that ends in a check, with ``...`` as the placeholder::

    answer = ...            # replace ... with your answer
    check_zero_loss(answer)

A check answers in one of three ways:

- the answer is still ``...`` (or ``None``, or a function whose body is still ``...``): it prints
  "not attempted yet", so a notebook run top to bottom never fails on an exercise left undone;
- the answer is wrong: it raises ``AssertionError`` saying what was expected, what was got and a
  hint (never just "assert failed");
- the answer is right: it prints a line starting with ✓.

A check returns nothing (a notebook cell that ends with it shows only the printed line).

Writing a check for a new chapter takes the same three pieces (this module's own checks are the
examples)::

    @exercise("Zero weights")                    # the title the check prints
    def check_zero_loss(answer):
        expect_close("the loss at W = 0, b = 0", answer, np.log(10), rtol=1e-4,
                     hint="every class gets probability 1/10")
        return "the loss of a classifier that knows nothing is log 10"   # printed after ✓

- :func:`exercise` turns a function of the learner's answer into a check with the behaviour above;
- :func:`expect_close` / :func:`expect` / :func:`fail` raise the explanatory ``AssertionError``;
- :func:`call` calls a learner's function and reports "not attempted yet" if it returns ``...``
  or ``None`` (a ``def`` whose body is still the placeholder).

Checks of later chapters live next to these, grouped under a comment naming their chapter.
"""
from __future__ import annotations

import functools
import math
import textwrap

import numpy as np

__all__ = ["exercise", "expect", "expect_close", "fail", "call", "NotAttempted",
           # Preface
           "check_condition_number", "check_update", "check_n_params",
           # 1 Premise
           "check_zero_loss", "check_cross_entropy", "check_rosenbrock_kappa",
           # 2 Random search
           "check_attempts_for_confidence", "check_one_fifth_step", "check_records",
           # 3 Gradients
           "check_gradient_bug", "check_l2_gradient", "check_best_h_float32"]


# -- the shared pattern ----------------------------------------------------------------------
class NotAttempted(Exception):
    """Raised inside a check when the answer is still the placeholder."""


def _placeholder(x) -> bool:
    return x is ... or x is None


def exercise(title: str):
    """Decorator: make ``check(answer, ...)`` an exercise check titled ``title``.

    The wrapped function raises ``AssertionError`` (through :func:`expect_close` etc.) when the
    answer is wrong and may return a short remark, printed after the ✓ when it is right.
    """
    def decorate(check):
        @functools.wraps(check)
        def wrapper(answer, *args, **kwargs):
            try:
                if _placeholder(answer):
                    raise NotAttempted
                remark = check(answer, *args, **kwargs)
            except NotAttempted:
                print(f"{title}: not attempted yet.\n(Replace the ... with your answer, then run the cell again.)")
                return
            print(f"✓ {title}: correct.")
            if remark:
                print(textwrap.fill(str(remark), width=78))
        return wrapper
    return decorate


def fail(what: str, expected, got, hint: str = ""):
    """Raise the ``AssertionError`` every check uses: what, expected, got, and a hint."""
    msg = f"{what}\n  expected: {expected}\n  got:      {got}"
    if hint:
        msg += f"\n  hint: {hint}"
    raise AssertionError(msg)


def expect(condition: bool, what: str, expected, got, hint: str = "") -> None:
    """:func:`fail` unless ``condition``."""
    if not condition:
        fail(what, expected, got, hint)


def _fmt(a) -> str:
    a = np.asarray(a)
    if a.ndim == 0:
        return f"{float(a):.6g}"
    return np.array2string(a, precision=6, threshold=8, max_line_width=100)


def expect_close(what: str, got, expected, *, rtol: float = 1e-6, atol: float = 0.0, hint: str = "") -> None:
    """Fail unless ``got`` is a number (or array) of the expected shape close to ``expected``."""
    if _placeholder(got):
        raise NotAttempted
    try:
        g = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        fail(what, f"a number or array like {_fmt(expected)}", f"{type(got).__name__} {got!r}", hint)
    e = np.asarray(expected, dtype=float)
    if g.shape != e.shape:
        fail(what + " (wrong shape)", f"shape {e.shape}", f"shape {g.shape}", hint)
    if not np.all(np.isfinite(g)):
        fail(what, _fmt(e), _fmt(g) + " (not finite: an overflow or a division by zero?)", hint)
    if not np.allclose(g, e, rtol=rtol, atol=atol):
        tol = f"relative tolerance {rtol:g}" + (f", absolute {atol:g}" if atol else "")
        fail(what, f"{_fmt(e)} (to {tol})", _fmt(g), hint)


def call(func, *args, **kwargs):
    """Call a learner's function; a result of ``...`` or ``None`` means not attempted yet."""
    if not callable(func):
        raise AssertionError(f"expected a function, got {type(func).__name__} {func!r}")
    out = func(*args, **kwargs)
    if _placeholder(out):
        raise NotAttempted
    return out


# -- Preface ------------------------------------------------------------------------------------
@exercise("Condition number of the quadratic")
def check_condition_number(answer):
    from .problems import QUADRATIC
    expect_close("κ = L / μ for f(x) = 0.1 x1² + 2 x2²", answer, QUADRATIC.kappa, rtol=1e-9,
                 hint="the Hessian is diag(2 · 0.1, 2 · 2); L is its largest eigenvalue, μ its smallest")
    return "L = 4 and μ = 0.2: the valley curves 20 times more sharply across than along."


@exercise("One step by hand")
def check_update(answer):
    theta, g, lr = np.array([1.0, -2.0]), np.array([0.5, -4.0]), 0.1
    expected = theta - lr * g
    if np.allclose(np.asarray(answer, float), theta + lr * g):
        fail("θ₁ = θ₀ − η g₀", _fmt(expected), _fmt(answer), "you stepped up the gradient: the step goes against it")
    expect_close("θ₁ = θ₀ − η g₀", answer, expected, hint="subtract η times the gradient, coordinate by coordinate")


@exercise("How many parameters?")
def check_n_params(answer):
    if answer == 64 * 10:
        fail("parameters of the linear classifier on 8x8 digits", 650, answer,
             "you counted the weights W; the 10 biases b are parameters too")
    expect(isinstance(answer, (int, np.integer)) and answer == 650,
           "parameters of the linear classifier on 8x8 digits", 650, answer,
           "W maps 64 pixels to 10 scores (64 x 10 numbers), and each score has a bias")
    return "θ has 650 coordinates: each attempt of a search, and each gradient, lives in ℝ⁶⁵⁰."


# -- 1 Premise ----------------------------------------------------------------------------------
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
    from .linear import log_softmax
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


# -- 2 Random search -----------------------------------------------------------------------------
@exercise("Attempts for 99% confidence")
def check_attempts_for_confidence(attempts_for_confidence):
    from .search import hit_probability
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
    from .data import load_digits
    from .linear import SoftmaxLinear
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


# -- 3 Gradients ---------------------------------------------------------------------------------
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
    from .data import load_digits
    from .gradients import numerical_gradient
    from .linear import SoftmaxLinear
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


# -- 4 Gradient descent ------------------------------------------------------------------------
__all__ += ["check_gd_optimal", "check_gd_steps", "check_max_stable_lr", "check_gd_sum_loss"]


def _number(what: str, x, expected) -> float:
    """``x`` as a float, or the usual failure (expected vs got) when it is not one number."""
    if _placeholder(x):
        raise NotAttempted
    try:
        return float(np.asarray(x, dtype=float).item())
    except (TypeError, ValueError):
        fail(what, f"one number, like {_fmt(expected)}", f"{type(x).__name__} {x!r}")


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


@exercise("The largest stable step for any quadratic")
def check_max_stable_lr(max_stable_lr):
    rng = np.random.default_rng(5)
    for n in (1, 2, 5, 20):
        Qm, _ = np.linalg.qr(rng.standard_normal((n, n)))
        lam = np.exp(rng.uniform(-2, 3, n))
        H = (Qm * lam) @ Qm.T
        H = (H + H.T) / 2
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


# -- 5 Stochastic gradient descent -------------------------------------------------------------
__all__ += ["check_sgd_fpc", "check_sgd_floor", "check_noise_scale"]


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


# -- 6 Momentum --------------------------------------------------------------------------------
__all__ += ["check_polyak", "check_momentum_edge", "check_momentum_effective_lr", "check_to_velocity"]


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
    answer = _number("the largest stable lr with momentum 0.9 on the quadratic (L = 4)", answer, expected)
    if np.isclose(float(answer), 0.5):
        fail("the largest stable lr with momentum 0.9 on the quadratic (L = 4)", expected, answer,
             "2/L is the edge of plain gradient descent; momentum moves it to (2 + 2β)/L")
    expect_close("the largest stable lr with momentum 0.9 on the quadratic (L = 4)", answer, expected,
                 rtol=1e-6, hint="stable iff 0 < ηλ < 2 + 2β for every curvature λ; the largest is L = 4")
    return ("0.95: momentum almost doubles the stable step. But a stable step is not a fast one: near this edge "
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
    from .optim.momentum_forms import VelocitySGD
    from .optim.sgd import SGD
    from .problems import ROSENBROCK as R
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
