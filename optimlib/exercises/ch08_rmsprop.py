"""The exercise checks of chapter 8, from Rprop to RMSprop."""
from __future__ import annotations

import numpy as np

from . import exercise, expect, expect_close, fail, call, _fmt, _number

__all__ = ['check_step_factor', 'check_alpha_for_window', 'check_rprop_cap_step', 'check_fool_rprop']


@exercise("RMSprop's step at step t")
def check_step_factor(step_factor):
    from ..optim.rmsprop import RMSprop
    t = np.arange(1, 501)
    for alpha in (0.5, 0.9, 0.99):
        w = np.zeros(1)
        opt = RMSprop([w], lr=1.0, alpha=alpha, eps=1e-12)
        measured = []
        for _ in t:
            before = w[0]
            opt.step([np.array([3.0])])
            measured.append(before - w[0])
        got = np.asarray(call(step_factor, t, alpha), dtype=float)
        expect(got.shape == t.shape, f"step_factor(t, {alpha}) for t = 1..500 (shape)", t.shape, got.shape,
               "compute it elementwise with NumPy, e.g. with alpha ** t")
        if np.allclose(got[:3], 1 / (1 - alpha ** t[:3]), rtol=1e-6):
            fail(f"step_factor(t, {alpha}) at t = 1, 2, 3", _fmt(np.array(measured[:3])), _fmt(got[:3]),
                 "the step divides by the square ROOT of v_t = (1 - α^t) g²")
        expect_close(f"step_factor(t, {alpha}) against RMSprop's steps / η for t = 1..500", got,
                     np.array(measured), rtol=1e-6,
                     hint="unroll v_t = α v_{t-1} + (1 - α) g² from v_0 = 0: a geometric sum")
    return ("1/√(1 - α^t): 1/√(1 - α) on the first step (10 for α = 0.99), then down to 1, "
            "a sign step of length η.")


@exercise("A window of 50 steps")
def check_alpha_for_window(answer):
    a = _number("alpha for an effective window of 50 steps", answer, 0.98)
    if np.isclose(a, 1 / 50) or np.isclose(a, 0.02):
        fail("alpha for an effective window of 50 steps", 0.98, a,
             "that is 1 - α, the weight of the newest gradient; α is the weight kept from the past")
    expect_close("alpha for an effective window of 50 steps", a, 0.98, rtol=1e-6,
                 hint="the window is N = 1/(1 - α): solve for α")
    return "α = 1 - 1/N = 0.98: the newest squared gradient gets weight 1/50, as in a plain 50-step average."


@exercise("How long until Rprop's steps are capped?")
def check_rprop_cap_step(answer):
    from ..optim.rprop import Rprop
    w = np.zeros(1)
    opt = Rprop([w], lr=0.01)
    t = 0
    while True:
        t += 1
        opt.step([np.ones(1)])
        if opt.state[0]["step_size"][0] == 50.0:
            break
    got = _number("the first step of size 50", answer, t)
    expect(float(got).is_integer(), "the first step of size 50", "an integer step number", got)
    if got == t - 1:
        fail("the first step of size 50", t, int(got),
             "the first step uses Δ_0 = lr unchanged: step t uses lr · 1.2^(t-1)")
    expect(got == t, "the first step of size 50 (1-based)", t, int(got),
           "find the smallest t with 0.01 · 1.2^(t-1) >= 50")
    return f"step {t}: the step sizes grow geometrically, 5000-fold in {t - 1} growths."


@exercise("Fool Rprop, not RMSprop")
def check_fool_rprop(gradients):
    from ..optim.rmsprop import RMSprop
    from ..optim.rprop import Rprop
    try:
        a = np.asarray(gradients, dtype=float)
    except (TypeError, ValueError):
        fail("the gradients", "a list of numbers", f"{type(gradients).__name__} {gradients!r}")
    expect(a.ndim == 1 and 2 <= a.size <= 100, "the gradients", "a flat list of 2 to 100 numbers",
           f"shape {a.shape}")
    expect(bool(np.all(np.isfinite(a))), "the gradients", "finite numbers", _fmt(a))
    mean = a.mean()
    expect(abs(mean) > 1e-9 * max(1.0, np.abs(a).max()), "the mean gradient", "not zero", f"{mean:.3g}",
           "with a zero mean no direction is right: tilt your design a little")
    moved = {}
    for name, make in (("Rprop", lambda p: Rprop(p)), ("RMSprop", lambda p: RMSprop(p, lr=1e-3))):
        w = np.zeros(1)
        opt = make([w])
        for _ in range(200):
            for g in a:
                opt.step([np.array([g])])
        moved[name] = w[0]
    right = -np.sign(mean)    # descent on the mean gradient
    expect(np.sign(moved["Rprop"]) == -right, "Rprop's net move after 200 cycles",
           f"the wrong way (sign {-right:+.0f}, up the mean gradient {mean:.3g})", f"{moved['Rprop']:+.4g}",
           "Rprop follows the majority of the signs: let most batches point one way, a few the other way strongly")
    expect(np.sign(moved["RMSprop"]) == right, "RMSprop's net move after 200 cycles",
           f"the right way (sign {right:+.0f}, down the mean gradient {mean:.3g})", f"{moved['RMSprop']:+.4g}",
           "RMSprop goes wrong too when v jumps within the cycle: make the rare gradients less extreme")
    return (f"mean gradient {mean:.3g}: Rprop moved {moved['Rprop']:+.3g} (the wrong way), "
            f"RMSprop {moved['RMSprop']:+.3g} (the right way).")
