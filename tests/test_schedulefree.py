"""optim.SGDScheduleFree and optim.AdamWScheduleFree: equal to the ``schedulefree`` package 1.4.1
(Defazio et al.'s reference implementation) at the training point y and at the evaluation point
x; the train/eval moves; the three-sequence form of the paper; fit evaluating at x; bad input.

The stored trajectories in ``tests/reference/schedulefree.npz`` were recorded by
``tools/make_schedulefree_reference.py``; with schedulefree installed the comparison also runs
live."""
from __future__ import annotations

import numpy as np
import pytest

from optimlib import nn, optim
from optimlib.data import load_digits
from optimlib.train import fit
from reference_data import Reference, replay

SCHEDULEFREE = Reference("schedulefree.npz", "make_schedulefree_reference")
ATOL = 1e-12
CLASSES = {"sgdschedulefree": optim.SGDScheduleFree, "adamwschedulefree": optim.AdamWScheduleFree}
configs, meta, problem, stored = (SCHEDULEFREE.configs, SCHEDULEFREE.meta, SCHEDULEFREE.problem,
                                  SCHEDULEFREE.stored)


def generator():
    return SCHEDULEFREE.tool


def record(opt, params, t: int) -> dict:
    """y, the buffers, the scalars, and x after eval() (then train() and on), as the generator."""
    out = {}
    for k, p in enumerate(params):
        out[f"{k}/{t}/param"] = p.copy()
        out.update({f"{k}/{t}/{name}": v.copy() for name, v in opt.state[k].items()})
        out[f"{k}/{t}/k"] = np.array(float(opt.t))
        for name in ("weight_sum", "lr_max", "scheduled_lr"):
            out[f"{k}/{t}/{name}"] = np.array(opt.shared[name])
    opt.eval()
    out.update({f"{k}/{t}/x": p.copy() for k, p in enumerate(params)})
    opt.train()
    return out


def run_optimlib(config: dict, problem: dict, steps: int, checkpoints) -> dict:
    """Replay a configuration as the generator runs it (see :func:`record`)."""
    return replay(config, problem, steps, checkpoints, record)


def max_differences(ours: dict, theirs: dict) -> dict:
    assert set(ours) == set(theirs), sorted(set(ours) ^ set(theirs))
    for k in theirs:
        assert np.shape(ours[k]) == np.shape(theirs[k]), k
    return {k: float(np.max(np.abs(ours[k] - theirs[k]), initial=0.0)) for k in theirs}


def assert_close(ours: dict, theirs: dict, what: str) -> None:
    diffs = max_differences(ours, theirs)
    worst = max(diffs, key=diffs.get)
    assert diffs[worst] <= ATOL, (f"{what}: {worst} differs from schedulefree by "
                                  f"{diffs[worst]:.3g} (> {ATOL:g})")


# -- against the reference ----------------------------------------------------------------------
def test_reference_is_current():
    m = meta()
    assert m["schedulefree"] == "1.4.1" and m["torch"].startswith("2.13.0")
    assert configs() == generator().configs(), (
        "tests/reference/schedulefree.npz is stale: run python3 tools/make_schedulefree_reference.py")
    assert {c["optimizer"] for c in configs()} == set(CLASSES)
    kws = [c["kwargs"] for c in configs()]
    for name in ("warmup_steps", "weight_decay", "r", "weight_lr_power"):  # each on somewhere
        assert any(kw.get(name) for kw in kws), name


@pytest.mark.parametrize("config", configs(), ids=lambda c: c["id"])
def test_matches_stored_schedulefree_at_y_and_at_x(config):
    m = meta()
    ours = run_optimlib(config, problem(), m["steps"], m["checkpoints"])
    assert_close(ours, stored(config["id"]), f"{config['id']} {config['kwargs']}")


