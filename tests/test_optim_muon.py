"""Muon equals torch.optim.Muon 2.13 step for step in float64, with torch's Newton–Schulz
iteration run in float64 instead of bfloat16; the bfloat16 gap is measured separately.

Reference data: ``tests/reference/torch_muon.npz`` from ``tools/make_muon_reference.py`` (three
matrices, tall, wide and square, 100 steps of a parameter-dependent gradient, eight
configurations, each with torch's float64-patched and its own bfloat16 iteration)."""
from __future__ import annotations

import inspect
import re

import numpy as np
import pytest

from optimlib import optim
from optimlib.optim.muon import zeropower_via_newtonschulz
from reference_data import Reference, live_torch, replay

MUON = Reference("torch_muon.npz", "make_muon_reference")
ATOL = 1e-12
configs, problem = MUON.configs, MUON.problem


def raises(exc, *fragments):
    return pytest.raises(exc, match=".*".join(re.escape(f) for f in fragments))


def generator():
    return MUON.tool


def stored(config_id: str, ns: str) -> dict:
    return MUON.stored(f"{config_id}/{ns}")


def record(opt, params, t: int) -> dict:
    out = {}
    for k, p in enumerate(params):
        out[f"{k}/{t}/param"] = p.copy()
        out[f"{k}/{t}/momentum_buffer"] = opt.state[k]["momentum_buffer"].copy()
    return out


def run_optimlib(config, prob, steps=100, checkpoints=(1, 2, 10, 50, 100)):
    return replay(config, prob, steps, checkpoints, record)


def worst(ours: dict, theirs: dict) -> tuple[str, float]:
    assert set(ours) == set(theirs), sorted(set(ours) ^ set(theirs))
    diffs = {k: float(np.abs(ours[k] - theirs[k]).max()) for k in theirs}
    k = max(diffs, key=diffs.get)
    return k, diffs[k]


# -- the stored reference ------------------------------------------------------------------------
def test_reference_is_current():
    m = MUON.meta()
    assert m["torch"].startswith("2.13.0") and m["ns_dtypes"] == ["float64", "bfloat16"]
    assert configs() == generator().configs(), (
        "tests/reference/torch_muon.npz is stale: run python3 tools/make_muon_reference.py")
    assert [tuple(s) for s in m["shapes"]] == [(4, 3), (3, 6), (5, 5)]
    prob = generator().make_problem()
    assert all(np.array_equal(prob[k], v) for k, v in problem().items())


@pytest.mark.parametrize("config", configs(), ids=lambda c: c["id"])
def test_matches_torch_with_float64_newton_schulz(config):
    key, d = worst(run_optimlib(config, problem()), stored(config["id"], "float64"))
    assert d <= ATOL, f"{config['kwargs']}: {key} differs from torch by {d:.3g}"


def test_bfloat16_gap_is_small_but_not_zero():
    """torch's own bfloat16 iteration differs from the float64 one: after one step by a few
    thousandths of the step (bfloat16 keeps 8 significant bits), and the runs then drift apart."""
    for config in configs():
        ours = run_optimlib(config, problem())
        theirs = stored(config["id"], "bfloat16")
        lr = optim.Muon([np.zeros((2, 2))], **config["kwargs"]).lr
        first = max(float(np.abs(ours[f"{k}/1/param"] - theirs[f"{k}/1/param"]).max())
                    for k in range(3))
        _, after = worst(ours, theirs)
        assert 1e-6 * lr < first < 0.05 * lr, (config, first / lr)   # per step: ~1e-2 of lr
        assert after < 0.5 * 100 * lr, config   # far less than 100 steps' length


@pytest.mark.parametrize("name", ["lr", "momentum"])
def test_comparison_detects_a_tiny_change(name):
    config = configs()[1]
    kw = dict(config["kwargs"])
    kw[name] = optim.Muon.defaults[name] if name not in kw else kw[name]
    kw[name] *= 1 + 1e-6
    _, d = worst(run_optimlib({**config, "kwargs": kw}, problem()), stored(config["id"], "float64"))
    assert d > 1e3 * ATOL


# -- live, when torch is installed ---------------------------------------------------------------
@pytest.fixture(scope="module")
def torch():
    return live_torch()


@pytest.mark.parametrize("config", generator().configs(), ids=lambda c: c["id"])
def test_matches_live_torch(torch, config):
    prob = problem()
    theirs = generator().run_torch(config, prob, "float64")
    key, d = worst(run_optimlib(config, prob), theirs)
    assert d <= ATOL, f"{config['kwargs']} (live): {key} differs from torch by {d:.3g}"


