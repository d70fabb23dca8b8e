"""The exercise checks of chapter 13, the modern frontier."""
from __future__ import annotations

import numpy as np

from . import exercise, expect, expect_close, fail, call, _fmt, _number, NotAttempted, _placeholder

__all__ = ["check_quintic_newton_schulz", "check_state_memory", "check_orthogonaliser_design"]

TORCH_NS = (3.4445, -4.7750, 2.0315)


def _triple(what, x, expected):
    if _placeholder(x):
        raise NotAttempted
    try:
        a = np.asarray(x, dtype=float)
    except (TypeError, ValueError):
        fail(what, f"three numbers like {_fmt(np.asarray(expected))}", f"{type(x).__name__} {x!r}")
    if a.shape != (3,):
        fail(what, "three numbers (a, b, c)", f"shape {a.shape}")
    return a


@exercise("The quintic Newton–Schulz iteration (a derivation)")
def check_quintic_newton_schulz(coefficients):
    want = np.array([15 / 8, -10 / 8, 3 / 8])
    got = _triple("(a, b, c)", coefficients, want)
    if np.allclose(got, TORCH_NS, rtol=1e-3):
        fail("(a, b, c) with p(1) = 1, p'(1) = 0, p''(1) = 0", _fmt(want), _fmt(got),
             "those are torch's coefficients: they buy a steep slope at 0 and give up p(1) = 1 "
             "(their p(1) is 0.701); solve the three conditions instead")
    if np.allclose(got, [1.5, -0.5, 0.0]):
        fail("(a, b, c)", _fmt(want), _fmt(got), "that is the cubic (c = 0): with a third "
             "coefficient you can also ask for p''(1) = 0")
    p1 = got.sum()
    d1 = got @ [1, 3, 5]
    d2 = got @ [0, 6, 20]
    expect_close("(a, b, c)", got, want, rtol=1e-6,
                 hint=f"your p has p(1) = {p1:.4g}, p'(1) = {d1:.4g}, p''(1) = {d2:.4g}; the "
                      "conditions are a + b + c = 1, a + 3b + 5c = 0, 6b + 20c = 0")
    return ("(15/8, -5/4, 3/8): p(σ) = 1 + O((σ - 1)³) near 1, so the error is cubed each step; "
            "its slope at 0 is 15/8, faster than the cubic's 3/2 but far below torch's 3.4445.")


@exercise("Optimizer memory for one matrix")
def check_state_memory(answer):
    n, m = 4096, 1024
    want = {"adamw": 2 * n * m, "lion": n * m, "adafactor": n + m}
    if _placeholder(answer):
        raise NotAttempted
    expect(isinstance(answer, dict) and set(answer) == set(want), "the answer",
           "a dict with the keys 'adamw', 'lion', 'adafactor'", repr(answer)[:80])
    for name, w in want.items():
        got = _number(f"answer[{name!r}]", answer[name], w)
        if name == "adafactor" and got == n * m:
            fail("Adafactor's floats", _fmt(w), _fmt(got),
                 "Adafactor keeps no n x m second moment: only its row and column factors")
        if name == "adamw" and got == n * m:
            fail("AdamW's floats", _fmt(w), _fmt(got), "AdamW keeps two buffers, m and v")
        expect_close(f"floats of state kept by {name} for a {n} x {m} matrix", got, w, rtol=0,
                     hint="count the arrays in each optimizer's state and their shapes "
                          "(leave out the step counter)")
    return (f"AdamW {2 * n * m:,}, Lion {n * m:,} (one buffer), Adafactor {n + m:,}: "
            f"{2 * n * m / (n + m):.0f} times less than AdamW.")


def _apply(steps, sigma):
    s = np.array(sigma, dtype=float)
    with np.errstate(over="ignore", invalid="ignore"):
        for a, b, c in steps:
            s = a * s + b * s ** 3 + c * s ** 5
    return s


@exercise("An orthogonaliser of your own (open-ended)")
def check_orthogonaliser_design(design):
    out = call(design)
    try:
        steps = [tuple(float(v) for v in abc) for abc in out]
    except (TypeError, ValueError):
        fail("design()", "a list of (a, b, c) triples, one per step", repr(out)[:80])
    expect(1 <= len(steps) <= 8 and all(len(s) == 3 for s in steps), "design()",
           "1 to 8 triples (a, b, c)", f"{len(steps)} steps: {repr(out)[:80]}")
    sigma = np.geomspace(1e-3, 1.0, 20001)
    end = _apply(steps, sigma)
    bad = ~((end >= 0.5) & (end <= 1.5))
    if bad.any():
        worst = sigma[bad][np.argmax(np.abs(end[bad] - 1))]
        low = sigma[bad].min()
        fail("every σ in [1e-3, 1] after your steps", "a value in [0.5, 1.5]",
             f"σ = {worst:.3g} goes to {_apply(steps, [worst])[0]:.3g} "
             f"(the smallest σ that fails: {low:.3g})",
             "small singular values grow by the slope a per step; the product of your a's "
             "must bring 1e-3 up to 0.5, and the polynomials must not overshoot 1.5 on the way")
    # and on a real matrix: singular values of the result, not just the scalar map
    rng = np.random.default_rng(0)
    U, _ = np.linalg.qr(rng.standard_normal((40, 20)))
    V, _ = np.linalg.qr(rng.standard_normal((20, 20)))
    G = (U * np.geomspace(1.0, 2e-3, 20)) @ V.T * 7.0
    X = G / np.linalg.norm(G)
    for a, b, c in steps:
        A = X.T @ X
        X = a * X + X @ (b * A + c * A @ A)
    sv = np.linalg.svd(X, compute_uv=False)
    expect(sv.min() >= 0.5 - 1e-9 and sv.max() <= 1.5 + 1e-9,
           "the singular values of your iteration applied to a 40 x 20 matrix with condition "
           "number 500", "all in [0.5, 1.5]", f"[{sv.min():.3g}, {sv.max():.3g}]",
           "the check divides the matrix by its Frobenius norm, as Muon does, so its singular "
           "values lie in [1e-3, 1]: a failure here after the scalar check passed comes from "
           "rounding; keep the coefficients moderate")
    return (f"{len(steps)} steps send [1e-3, 1] into [{end.min():.3f}, {end.max():.3f}]. "
            "Fewer steps need a steeper start (the product of the a's), which makes the "
            "polynomials oscillate more around 1.")