@pytest.mark.parametrize("name", sorted(CLASSES))
def test_comparison_detects_a_tiny_change(name):
    config = next(c for c in configs() if c["optimizer"] == name and c["kwargs"].get("lr"))
    changed = {**config, "kwargs": {**config["kwargs"], "lr": config["kwargs"]["lr"] * (1 + 1e-6)}}
    m = meta()
    diffs = max_differences(run_optimlib(changed, problem(), m["steps"], m["checkpoints"]),
                            stored(config["id"]))
    assert max(diffs[k] for k in diffs if k.endswith("/x")) > 1e3 * ATOL


@pytest.fixture(scope="module")
def package():
    pytest.importorskip("torch")
    sf = pytest.importorskip("schedulefree")
    if generator().package_version() != "1.4.1":
        pytest.skip(f"the reference is schedulefree 1.4.1's; this is {generator().package_version()}")
    return sf


@pytest.mark.parametrize("config", configs(), ids=lambda c: c["id"])
def test_matches_live_schedulefree_at_y_and_at_x(package, config):
    gen = generator()
    theirs = gen.run_schedulefree(config, problem(), gen.STEPS, gen.CHECKPOINTS)
    assert_close(run_optimlib(config, problem(), gen.STEPS, gen.CHECKPOINTS), theirs,
                 f"{config['id']} {config['kwargs']} (live)")
    for k, v in stored(config["id"]).items():  # and the stored file is what it computes
        np.testing.assert_allclose(theirs[k], v, rtol=0, atol=ATOL, err_msg=k)


@pytest.mark.parametrize("config", configs()[::4], ids=lambda c: c["id"])
def test_matches_the_packages_foreach_path_too(package, config):
    """The package's default multi-tensor path rounds differently, still within ATOL."""
    gen = generator()
    theirs = gen.run_schedulefree(config, problem(), gen.STEPS, gen.CHECKPOINTS, foreach=True)
    assert_close(run_optimlib(config, problem(), gen.STEPS, gen.CHECKPOINTS), theirs,
                 f"{config['id']} {config['kwargs']} (live, foreach=True)")


@pytest.mark.parametrize("name", sorted(CLASSES))
def test_defaults_are_the_packages(package, name):
    import inspect
    ref = getattr(package, generator().CLASSES[name])
    theirs = {k: p.default for k, p in inspect.signature(ref).parameters.items()
              if k not in ("params", "foreach")}
    assert CLASSES[name].defaults == theirs
    assert list(CLASSES[name].defaults) == list(theirs)


# -- the paper's three sequences ----------------------------------------------------------------
def three_sequences(x0, grad, steps, *, lr, beta, weight_decay=0.0, warmup_steps=0, r=0.0,
                    weight_lr_power=2.0, adam=None):
    """Schedule-Free as the paper writes it, z, x and y kept apart; returns (y, x) per step.
    ``adam=(beta2, eps)`` scales the gradient as AdamWScheduleFree does."""
    z, x = x0.copy(), x0.copy()
    y = (1 - beta) * z + beta * x
    v, lr_max, weight_sum, out = np.zeros_like(x0), -1.0, 0.0, []
    for t in range(1, steps + 1):
        lr_t = lr * min(1.0, t / warmup_steps) if warmup_steps else lr
        lr_max = max(lr_max, lr_t)
        w = t ** r * lr_max ** weight_lr_power
        weight_sum += w
        c = w / weight_sum if weight_sum else 0.0
        g = grad(y)
        if adam:
            beta2, eps = adam
            v = beta2 * v + (1 - beta2) * g * g
            g = g / (np.sqrt(v / (1 - beta2 ** t)) + eps)
        g = g + weight_decay * y
        z = z - lr_t * g
        x = (1 - c) * x + c * z
        y = (1 - beta) * z + beta * x
        out.append((y, x))
    return out


@pytest.mark.parametrize("name", sorted(CLASSES))
@pytest.mark.parametrize("hyper", [dict(), dict(weight_decay=0.1, warmup_steps=7, r=1.5),
                                   dict(warmup_steps=5, weight_lr_power=0.0)])