def test_live_patch_is_torchs_iteration_in_float64(torch):
    """The float64 iteration is torch's own source with one line changed, and it is what
    optimlib computes; torch's bfloat16 result differs from it by bfloat16's round-off."""
    gen = generator()
    src = inspect.getsource(torch.optim._muon._zeropower_via_newtonschulz)
    assert "grad.bfloat16()" in src
    rng = np.random.default_rng(5)
    coef = optim.Muon.defaults["ns_coefficients"]
    for shape in [(4, 3), (3, 6), (5, 5), (30, 7)]:
        G = rng.standard_normal(shape)
        ours = zeropower_via_newtonschulz(G, coef, 5, 1e-7)
        theirs = gen.float64_newtonschulz()(torch.from_numpy(G), coef, 5, 1e-7).numpy()
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-13)
        bf16 = torch.optim._muon._zeropower_via_newtonschulz(torch.from_numpy(G), coef, 5, 1e-7)
        gap = np.abs(bf16.double().numpy() - ours).max()
        assert 1e-4 < gap < 0.1, (shape, gap)
    original = torch.optim._muon._zeropower_via_newtonschulz
    with gen.newtonschulz_in("float64"):
        patched = torch.optim._muon._zeropower_via_newtonschulz
        assert patched is not original and patched(torch.from_numpy(G), coef, 5, 1e-7).dtype == torch.float64
    assert torch.optim._muon._zeropower_via_newtonschulz is original   # restored after the block


def test_live_torch_reproduces_the_stored_reference(torch):
    gen = generator()
    for config in gen.configs()[::3]:
        for ns in gen.NS_DTYPES:
            theirs, ref = gen.run_torch(config, problem(), ns), stored(config["id"], ns)
            assert set(theirs) == set(ref)
            for k in ref:
                np.testing.assert_allclose(theirs[k], ref[k], rtol=0, atol=ATOL, err_msg=k)


# -- what the iteration does ---------------------------------------------------------------------
def test_newton_schulz_maps_singular_values_into_a_band_around_one():
    """Torch's quintic after 5 steps sends every singular value in [1e-3, 1] (after the
    Frobenius normalisation) into [0.47, 1.21] (as the docstring says) and keeps the singular
    vectors."""
    a, b, c = optim.Muon.defaults["ns_coefficients"]
    s = np.logspace(-3, 0, 10001)
    for _ in range(5):
        s = a * s + b * s ** 3 + c * s ** 5
    assert 0.47 < s.min() < 0.475 and 1.2 < s.max() < 1.21
    rng = np.random.default_rng(0)
    U, _ = np.linalg.qr(rng.standard_normal((6, 6)))
    V, _ = np.linalg.qr(rng.standard_normal((4, 4)))
    s = np.array([1.0, 0.3, 0.05, 0.01])
    G = U[:, :4] * s @ V.T                                   # tall: transposed inside
    O = zeropower_via_newtonschulz(G, optim.Muon.defaults["ns_coefficients"], 5, 1e-7)
    sv = np.linalg.svd(O, compute_uv=False)
    assert 0.6 < sv.min() and sv.max() < 1.25
    # the same singular vectors: U^T O V is diagonal
    D = U[:, :4].T @ O @ V
    np.testing.assert_allclose(D - np.diag(np.diag(D)), 0, atol=1e-12)
    # the cubic of Newton-Schulz proper (1.5, -0.5, 0) converges to U V^T exactly, slowly
    O = zeropower_via_newtonschulz(G, (1.5, -0.5, 0.0), 60, 1e-7)
    np.testing.assert_allclose(O, U[:, :4] @ V.T, atol=1e-10)


def test_first_step_is_lr_times_an_orthogonalised_gradient():
    rng = np.random.default_rng(1)
    W, g = rng.standard_normal((3, 5)), rng.standard_normal((3, 5))
    W0 = W.copy()
    opt = optim.Muon([W], lr=0.1, weight_decay=0.0, nesterov=False, momentum=0.0)
    opt.step([g])
    step = (W0 - W) / 0.1
    np.testing.assert_allclose(step, zeropower_via_newtonschulz(g, opt.hyper["ns_coefficients"],
                                                                5, 1e-7), atol=1e-15)
    np.testing.assert_array_equal(opt.effective_lr()[0], np.full((3, 5), 0.1))
    # a tall matrix steps sqrt(rows / cols) longer; match_rms_adamw: 0.2 sqrt(max(rows, cols))
    tall = optim.Muon([np.zeros((12, 3))], lr=0.1)
    tall.step([np.ones((12, 3))])
    assert tall.effective_lr()[0][0, 0] == pytest.approx(0.2)
    wide = optim.Muon([np.zeros((3, 12))], lr=0.1, adjust_lr_fn="match_rms_adamw")
    wide.step([np.ones((3, 12))])
    assert wide.effective_lr()[0][0, 0] == pytest.approx(0.1 * 0.2 * 12 ** 0.5)


def test_defaults_are_torchs():
    assert optim.Muon.defaults == dict(lr=1e-3, weight_decay=0.1, momentum=0.95, nesterov=True,
                                       ns_coefficients=(3.4445, -4.7750, 2.0315), eps=1e-7,
                                       ns_steps=5, adjust_lr_fn=None)


def test_defaults_equal_torchs_signature(torch):
    sig = inspect.signature(torch.optim.Muon)
    assert {k: p.default for k, p in sig.parameters.items() if k != "params"} == optim.Muon.defaults


