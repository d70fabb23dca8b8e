"""optim.Yogi: hand-computed steps of its equations, the additive second moment, bad input,
resuming, and equality with optax.yogi (stored in tests/reference/optax_yogi.npz by
tools/make_optax_yogi_reference.py, and live when optax is installed)."""
from __future__ import annotations

import math

import numpy as np
import pytest

from optimlib import optim
from reference_data import Reference, replay

OPTAX = Reference("optax_yogi.npz", "make_optax_yogi_reference")
ATOL = 1e-12


# -- the equations, by hand --------------------------------------------------------------------
def test_first_two_steps_by_hand():
    """Defaults (lr 1e-2, betas 0.9/0.999, eps 1e-3, m0 = v0 = 1e-6); gradients 2, then 0.01."""
    x = np.array([1.0])
    opt = optim.Yogi([x])
    opt.step([np.array([2.0])])
    m1 = 0.9 * 1e-6 + 0.1 * 2.0                  # 0.2000009
    v1 = 1e-6 + 0.001 * 4.0                      # sign(v0 - g^2) = -1: v grows by (1-b2) g^2
    x1 = 1.0 - 0.01 * (m1 / 0.1) / (math.sqrt(v1 / 0.001) + 1e-3)
    assert opt.state[0]["exp_avg"][0] == pytest.approx(0.2000009, rel=1e-15)
    assert opt.state[0]["exp_avg_sq"][0] == pytest.approx(0.004001, rel=1e-15)
    assert x[0] == pytest.approx(x1, rel=1e-15)
    assert x[0] == pytest.approx(1.0 - 0.01 * 2.000009 / (2.000249984375 + 1e-3), rel=1e-12)

    opt.step([np.array([0.01])])
    m2 = 0.9 * m1 + 0.1 * 0.01
    v2 = v1 - 0.001 * 1e-4                       # sign(v1 - g^2) = +1: v shrinks by (1-b2) g^2
    x2 = x1 - 0.01 * (m2 / (1 - 0.9 ** 2)) / (math.sqrt(v2 / (1 - 0.999 ** 2)) + 1e-3)
    assert opt.state[0]["exp_avg_sq"][0] == pytest.approx(0.0040009, rel=1e-14)
    assert x[0] == pytest.approx(x2, rel=1e-15)
    # Adam's v would have lost a thousandth of itself instead: 0.999 * v1 + 0.001 * 1e-4
    assert 0.999 * v1 + 0.001 * 1e-4 < v2


def test_paper_algorithm_2_is_the_zero_start_without_bias_correction():
    """With initial_accumulator_value=0, Yogi's moments are Algorithm 2's (m0 = v0 = 0) exactly;
    its step differs from the paper's only by the bias corrections 1/(1-b1^t), 1/(1-b2^t)."""
    lr, b1, b2, eps = 0.1, 0.9, 0.999, 1e-3
    x = np.array([0.5, -1.0])
    opt = optim.Yogi([x], lr=lr, initial_accumulator_value=0.0)
    m, v = np.zeros(2), np.zeros(2)
    for t, g in enumerate([np.array([3.0, -0.2]), np.array([-1.0, 0.1]), np.array([0.5, 0.5])], 1):
        start = x.copy()
        opt.step([g])
        m = b1 * m + (1 - b1) * g
        v = v - (1 - b2) * np.sign(v - g * g) * g * g
        np.testing.assert_allclose(opt.state[0]["exp_avg"], m, rtol=1e-15)
        np.testing.assert_allclose(opt.state[0]["exp_avg_sq"], v, rtol=1e-15)
        np.testing.assert_allclose(x, start - lr * (m / (1 - b1 ** t))
                                   / (np.sqrt(v / (1 - b2 ** t)) + eps), rtol=1e-14)


def test_first_step_is_about_a_third_of_the_papers():
    """From zero moments, step 1 is lr g/(|g|+eps) here (m-hat = g, v-hat = g^2) and
    lr (1-b1) g/(sqrt(1-b2)|g| + eps) in Algorithm 2: 3.13 times longer for g = 3."""
    x = np.array([0.5])
    optim.Yogi([x], lr=0.1, initial_accumulator_value=0.0).step([np.array([3.0])])
    ours = 0.5 - x[0]
    assert ours == pytest.approx(0.1 * 3.0 / (3.0 + 1e-3), rel=1e-14)
    paper = 0.1 * 0.1 * 3.0 / (math.sqrt(0.001) * 3.0 + 1e-3)
    assert 3.1 < paper / ours < 3.2


def test_equal_gradient_square_leaves_v_alone():
    """sign(0) = 0: when g^2 equals v exactly, v does not move (optax's jnp.sign does the same)."""
    x = np.array([0.0])
    opt = optim.Yogi([x], initial_accumulator_value=0.25)
    opt.step([np.array([0.5])])
    assert opt.state[0]["exp_avg_sq"][0] == 0.25


def test_v_moves_by_at_most_one_minus_beta2_times_g_squared():
    """|v_t - v_{t-1}| <= (1-b2) g_t^2 always, with equality unless g^2 = v; Adam's v instead
    moves by (1-b2)|v - g^2|, which is larger whenever v > 2 g^2."""
    rng = np.random.default_rng(3)
    b2 = 0.99
    x = rng.standard_normal(50)
    opt = optim.Yogi([x], betas=(0.9, b2), initial_accumulator_value=1.0)
    v_prev = np.full(50, 1.0)
    adam_larger = 0
    for t in range(200):
        g = rng.standard_normal(50) * (5.0 if t < 20 else 0.05)  # large, then small gradients
        opt.step([g])
        v = opt.state[0]["exp_avg_sq"]
        change = np.abs(v - v_prev)
        np.testing.assert_allclose(change, (1 - b2) * g * g, rtol=1e-9, atol=1e-15)
        adam_larger += np.sum((1 - b2) * np.abs(v_prev - g * g) > change * (1 + 1e-9))
        v_prev = v.copy()
    assert adam_larger > 0