def test_in_place_form_equals_the_three_sequences(name, hyper):
    """The optimizer keeps only y (in the parameter) and z; x is the average of the z's."""
    A = np.array([[2.0, 0.3, 0.0], [0.3, 1.0, 0.1], [0.0, 0.1, 0.5]])

    def grad(p):
        return A @ p + np.sin(p)

    beta, extra = 0.8, {}
    if name == "sgdschedulefree":
        lr, kw = 0.3, dict(momentum=beta)
    else:
        lr, kw, extra = 0.05, dict(betas=(beta, 0.99), eps=1e-6), dict(adam=(0.99, 1e-6))
    x0 = np.array([1.0, -2.0, 0.5])
    expected = three_sequences(x0, grad, 30, lr=lr, beta=beta, **hyper, **extra)
    p = x0.copy()
    opt = CLASSES[name]([p], lr=lr, **kw, **hyper)
    for y, x in expected:
        opt.step([grad(p)])
        np.testing.assert_allclose(p, y, rtol=0, atol=1e-13)
        opt.eval()
        np.testing.assert_allclose(p, x, rtol=0, atol=1e-13)
        opt.train()


def test_first_steps_by_hand():
    """Step 1: c = 1, so x = z = y = x0 - lr g. Step 2: c = 1/2, x is the mean of z_1 and z_2,
    y = (1 - beta) z + beta x."""
    p = np.array([1.0])
    opt = optim.SGDScheduleFree([p], lr=0.5, momentum=0.9)
    opt.step([np.array([2.0])])          # z1 = 1 - 0.5 * 2 = 0
    assert p[0] == 0.0 and opt.state[0]["z"][0] == 0.0 and opt.shared["ckp1"] == 1.0
    opt.step([np.array([1.0])])          # z2 = -0.5, x2 = (0 + -0.5)/2 = -0.25
    assert opt.shared["ckp1"] == 0.5
    np.testing.assert_allclose(p, 0.1 * -0.5 + 0.9 * -0.25, rtol=1e-15)
    opt.eval()
    np.testing.assert_allclose(p, -0.25, rtol=1e-15)


def test_warmup_is_linear_and_weights_the_average_by_lr_squared():
    opt = optim.SGDScheduleFree([np.zeros(2)], lr=0.4, warmup_steps=4)
    seen = []
    for _ in range(6):
        opt.step([np.ones(2)])
        seen.append((opt.shared["scheduled_lr"], opt.shared["weight_sum"]))
    lrs = [0.1, 0.2, 0.3, 0.4, 0.4, 0.4]
    np.testing.assert_allclose([s[0] for s in seen], lrs, rtol=1e-15)
    np.testing.assert_allclose([s[1] for s in seen], np.cumsum(np.square(lrs)), rtol=1e-14)


# -- train and eval -----------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(CLASSES))
def test_train_eval_round_trip_restores_y_up_to_rounding(name):
    rng = np.random.default_rng(1)
    ps = [rng.standard_normal((4, 3)), rng.standard_normal(5)]
    opt = optim.get(name, ps, lr=0.05)
    before = [p.copy() for p in ps]
    opt.eval()
    opt.train()  # no step yet: nothing to move
    assert all(np.array_equal(p, b) for p, b in zip(ps, before))
    for _ in range(20):
        opt.step([rng.standard_normal(p.shape) for p in ps])
    y = [p.copy() for p in ps]
    beta = opt._beta()
    assert opt.eval() is opt and not opt.training
    for p, yy, s in zip(ps, y, opt.state):
        np.testing.assert_allclose(p, (yy - (1 - beta) * s["z"]) / beta, rtol=0, atol=1e-14)
    x = [p.copy() for p in ps]
    opt.eval()  # already in eval mode: nothing moves
    assert all(np.array_equal(p, xx) for p, xx in zip(ps, x))
    with pytest.raises(RuntimeError, match="is in eval mode: call .train\\(\\) before step"):
        opt.step([np.ones_like(p) for p in ps])
    opt.train()
    for p, yy in zip(ps, y):
        np.testing.assert_allclose(p, yy, rtol=0, atol=1e-15)
    assert max(np.abs(p - yy).max() for p, yy in zip(ps, y)) <= 4 * np.finfo(float).eps