# -- the bookkeeping -----------------------------------------------------------------------------
def test_state_dict_round_trip_in_place_and_float32():
    rng = np.random.default_rng(2)
    gs = [rng.standard_normal((4, 3)) for _ in range(10)]
    for dtype in (np.float64, np.float32):
        straight = np.ones((4, 3), dtype)
        a = optim.Muon([straight], lr=0.05)
        for g in gs:
            a.step([g.astype(dtype)])
        assert a.params[0] is straight and straight.dtype == dtype
        assert a.state[0]["momentum_buffer"].dtype == dtype
        first = np.ones((4, 3), dtype)
        b = optim.Muon([first], lr=0.05)
        for g in gs[:5]:
            b.step([g.astype(dtype)])
        resumed = first.copy()
        c = optim.Muon([resumed])
        c.load_state_dict(b.state_dict())
        for g in gs[5:]:
            c.step([g.astype(dtype)])
        np.testing.assert_array_equal(resumed, straight)
        if dtype == np.float64:
            ref64 = straight.copy()
        else:                                 # float32 agrees with float64 to its accuracy
            np.testing.assert_allclose(straight, ref64, rtol=1e-4, atol=1e-5)


def test_muon_on_matrices_and_adamw_on_the_rest():
    W1, b1, W2 = np.ones((4, 3)), np.zeros(3), np.ones((3, 2))
    params = [W1, b1, W2]
    opt = optim.Combined(params, [optim.Muon([W1, W2], lr=0.02), optim.AdamW([b1])])
    opt.step([np.ones((4, 3)), np.ones(3), np.ones((3, 2))])
    assert opt.t == 1 and np.all(b1 < 0) and np.all(W1 < 1)


@pytest.mark.parametrize("shape", [(), (5,), (2, 3, 4)])
def test_non_matrices_are_refused_with_the_fix(shape):
    with raises(ValueError, f"params[1] has shape {shape}: Muon updates matrices (2-D arrays) "
                "only", "optim.Combined(params, [optim.Muon(matrices), optim.AdamW(others)])"):
        optim.Muon([np.zeros((2, 2)), np.zeros(shape)])


@pytest.mark.parametrize("hyper, exc, message", [
    (dict(lr=-1.0), ValueError, "lr must lie in [0.0, inf)"),
    (dict(momentum=1.0), ValueError, "momentum must lie in [0.0, 1.0)"),
    (dict(momentum=-0.1), ValueError, "momentum must lie in [0.0, 1.0)"),
    (dict(weight_decay=-0.1), ValueError, "weight_decay must lie in [0.0, inf)"),
    (dict(eps=0.0), ValueError, "eps must lie in (0.0, inf)"),
    (dict(nesterov=1), TypeError, "nesterov must be True or False"),
    (dict(ns_coefficients=(1.0, 2.0)), TypeError, "ns_coefficients must be three numbers"),
    (dict(ns_coefficients="abc"), TypeError, "ns_coefficients must be three numbers"),
    (dict(ns_coefficients=(1.0, "x", 2.0)), TypeError, "ns_coefficients[1] must be a real number"),
    (dict(ns_coefficients=(1.0, float("nan"), 2.0)), ValueError, "ns_coefficients[1] must lie in"),
    (dict(ns_steps=2.5), TypeError, "ns_steps must be an integer >= 0"),
    (dict(ns_steps=-1), ValueError, "ns_steps must be an integer >= 0"),
    (dict(ns_steps=100), ValueError, "ns_steps must be below 100"),
    (dict(adjust_lr_fn="spectral"), ValueError, "adjust_lr_fn must be one of (None, 'original', "
                                                "'match_rms_adamw'), got 'spectral'"),
])
def test_bad_input(hyper, exc, message):
    with raises(exc, message):
        optim.Muon([np.zeros((2, 2))], **hyper)


def test_lr_set_later_wrong_gradients_and_state_shapes():
    """The bad-input checks every optimizer has (tests/test_optim_bad_input.py), on matrices."""
    ps = [np.zeros((1, 3)), np.ones((2, 2))]
    opt = optim.Muon(ps)
    with raises(ValueError, "lr must lie in [0.0, inf)"):
        opt.lr = -0.1
    opt.lr = 0.5
    assert opt.lr == opt.hyper["lr"] == 0.5
    with raises(ValueError, "got 1 gradients for 2 parameters"):
        opt.step([np.ones((1, 3))])
    with raises(ValueError, "grads[1] has shape (4,) but params[1] has shape (2, 2)"):
        opt.step([np.ones((1, 3)), np.ones(4)])
    assert opt.t == 0 and all(not s for s in opt.state)
    assert np.array_equal(ps[0], np.zeros((1, 3))) and np.array_equal(ps[1], np.ones((2, 2)))
    opt.step([np.ones((1, 3)), np.ones((2, 2))])
    with raises(ValueError, "state 'momentum_buffer' of parameter 1 has shape (2, 2),",
                "keeps it with shape (2, 3)"):
        optim.Muon([np.zeros((1, 3)), np.zeros((2, 3))]).load_state_dict(opt.state_dict())