def test_zero_gradient_keeps_v_where_adam_forgets():
    x = np.array([1.0])
    yogi, adam = optim.Yogi([x.copy()]), optim.Adam([x.copy()])
    yogi.step([np.array([1.0])]); adam.step([np.array([1.0])])
    vy, va = yogi.state[0]["exp_avg_sq"][0], adam.state[0]["exp_avg_sq"][0]
    for _ in range(1000):
        yogi.step([np.zeros(1)]); adam.step([np.zeros(1)])
    assert yogi.state[0]["exp_avg_sq"][0] == vy
    assert adam.state[0]["exp_avg_sq"][0] == pytest.approx(va * 0.999 ** 1000, rel=1e-12)


# -- bad input and resuming --------------------------------------------------------------------
@pytest.mark.parametrize("hyper, exc, message", [
    (dict(initial_accumulator_value=-1.0), ValueError, "initial_accumulator_value must lie in [0.0, inf)"),
    (dict(initial_accumulator_value=float("nan")), ValueError, "initial_accumulator_value"),
    (dict(eps=0.0), ValueError, "eps"),
    (dict(betas=(0.9, 1.5)), ValueError, "betas"),
    (dict(lr=-0.1), ValueError, "lr"),
    (dict(initial_accumulator_value="1e-6"), TypeError, "initial_accumulator_value"),
    (dict(learning_rate=0.1), TypeError, "unknown hyperparameter"),
])
def test_bad_input(hyper, exc, message):
    with pytest.raises(exc, match=message.replace("[", r"\[").replace("(", r"\(")
                       .replace(")", r"\)")):
        optim.Yogi([np.zeros(3)], **hyper)


def test_wrong_gradient_shape_is_refused():
    opt = optim.Yogi([np.zeros(3)])
    with pytest.raises(ValueError):
        opt.step([np.zeros(4)])


def test_state_dict_round_trip():
    def grads(t):
        return [np.sin(t + np.arange(4.0)), np.cos(t * np.ones((2, 3)))]
    a = [np.ones(4), np.zeros((2, 3))]
    straight = optim.Yogi(a, lr=0.05, initial_accumulator_value=0.1)
    for t in range(1, 11):
        straight.step(grads(t))
    b = [np.ones(4), np.zeros((2, 3))]
    first = optim.Yogi(b, lr=0.05, initial_accumulator_value=0.1)
    for t in range(1, 6):
        first.step(grads(t))
    c = [p.copy() for p in b]
    resumed = optim.Yogi(c)
    resumed.load_state_dict(first.state_dict())
    for t in range(6, 11):
        resumed.step(grads(t))
    assert resumed.hyper == straight.hyper and resumed.t == 10
    for p, q in zip(c, a):
        assert np.array_equal(p, q)
    for s, r in zip(resumed.state, straight.state):
        assert all(np.array_equal(s[k], r[k]) for k in r)


# -- optax -------------------------------------------------------------------------------------
def generator():
    return OPTAX.tool


configs, problem, stored = OPTAX.configs, OPTAX.problem, OPTAX.stored


def record(opt, params, t):
    out = {}
    for k, p in enumerate(params):
        out[f"{k}/{t}/param"] = p.copy()
        for name, v in opt.state[k].items():
            out[f"{k}/{t}/{name}"] = v.copy()
    return out


def run_optimlib(config, prob, steps, checkpoints):
    return replay(config, prob, steps, checkpoints, record)


def worst(ours, theirs):
    assert set(ours) == set(theirs)
    return max((float(np.max(np.abs(ours[k] - theirs[k]), initial=0.0)), k) for k in theirs)


def test_reference_is_current():
    meta = OPTAX.meta()
    assert meta["optax"] == "0.2.8" and meta["steps"] == 100
    assert configs() == generator().configs(), (
        "tests/reference/optax_yogi.npz is stale: run python3 tools/make_optax_yogi_reference.py")
    np.testing.assert_array_equal(problem()["A_2"], generator().make_problem()["A_2"])


@pytest.mark.parametrize("config", configs(), ids=lambda c: c["id"])
def test_matches_stored_optax_trajectory(config):
    gen = generator()
    diff, key = worst(run_optimlib(config, problem(), gen.STEPS, gen.CHECKPOINTS),
                      stored(config["id"]))
    assert diff <= ATOL, f"{config['id']} {config['kwargs']}: {key} differs from optax by {diff:.3g}"


def test_comparison_detects_a_tiny_change():
    config = configs()[1]
    changed = {**config, "kwargs": {**config["kwargs"], "lr": config["kwargs"]["lr"] * (1 + 1e-6)}}
    gen = generator()
    diff, _ = worst(run_optimlib(changed, problem(), gen.STEPS, gen.CHECKPOINTS), stored(config["id"]))
    assert diff > 1e3 * ATOL


@pytest.mark.parametrize("config", generator().configs(), ids=lambda c: c["id"])
def test_matches_live_optax(config):
    optax = pytest.importorskip("optax")
    pytest.importorskip("jax")
    if optax.__version__ != generator().OPTAX_VERSION:
        pytest.skip(f"the reference is optax {generator().OPTAX_VERSION}'s; this is {optax.__version__}")
    gen = generator()
    prob = gen.make_problem()
    diff, key = worst(run_optimlib(config, prob, gen.STEPS, gen.CHECKPOINTS),
                      gen.run_optax(config, prob))
    assert diff <= ATOL, f"{config['id']} (live): {key} differs from optax by {diff:.3g}"