@pytest.mark.parametrize("name", sorted(CLASSES))
def test_state_dict_round_trip_with_the_mode(name):
    """Saved in eval mode (as the reference advises for checkpoints), loaded into fresh
    parameters holding x: the loaded optimizer is in eval mode, train() brings back y, and the
    run goes on exactly as the original."""
    rng = np.random.default_rng(2)
    grads = [[rng.standard_normal(s) for s in [(3,), (2, 2)]] for _ in range(12)]
    hyper = dict(lr=0.1, weight_decay=0.01, warmup_steps=3, r=1.0)

    def start():
        return [np.linspace(-1, 1, 3), np.eye(2)]

    straight_ps = start()
    straight = optim.get(name, straight_ps, **hyper)
    first_ps = start()
    first = optim.get(name, first_ps, **hyper)
    for g in grads[:6]:
        straight.step(g)
        first.step(g)
    straight.eval()
    straight.train()
    first.eval()
    saved = first.state_dict()
    assert saved["training"] is False
    resumed_ps = [p.copy() for p in first_ps]  # the checkpoint's parameters: x
    resumed = optim.get(name, resumed_ps)
    resumed.load_state_dict(saved)
    assert not resumed.training and resumed.shared == first.shared and resumed.hyper == first.hyper
    resumed.train()
    for g in grads[6:]:
        straight.step(g)
        resumed.step(g)
    assert resumed.t == straight.t == 12 and resumed.shared == straight.shared
    for p, q, s, r in zip(resumed_ps, straight_ps, resumed.state, straight.state):
        assert np.array_equal(p, q)
        assert all(np.array_equal(s[k], r[k]) for k in s)


# -- fit evaluates at x -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def digits():
    return load_digits(validation=True)


def test_fit_evaluates_at_x_and_trains_at_y(digits):
    data = digits._replace(X_train=digits.X_train[:300], y_train=digits.y_train[:300])
    model = nn.build_mlp((64, 32, 10), seed=0)
    opt = optim.AdamWScheduleFree(model.params, lr=0.01)
    h = fit(model, opt, data, epochs=2, batch_size=32, progress=False)
    assert opt.training  # fit leaves it training, the parameters at y
    y = [p.copy() for p in model.params]
    opt.eval()
    loss_x, acc_x = model.evaluate(data.X_val, data.y_val)
    opt.train()
    loss_y, _ = model.evaluate(data.X_val, data.y_val)
    assert h.val_loss[-1] == pytest.approx(loss_x, rel=1e-12)  # scored at x ...
    assert h.val_acc[-1] == acc_x
    assert abs(loss_y - loss_x) > 1e-6                          # ... which is not y
    assert all(np.allclose(p, q, rtol=0, atol=1e-14) for p, q in zip(model.params, y))


@pytest.mark.parametrize("name", sorted(CLASSES))
def test_fit_by_name(digits, name):
    data = digits._replace(X_train=digits.X_train[:200], y_train=digits.y_train[:200])
    model = nn.build_mlp((64, 16, 10), seed=1)
    h = fit(model, name, data, epochs=2, progress=False, lr=0.01 if "adam" in name else 0.1)
    assert not h.diverged and h.val_loss[-1] < h.val_loss[0]


