"""The exercise checks of chapter 15, frameworks."""
from __future__ import annotations

import numpy as np

from . import exercise, expect, fail, call, _fmt, _number

__all__ = ["check_eps_hat", "check_keras_nadam_psi", "check_rmsprop_port", "check_buffer_rescale"]


@exercise("Keras's ε̂ as a torch ε")
def check_eps_hat(eps_t):
    for eps, beta2 in ((1e-7, 0.999), (1e-3, 0.99), (0.5, 0.9)):
        for t in (1, 2, 10, 1000):
            got = _number(f"eps_t({eps}, {beta2}, {t})", call(eps_t, eps, beta2, t), 0.0)
            want = eps / np.sqrt(1 - beta2 ** t)
            if not np.isclose(got, want, rtol=1e-9) and np.isclose(
                    got, eps * np.sqrt(1 - beta2 ** t), rtol=1e-9):
                fail(f"eps_t({eps}, {beta2}, {t})", _fmt(want), _fmt(got),
                     "torch divides the root by √(1-β₂ᵗ) before adding ε: Keras's ε must be "
                     "divided by it too, not multiplied")
            expect(np.isclose(got, want, rtol=1e-9), f"eps_t({eps}, {beta2}, {t})", _fmt(want),
                   _fmt(got), "write torch's denominator with the root's correction factored out")
    return "At t = 1 with β₂ = 0.999 Keras's ε acts as a torch ε 31.6 times larger; it fades to ε."


@exercise("The momentum decay of Keras's Nadam")
def check_keras_nadam_psi(psi):
    psi = _number("torch's momentum_decay ψ", psi, 1.0)
    if np.isclose(psi, 4e-3):
        fail("torch's momentum_decay ψ", 1.0, psi, "0.004 is torch's own default; Keras writes 0.96^t")
    expect(np.isclose(psi, 1.0, rtol=1e-12), "torch's momentum_decay ψ", 1.0, psi,
           "compare Keras's β₁(1 - ½·0.96ᵗ) with torch's β₁(1 - ½·0.96^(tψ))")
    return "Keras's warm-up is 250 times faster than torch's: μ_t ≈ β₁ within 100 steps."


def _reference_run(make, steps=100):
    from ..optim.framework_forms import KerasRMSprop
    rng = np.random.default_rng(15)
    A = rng.standard_normal((6, 6))
    A = A @ A.T / 6 + 0.2 * np.eye(6)
    noise = 0.3 * rng.standard_normal((steps, 6))
    x0 = rng.standard_normal(6)
    out = []
    for build in (make, lambda ps: KerasRMSprop(ps, lr=0.005, momentum=0.9)):
        x = x0.copy()
        opt = call(build, [x]) if build is make else build([x])
        for t in range(steps):
            opt.step([A @ x + noise[t]])
        out.append(x.copy())
    return out


@exercise("A port of Keras's RMSprop with momentum")
def check_rmsprop_port(make):
    from ..optim import Optimizer
    probe = call(make, [np.zeros(6)])
    expect(isinstance(probe, Optimizer), "make(params)", "an optimlib Optimizer",
           type(probe).__name__)
    ours, keras = _reference_run(make)
    d = float(np.max(np.abs(ours - keras)))
    expect(d <= 1e-12, "the largest difference from Keras's RMSprop(learning_rate=0.005, "
           "momentum=0.9) after 100 steps", "at most 1e-12", f"{d:.3g}",
           "Keras adds ε = 1e-7 under the root, averages with ρ = 0.9 and keeps lr in its velocity")
    return f"Your port reproduces Keras to {d:.1e} after 100 steps."


@exercise("Keras's velocity from torch's buffer under a schedule")
def check_buffer_rescale(rescale):
    from ..optim import SGD
    from ..optim.momentum_forms import VelocitySGD
    # a typical wrong answer first, with its own hint
    for old, new in ((0.05, 0.01), (0.01, 0.02)):
        got = _number(f"rescale({old}, {new})", call(rescale, old, new), old / new)
        if np.isclose(got, new / old, rtol=1e-9) and not np.isclose(new / old, old / new):
            fail(f"rescale({old}, {new})", _fmt(old / new), _fmt(got),
                 "inverted: after the change torch multiplies the buffer by the NEW rate, so the "
                 "buffer must carry old/new to keep the velocity's old-rate steps")
        if np.isclose(got, 1.0):
            fail(f"rescale({old}, {new})", _fmt(old / new), _fmt(got),
                 "1 is the naive torch form, whose past steps are re-priced at the new rate")
    rng = np.random.default_rng(151)
    A = rng.standard_normal((5, 5))
    A = A @ A.T / 5 + 0.1 * np.eye(5)
    noise = 0.2 * rng.standard_normal((100, 5))
    x0 = rng.standard_normal(5)
    schedule = [0.05] * 30 + [0.01] * 30 + [0.02] * 40      # a drop, then a rise
    xs, xv = x0.copy(), x0.copy()
    torch_form = SGD([xs], lr=schedule[0], momentum=0.9)
    velocity = VelocitySGD([xv], lr=schedule[0], momentum=0.9)
    for t, lr in enumerate(schedule):
        if t and lr != schedule[t - 1]:
            factor = _number(f"rescale({schedule[t - 1]}, {lr})", call(rescale, schedule[t - 1], lr),
                             schedule[t - 1] / lr)
            for st in torch_form.state:
                if "momentum_buffer" in st:
                    st["momentum_buffer"] *= factor
            torch_form.set_hyper(lr=lr)
            velocity.set_hyper(lr=lr)
        torch_form.step([A @ xs + noise[t]])
        velocity.step([A @ xv + noise[t]])
    d = float(np.max(np.abs(xs - xv)))
    expect(d <= 1e-12, "|torch form - velocity form| after 100 steps with two rate changes",
           "at most 1e-12", f"{d:.3g}",
           "ask what u_{t-1} = -η_{t-1} b_{t-1} needs so that u_t = -η_t b_t still holds")
    return (f"With the buffer rescaled by η_old/η_new at each change, torch's SGD follows Keras's "
            f"velocity to {d:.1e}.")
