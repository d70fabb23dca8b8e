"""optim.Adafactor: equal to torch.optim.Adafactor 2.13 on tensors of three and four dimensions
(the shared reference, tests/test_optim_torch.py, covers (), (5,) and (3, 4)); its factored state;
its argument checks; its effective step size."""
from __future__ import annotations

import numpy as np
import pytest

from optimlib import optim
from reference_data import Reference, live_torch
from test_optim_torch import assert_close, max_differences, run_optimlib

ADAFACTOR = Reference("torch_adafactor.npz", "make_adafactor_reference")
ATOL = 1e-12
configs, meta, problem, stored = (ADAFACTOR.configs, ADAFACTOR.meta, ADAFACTOR.problem,
                                  ADAFACTOR.stored)


def generator():
    return ADAFACTOR.tool


# -- tensors of three and four dimensions, against torch ----------------------------------------
def test_reference_is_current():
    m = meta()
    assert m["torch"].startswith("2.13.0")
    assert [tuple(s) for s in m["shapes"]] == [(2, 3, 4), (2, 1, 3, 2)]
    assert configs() == generator().configs(), (
        "tests/reference/torch_adafactor.npz is stale: run python3 tools/make_adafactor_reference.py")


@pytest.mark.parametrize("config", configs(), ids=lambda c: c["id"])
def test_matches_stored_torch_on_3d_and_4d_tensors(config):
    m = meta()
    ours = run_optimlib(config, problem(), m["steps"], m["checkpoints"])
    theirs = stored(config["id"])
    for k, v in theirs.items():  # a broadcastable but wrong shape must not pass unnoticed
        assert np.shape(ours[k]) == np.shape(v), k
    assert_close(ours, theirs, f"{config['id']} {config['kwargs']}")


def test_comparison_detects_a_tiny_change():
    config = configs()[1]
    assert config["kwargs"]["lr"] == 0.1
    changed = {**config, "kwargs": {**config["kwargs"], "lr": 0.1 * (1 + 1e-6)}}
    m = meta()
    diffs = max_differences(run_optimlib(changed, problem(), m["steps"], m["checkpoints"]),
                            stored(config["id"]))
    assert max(diffs.values()) > 1e3 * ATOL


@pytest.mark.parametrize("config", configs(), ids=lambda c: c["id"])
def test_matches_live_torch_on_3d_and_4d_tensors(config):
    live_torch()
    tool = generator().shared_tool()
    theirs = tool.run_torch(config, problem())
    ours = run_optimlib(config, problem(), tool.STEPS, tool.CHECKPOINTS)
    assert_close(ours, theirs, f"{config['id']} {config['kwargs']} (live)")
    for k, v in stored(config["id"]).items():  # and the stored file is what this torch computes
        np.testing.assert_allclose(theirs[k], v, rtol=0, atol=ATOL, err_msg=k)


# -- the factored state ---------------------------------------------------------------------------
def test_state_is_factored_over_the_last_two_dimensions():
    ps = [np.ones(()), np.ones(7), np.ones((1024, 512)), np.ones((2, 3, 4))]
    opt = optim.Adafactor(ps)
    opt.step([np.full_like(p, 0.5) for p in ps])
    shapes = [{k: v.shape for k, v in s.items()} for s in opt.state]
    assert shapes == [{"variance": ()}, {"variance": (7,)},
                      {"row_var": (1024, 1), "col_var": (1, 512)},
                      {"row_var": (2, 3, 1), "col_var": (2, 1, 4)}]
    # a 1024 x 512 matrix: n + m numbers, not n m (Adam keeps 2 n m)
    assert sum(v.size for v in opt.state[2].values()) == 1024 + 512


def test_rank_one_gradient_squares_are_reproduced_exactly():
    """At step 1 (beta2_hat = 0) with G^2 = a b^T, the factored estimate R C / mean(R) is G^2."""
    a, b = np.array([1.0, 4.0, 0.25]), np.array([2.0, 0.5, 1.0, 8.0])
    G = np.sqrt(np.outer(a, b))
    opt = optim.Adafactor([np.ones((3, 4))])
    opt.step([G])
    s = opt.state[0]
    np.testing.assert_allclose(s["row_var"] * s["col_var"] / s["row_var"].mean(), G * G,
                               rtol=1e-14)


def test_factored_state_round_trips_bit_for_bit():
    rng = np.random.default_rng(3)
    shapes = [(), (5,), (3, 4), (2, 3, 4)]

    def run(opt, ps, start, steps):
        for t in range(start, start + steps):
            opt.step([np.sin(t + p) + 0.3 * p for p in ps])

    x0 = [rng.standard_normal(s) for s in shapes]
    straight_ps = [x.copy() for x in x0]
    straight = optim.Adafactor(straight_ps, lr=0.1, weight_decay=0.05)
    run(straight, straight_ps, 1, 10)
    ps = [x.copy() for x in x0]
    first = optim.Adafactor(ps, lr=0.1, weight_decay=0.05)
    run(first, ps, 1, 5)
    saved = first.state_dict()
    resumed = optim.Adafactor(ps)
    resumed.load_state_dict(saved)
    assert resumed.hyper == straight.hyper
    run(resumed, ps, 6, 5)
    for p, q, s, r in zip(ps, straight_ps, resumed.state, straight.state):
        assert np.array_equal(p, q)
        assert s.keys() == r.keys() and all(np.array_equal(s[k], r[k]) for k in s)


