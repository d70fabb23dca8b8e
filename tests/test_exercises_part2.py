"""The exercise checks of Part II (chapters 4-6): placeholder, right answer, typical wrong answers."""
import math

import numpy as np
import pytest

from optimlib import exercises as ex
from exercise_protocol import assert_follows_protocol


def max_lr_right(H):
    return 2.0 / np.linalg.eigvalsh(H)[-1]


def max_lr_one_over_L(H):
    return 1.0 / np.linalg.eigvalsh(H)[-1]


def max_lr_smallest(H):
    return 2.0 / np.linalg.eigvalsh(H)[0]


def noise_scale_right(G):
    g = G.mean(axis=0)
    return np.mean(np.sum((G - g) ** 2, axis=1)) / (g @ g)


def noise_scale_n_minus_1(G):
    g = G.mean(axis=0)
    return np.sum((G - g) ** 2) / (len(G) - 1) / (g @ g)


CASES = [  # check, a right answer, a wrong answer, a phrase of the wrong answer's message
    (ex.check_gd_optimal, (0.2, 0.8), (1 / 9, 8 / 9), "2/(L + μ)"),
    (ex.check_gd_steps, math.ceil(math.log(1e6) / math.log(1001 / 999)), 139, "ln(1/ρ)"),
    (ex.check_max_stable_lr, max_lr_right, max_lr_one_over_L, "1/L"),
    (ex.check_gd_sum_loss, 2 / 1438, 2 * 1438, "N times smaller"),
    (ex.check_sgd_fpc, 719 / 1437, 1.0, "(N - B)/(N - 1)"),
    (ex.check_sgd_floor, 0.1 * 4 / (4 * (2 - 0.4)), 0.1 * 4 / (2 * 4), "small-step"),
    (ex.check_noise_scale, noise_scale_right, noise_scale_n_minus_1, "not N - 1"),
    (ex.check_polyak, (0.25, 0.25), (0.25, 0.5), "square"),
    (ex.check_momentum_edge, 0.95, 0.5, "(2 + 2β)/L"),
    (ex.check_momentum_effective_lr, 0.01, 0.09, "g/(1 - β)"),
    (ex.check_to_velocity, lambda b, lr: -lr * b, lambda b, lr: lr * b, "sign"),
]


@pytest.mark.parametrize("check,right,wrong,phrase", CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_each_check(check, right, wrong, phrase, capsys):
    assert_follows_protocol(check, right, wrong, phrase, capsys)


def test_max_stable_lr_catches_the_smallest_eigenvalue():
    with pytest.raises(AssertionError, match="largest eigenvalue"):
        ex.check_max_stable_lr(max_lr_smallest)


def test_function_checks_treat_a_placeholder_body_as_not_attempted(capsys):
    def placeholder(*args):
        ...

    for check in (ex.check_max_stable_lr, ex.check_noise_scale, ex.check_to_velocity):
        check(placeholder)
        assert "not attempted yet" in capsys.readouterr().out


def test_to_velocity_rejects_a_velocity_that_diverges_from_torch():
    with pytest.raises(AssertionError, match="same point"):
        ex.check_to_velocity(lambda b, lr: -0.5 * lr * b)


# -- the derivation and open-ended exercises: any correct design passes, typical mistakes do not ---
def _find_threshold(run):
    lo, hi = 1e-4, 1e-4
    start = run(1e-12)
    while run(hi) < start:
        lo, hi = hi, 2 * hi
    for _ in range(30):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if run(mid) < start else (lo, mid)
    return (lo + hi) / 2


def _grid_threshold(run):            # another design: a fine grid from the top down
    start = run(1e-12)
    for lr in np.geomspace(10.0, 1e-3, 400):
        if run(lr) < start:
            return lr
    return 1e-3


def _two_batch_sizes(grad_of_batch, N, rng):
    small, big = 4, 256
    gs = np.mean([np.sum(grad_of_batch(rng.integers(N, size=small)) ** 2) for _ in range(200)])
    gb = np.mean([np.sum(grad_of_batch(rng.integers(N, size=big)) ** 2) for _ in range(20)])
    g2 = (big * gb - small * gs) / (big - small)
    return (gs - gb) / (1 / small - 1 / big) / g2


def _ignores_signal(grad_of_batch, N, rng):   # E|ĝ_32|² / |ḡ|²: neither subtracts the signal nor scales by B
    g = grad_of_batch(np.arange(N))
    return np.mean([np.sum(grad_of_batch(rng.integers(N, size=32)) ** 2) for _ in range(100)]) / (g @ g)


def _torch_nesterov(phi, buf, g, lr, beta):
    buf = beta * buf + g
    return phi - lr * (g + beta * buf), buf


def _heavy_ball_instead(phi, buf, g, lr, beta):
    buf = beta * buf + g
    return phi - lr * buf, buf


def _grid_tune(run):
    best = None
    for lr in np.geomspace(0.05, 0.8, 25):
        for mom in np.linspace(0, 0.95, 39):
            e = run(lr, mom, 300)
            if np.isfinite(e) and (best is None or e < best[0]):
                best = (e, lr, mom)
    return best[1], best[2]


NEW_CASES = [
    (ex.check_line_search_step, lambda H, th: (lambda g: (g @ g) / (g @ H @ g))(H @ th),
     lambda H, th: 1 / np.linalg.eigvalsh(H)[-1], "depends on the direction"),
    (ex.check_threshold_experiment, _find_threshold, lambda run: 1.0, "switch"),
    (ex.check_floor_formula, lambda lr, lam, s2, B: lr * s2 / (2 * B * (2 - lr * lam)),
     lambda lr, lam, s2, B: lr * s2 / (4 * B), "small-step"),
    (ex.check_noise_scale_estimate, _two_batch_sizes, _ignores_signal, "two batch sizes"),
    (ex.check_torch_nesterov, _torch_nesterov, _heavy_ball_instead, "heavy ball"),
    (ex.check_tune_heavy_ball, _grid_tune, lambda run: (0.3, 0.0), "larger β"),
]


@pytest.mark.parametrize("check,right,wrong,phrase", NEW_CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_each_new_check(check, right, wrong, phrase, capsys):
    assert_follows_protocol(check, right, wrong, phrase, capsys)


def test_the_threshold_experiment_accepts_another_design(capsys):
    ex.check_threshold_experiment(_grid_threshold)
    assert capsys.readouterr().out.startswith("✓ ")
