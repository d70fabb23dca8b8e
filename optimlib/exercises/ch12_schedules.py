"""The exercise checks of chapter 12, learning-rate schedules."""
from __future__ import annotations

import math
import warnings

import numpy as np

from . import exercise, expect, expect_close, fail, call, _number

__all__ = ["check_one_over_t_constant", "check_warmup_by_sequential", "check_beat_constant"]


@exercise("The constant of the 1/t schedule")
def check_one_over_t_constant(C):
    for a, lam, sigma in ((2.0, 1.0, 1.0), (1.0, 4.0, 0.5), (0.3, 2.0, 3.0)):
        expected = a ** 2 * sigma ** 2 / (2 * a * lam - 1)
        what = f"C(a={a}, λ={lam}, σ={sigma})"
        got = _number(what, call(C, a, lam, sigma), expected)
        if np.isclose(got, a ** 2 * sigma ** 2 / (2 * a * lam)):
            fail(what, f"{expected:.6g}", f"{got:.6g}",
                 "close, but (1 - ηλ)² = 1 - 2ηλ + η²λ² and the step from C/t to C/(t + 1) also "
                 "contributes -C/t²: match the 1/t² terms, you should get 2aλ - 1 in the denominator")
        expect_close(what, got, expected, rtol=1e-9,
                     hint="put s_t = C/t into s_{t+1} = (1 - η_t λ)² s_t + η_t² σ² with η_t = a/t and "
                          "match the terms of order 1/t²")
    return ("C = a²σ²/(2aλ - 1): it needs aλ > 1/2, and blows up as aλ approaches 1/2. Below that "
            "the error decays only like t^(-2aλ), slower than 1/t: too small a constant in a/t is "
            "the classic way a Robbins-Monro schedule disappoints.")


@exercise("Warm-up into cosine, built from torch's pieces")
def check_warmup_by_sequential(schedule):
    from ..schedules import warmup_cosine
    if not callable(schedule):
        fail("your schedule", "a function f(t) (from sequential(...))", f"{type(schedule).__name__}")
    target = warmup_cosine(0.1, warmup_steps=10, total_steps=100, start_factor=0.1)
    for t in range(100):
        got = schedule(t)
        if got is ... or got is None:
            from . import NotAttempted
            raise NotAttempted
        want = target(t)
        if not (isinstance(got, (int, float, np.floating)) and math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-15)):
            hint = ("the cosine's clock restarts at the milestone, so it has T_max = 100 - 10 = 90 steps, "
                    "not 100" if t >= 10 else
                    "linear_lr(0.1, start_factor=0.1, end_factor=1.0, total_iters=10) reaches 0.1 at t = 10, "
                    "the milestone")
            fail(f"the lr at step t = {t}", f"{want:.6g}", f"{got!r}", hint)
    return ("sequential restarts each schedule's clock at its milestone: that is why torch users "
            "write T_max = total - warmup.")


def _digits_val_loss(schedule, epochs: int, seed: int) -> float:
    from ..data import load_digits
    from ..nn import build_mlp
    from ..train import fit
    d = load_digits(validation=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        h = fit(build_mlp((64, 64, 10), seed=seed), "sgd", (d.X_train, d.y_train, d.X_val, d.y_val),
                epochs, 32, seed=seed, progress=False, schedule=schedule, lr=0.1, momentum=0.9)
    return math.inf if h.diverged else h.test_loss[-1]  # the second pair passed is the validation split


@exercise("Beat the best constant step")
def check_beat_constant(schedule):
    """Any schedule whose 5-epoch validation loss (SGD, momentum 0.9, two seeds) is at least 10%
    below that of the best constant lr on the grid {0.03, 0.1, 0.3}."""
    if not callable(schedule):
        fail("your schedule", "a function f(t) returning the lr before step t", f"{type(schedule).__name__}")
    probe = schedule(0)
    if probe is ... or probe is None:
        from . import NotAttempted
        raise NotAttempted
    epochs, seeds = 5, (0, 1)
    baseline = min(np.mean([_digits_val_loss(lambda t, c=c: c, epochs, s) for s in seeds])
                   for c in (0.03, 0.1, 0.3))
    try:
        yours = float(np.mean([_digits_val_loss(schedule, epochs, s) for s in seeds]))
    except (TypeError, ValueError) as e:
        fail("training with your schedule", "a finite lr >= 0 at every step", f"an error: {e}")
    expect(yours <= 0.9 * baseline, "validation loss after 5 epochs (mean of 2 seeds)",
           f"<= {0.9 * baseline:.4f} (90% of the best constant lr's {baseline:.4f})", f"{yours:.4f}",
           "decay: a constant step ends at its noise floor. Try a larger peak lr than the best "
           "constant one, annealed to (nearly) 0 by the last of the 5 x 36 steps")
    return f"your schedule: {yours:.4f}, the best constant lr: {baseline:.4f}."