def test_accuracy_at_x_and_at_y_after_training_on_digits(digits):
    """The digits MLP (64-64-10), 10 epochs of AdamWScheduleFree at lr=0.01 (about the best on
    the validation split): x and y are different points, yet their validation accuracies lie
    within two images of each other (measured: x 0.9721, y 0.9756; loss x 0.119, y 0.116)."""
    model = nn.build_mlp((64, 64, 10), seed=0)
    opt = optim.AdamWScheduleFree(model.params, lr=0.01)
    h = fit(model, opt, digits, epochs=10, batch_size=32, progress=False)
    opt.eval()
    loss_x, acc_x = model.evaluate(digits.X_val, digits.y_val)
    opt.train()
    loss_y, acc_y = model.evaluate(digits.X_val, digits.y_val)
    # fit scored x; the eval() here recomputes x from a y that went through one more round trip
    assert h.val_loss[-1] == pytest.approx(loss_x, rel=1e-12) and h.val_acc[-1] == acc_x
    assert acc_x >= 0.96 and acc_y >= 0.96
    assert abs(acc_x - acc_y) <= 2 / len(digits.y_val) and abs(loss_x - loss_y) > 1e-4


# -- bad input ----------------------------------------------------------------------------------
@pytest.mark.parametrize("cls, hyper, exc, message", [
    (optim.SGDScheduleFree, dict(momentum=0.0), ValueError, "momentum must lie in (0.0, 1.0)"),
    (optim.SGDScheduleFree, dict(momentum=1.0), ValueError, "momentum must lie in (0.0, 1.0)"),
    (optim.SGDScheduleFree, dict(momentum="0.9"), TypeError, "momentum must be a real number"),
    (optim.AdamWScheduleFree, dict(betas=(0.0, 0.999)), ValueError,
     "betas[0] must lie in (0.0, 1.0) for AdamWScheduleFree, got 0.0"),
    (optim.AdamWScheduleFree, dict(betas=(1.0, 0.999)), ValueError, "betas[0] must lie in [0.0, 1.0)"),
    (optim.AdamWScheduleFree, dict(eps=0.0), ValueError, "eps must lie in (0.0, inf)"),
    (optim.AdamWScheduleFree, dict(warmup_steps=-1), ValueError, "warmup_steps must be an integer >= 0"),
    (optim.SGDScheduleFree, dict(warmup_steps=2.5), TypeError, "warmup_steps must be an integer >= 0"),
    (optim.SGDScheduleFree, dict(warmup_steps=True), TypeError, "warmup_steps must be an integer"),
    (optim.AdamWScheduleFree, dict(r=-1.0), ValueError, "r must lie in [0.0, inf)"),
    (optim.SGDScheduleFree, dict(r=float("nan")), ValueError, "r must lie in [0.0, inf)"),
    (optim.AdamWScheduleFree, dict(weight_lr_power=-2.0), ValueError,
     "weight_lr_power must lie in [0.0, inf)"),
    (optim.SGDScheduleFree, dict(weight_decay=-0.1), ValueError, "weight_decay must lie in [0.0, inf)"),
    (optim.SGDScheduleFree, dict(lr=-1.0), ValueError, "lr must lie in [0.0, inf)"),
    (optim.SGDScheduleFree, dict(betas=(0.9, 0.99)), TypeError, "unknown hyperparameter(s) ['betas']"),
    (optim.AdamWScheduleFree, dict(foreach=True), TypeError, "unknown hyperparameter(s) ['foreach']"),
])
def test_bad_hyperparameters(cls, hyper, exc, message):
    with pytest.raises(exc) as info:
        cls([np.zeros(2)], **hyper)
    assert message in str(info.value)


def test_catalog_rows():
    for name, cls in CLASSES.items():
        e = optim.catalog.entry(name)
        assert e.cls is cls and e.torch is None and optim.get(name, [np.zeros(1)]).__class__ is cls
    assert optim.catalog.find("Schedule-Free AdamW").name == "adamwschedulefree"
    assert optim.catalog.find("Schedule-Free SGD").name == "sgdschedulefree"
    assert optim.catalog.find("sgd-schedulefree").name == "sgdschedulefree"
    assert optim.catalog.entry("sgdschedulefree").generic_hyper({"beta": 0.8}) == {"momentum": 0.8}
