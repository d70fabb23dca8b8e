"""Lion equals the paper's Program 1 step for step; every coordinate moves by exactly lr."""
from __future__ import annotations

import inspect
import re

import numpy as np
import pytest

from optimlib import optim


def raises(exc, *fragments):
    return pytest.raises(exc, match=".*".join(re.escape(f) for f in fragments))


def program_1(weight, gradient, momentum, lr, beta1, beta2, lam):
    """Program 1 of Chen et al. (2023), line by line (``interp(a, b, beta)`` is
    ``beta * b + (1 - beta) * a``): returns the update to subtract and the new momentum."""
    def interp(a, b, beta):
        return beta * b + (1 - beta) * a
    update = interp(gradient, momentum, beta1)
    update = np.sign(update)
    momentum = interp(gradient, momentum, beta2)
    weight_decay = weight * lam
    update = update + weight_decay
    update = update * lr
    return update, momentum


def gradient(p, t):
    """Parameter-dependent, so that a wrong step sends the run elsewhere."""
    return 0.8 * p - 0.5 + 0.3 * np.cos(t + np.arange(p.size).reshape(p.shape))


@pytest.mark.parametrize("hyper", [{}, dict(lr=0.03), dict(lr=0.02, betas=(0.5, 0.9)),
                                   dict(lr=0.01, weight_decay=0.3),
                                   dict(lr=0.02, betas=(0.95, 0.98), weight_decay=1.0)])
def test_equals_the_papers_program_step_for_step(hyper):
    rng = np.random.default_rng(1)
    params = [rng.standard_normal(s) for s in [(), (7,), (4, 3)]]
    ref_w = [p.copy() for p in params]
    ref_m = [np.zeros_like(p) for p in params]
    opt = optim.Lion(params, **hyper)
    lr, (b1, b2), lam = opt.hyper["lr"], opt.hyper["betas"], opt.hyper["weight_decay"]
    for t in range(1, 101):
        opt.step([gradient(p, t) for p in params])
        for k in range(len(params)):
            update, ref_m[k] = program_1(ref_w[k], gradient(ref_w[k], t), ref_m[k], lr, b1, b2, lam)
            ref_w[k] = ref_w[k] - update
        for p, w, m, s in zip(params, ref_w, ref_m, opt.state):
            # the paper writes w - lr * (sign + lam * w); optimlib w * (1 - lr * lam) - lr * sign
            np.testing.assert_allclose(p, w, rtol=0, atol=1e-13)
            np.testing.assert_allclose(s["exp_avg"], m, rtol=0, atol=1e-14)


def test_every_coordinate_moves_by_exactly_lr():
    rng = np.random.default_rng(2)
    p = rng.standard_normal((5, 6))
    opt = optim.Lion([p], lr=1e-3)
    for t in range(20):
        before = p.copy()
        g = rng.standard_normal(p.shape) * 10.0 ** rng.uniform(-6, 3, p.shape)  # any scale
        opt.step([g])
        np.testing.assert_allclose(np.abs(p - before), 1e-3, rtol=1e-12)  # |p| ~ 1: round-off
    # with decay: lr * (1 + lam p) against the sign, from the weights before the step
    opt = optim.Lion([p], lr=1e-3, weight_decay=0.5)
    before, g = p.copy(), rng.standard_normal(p.shape)
    opt.step([g])                    # first step: m = 0, so c = (1 - beta1) g has g's sign
    np.testing.assert_allclose(p - before, -1e-3 * (np.sign(g) + 0.5 * before), rtol=0,
                               atol=1e-15)


def test_a_coordinate_with_zero_direction_does_not_move():
    p = np.array([1.0, 2.0, 3.0])
    opt = optim.Lion([p], lr=0.1)
    opt.step([np.array([0.0, 1.0, -1.0])])
    np.testing.assert_array_equal(p, [1.0, 1.9, 3.1])


def test_one_buffer_of_the_parameters_size():
    p = np.zeros((8, 4))
    opt = optim.Lion([p])
    opt.step([np.ones_like(p)])
    assert list(opt.state[0]) == ["exp_avg"] and opt.state[0]["exp_avg"].shape == p.shape


def test_updates_in_place_and_float32():
    p = np.ones((3, 2), dtype=np.float32)
    opt = optim.Lion([p], lr=0.5)
    opt.step([np.ones_like(p)])
    assert opt.params[0] is p and p.dtype == np.float32 and np.all(p == 0.5)
    assert opt.state[0]["exp_avg"].dtype == np.float32


def test_defaults_are_the_papers():
    assert optim.Lion.defaults == dict(lr=1e-4, betas=(0.9, 0.99), weight_decay=0.0)
    assert str(inspect.signature(optim.Lion)) == (
        "(params, *, lr=0.0001, betas=(0.9, 0.99), weight_decay=0.0, fused=False)")


def test_effective_lr():
    p = np.zeros(3)
    opt = optim.Lion([p], lr=0.2)
    with raises(ValueError, "has taken no step yet"):
        opt.effective_lr()
    opt.step([np.ones(3)])
    np.testing.assert_array_equal(opt.effective_lr()[0], [0.2, 0.2, 0.2])


@pytest.mark.parametrize("hyper, exc, message", [
    (dict(lr=-1e-4), ValueError, "lr must lie in [0.0, inf)"),
    (dict(betas=(1.0, 0.99)), ValueError, "betas[0] must lie in [0.0, 1.0)"),
    (dict(betas=(0.9, -0.1)), ValueError, "betas[1] must lie in [0.0, 1.0)"),
    (dict(betas=0.9), TypeError, "betas must be a pair"),
    (dict(weight_decay=-0.1), ValueError, "weight_decay must lie in [0.0, inf)"),
    (dict(weight_decay="0.1"), TypeError, "weight_decay must be a real number"),
    (dict(eps=1e-8), TypeError, "unknown hyperparameter(s) ['eps']"),
])
def test_bad_input(hyper, exc, message):
    with raises(exc, message):
        optim.Lion([np.zeros(2)], **hyper)