def test_load_state_dict_refuses_an_unfactored_state_for_a_matrix():
    opt = optim.Adafactor([np.ones((3, 4))])
    opt.step([np.ones((3, 4))])
    sd = opt.state_dict()
    sd["state"][0] = {"variance": np.ones((3, 4))}
    with pytest.raises(ValueError, match=r"holds \['variance'\], Adafactor keeps \['col_var', "
                                         r"'row_var'\]"):
        optim.Adafactor([np.ones((3, 4))]).load_state_dict(sd)
    sd["state"][0] = {"row_var": np.ones((3, 4)), "col_var": np.ones((1, 4))}
    with pytest.raises(ValueError, match=r"'row_var' of parameter 0 has shape \(3, 4\), "
                                         r"Adafactor keeps it with shape \(3, 1\)"):
        optim.Adafactor([np.ones((3, 4))]).load_state_dict(sd)


# -- the step -------------------------------------------------------------------------------------
def test_first_step_of_a_vector_moves_every_coordinate_by_the_relative_step():
    """Step 1: V = G^2, so U = sign(G), RMS(U) = 1 (no clipping), and each coordinate moves by
    alpha = max(eps2, RMS(theta)) min(lr, 1) against its gradient's sign."""
    x = np.array([3.0, -4.0, 0.0, 1e-3])
    rms = np.sqrt(np.mean(x * x))
    opt = optim.Adafactor([x], lr=0.05)
    opt.step([np.array([2.0, -1e-3, 5.0, -7.0])])
    np.testing.assert_allclose(x, [3.0 - 0.05 * rms, -4.0 + 0.05 * rms, -0.05 * rms,
                                   1e-3 + 0.05 * rms], rtol=1e-15)


def test_update_clipping_caps_the_rms_of_the_update_at_d():
    """beta2_decay=0: no averaging, V = R C / mean(R) of this step's G. G = diag(2, 1) has
    R = C = (2, 1/2), mean(R) = 5/4, so V = diag(16/5, 1/5) and U = diag(2/sqrt(3.2), sqrt(5)),
    RMS(U) = 5/4: d = 1 scales the step back by 5/4, d = 1.5 leaves it."""
    G = np.diag([2.0, 1.0])
    U = np.diag([2 / np.sqrt(3.2), np.sqrt(5.0)])
    for d, clip in [(1.0, 1.25), (1.5, 1.0)]:
        x = np.full((2, 2), 2.0)   # RMS(x) = 2: alpha = 2 min(lr, 1) = 0.2
        optim.Adafactor([x], lr=0.1, beta2_decay=0.0, d=d).step([G])
        np.testing.assert_allclose(x, 2.0 - 0.2 * U / clip, rtol=1e-14)


def test_effective_lr_is_what_multiplied_the_gradient():
    rng = np.random.default_rng(5)
    ps = [rng.standard_normal(4), rng.standard_normal((3, 5))]
    opt = optim.Adafactor(ps, lr=0.1)
    for _ in range(3):
        before = [p.copy() for p in ps]
        g = [rng.standard_normal(p.shape) for p in ps]
        opt.step(g)
        for p, b, gi, e in zip(ps, before, g, opt.effective_lr()):
            np.testing.assert_allclose(b - p, e * gi, rtol=1e-12, atol=1e-15)
    restored = optim.Adafactor([p.copy() for p in ps])
    restored.load_state_dict(opt.state_dict())
    with pytest.raises(ValueError, match="load_state_dict does not restore: take a step first"):
        restored.effective_lr()


def test_eps1_none_is_the_machine_epsilon_of_the_dtype():
    """A zero gradient row: V = 0 is clamped to eps1^2, so U = 0 and nothing moves (no NaN)."""
    for dtype in (np.float32, np.float64):
        x = np.ones((2, 3), dtype)
        opt = optim.Adafactor([x])
        opt.step([np.zeros((2, 3), dtype)])
        assert x.dtype == dtype and np.array_equal(x, np.ones((2, 3)))
        assert all(v.dtype == dtype for v in opt.state[0].values())


# -- bad input ------------------------------------------------------------------------------------
@pytest.mark.parametrize("hyper, exc, message", [
    (dict(eps=1e-3), TypeError, "eps must be a pair (eps1, eps2): eps1 None or >= 0, eps2 >= 0"),
    (dict(eps=(None, 1e-3, 1.0)), TypeError, "eps must be a pair"),
    (dict(eps=(-1e-30, 1e-3)), ValueError, "eps[0] must lie in [0.0, inf)"),
    (dict(eps=("1e-30", 1e-3)), TypeError, "eps[0] must be a real number"),
    (dict(eps=(None, -1e-3)), ValueError, "eps[1] must lie in [0.0, inf)"),
    (dict(eps=(None, None)), TypeError, "eps[1] must be a real number"),
    (dict(beta2_decay=0.8), ValueError, "beta2_decay must lie in [-inf, 0.0]"),
    (dict(beta2_decay=float("nan")), ValueError, "beta2_decay must lie in [-inf, 0.0]"),
    (dict(d=0.5), ValueError, "d must lie in [1.0, inf)"),
    (dict(d="1"), TypeError, "d must be a real number"),
    (dict(weight_decay=-0.1), ValueError, "weight_decay must lie in [0.0, inf)"),
    (dict(maximize=True), TypeError, "unknown hyperparameter(s) ['maximize']"),
])
def test_bad_hyperparameters(hyper, exc, message):
    with pytest.raises(exc) as info:
        optim.Adafactor([np.zeros((2, 2))], **hyper)
    assert message in str(info.value)


def test_defaults_and_signature_are_torchs():
    assert optim.Adafactor.defaults == dict(lr=1e-2, beta2_decay=-0.8, eps=(None, 1e-3), d=1.0,
                                            weight_decay=0.0)
    assert optim.catalog.entry("adafactor").torch == "Adafactor"
    assert str(__import__("inspect").signature(optim.Adafactor)) == (
        "(params, *, lr=0.01, beta2_decay=-0.8, eps=(None, 0.001), d=1.0, weight_decay=0.0)")
