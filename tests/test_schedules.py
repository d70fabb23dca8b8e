"""optimlib.schedules equals torch.optim.lr_scheduler (stored and live), and refuses bad input.

``tests/reference/torch_schedules.json`` was written by ``tools/make_schedule_reference.py``:
for each configuration, torch's ``get_last_lr()[0]`` (or one-cycle's momentum) after
t = 0..steps calls of ``scheduler.step()``. ``f(t)`` must agree to 1e-12 relative.
"""
from __future__ import annotations

import importlib.util
import json
import math
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from optimlib import schedules as S

ROOT = Path(__file__).resolve().parent.parent
REF = ROOT / "tests" / "reference" / "torch_schedules.json"
GENERATOR = ROOT / "tools" / "make_schedule_reference.py"
RTOL = 1e-12


@cache
def reference() -> dict:
    return json.loads(REF.read_text())


@cache
def generator():
    spec = importlib.util.spec_from_file_location("make_schedule_reference", GENERATOR)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def build(name: str, kwargs: dict):
    kw = {k: v for k, v in kwargs.items() if not k.startswith("_")}  # "_optimizer": torch's side only
    if name == "sequential":
        return S.sequential([build(c["schedule"], c["kwargs"]) for c in kw["schedules"]],
                            kw["milestones"])
    return getattr(S, name)(**kw)


def assert_equal_rel(ours, ref, what):
    ours, ref = np.asarray(ours), np.asarray(ref)
    err = np.abs(ours - ref)
    bad = err > RTOL * np.abs(ref)
    assert not bad.any(), (f"{what}: first differs at t = {np.argmax(bad)}: "
                           f"{ours[bad][0]!r} vs torch {ref[bad][0]!r}")


def test_reference_covers_every_torch_schedule():
    names = {c["schedule"] for c in reference()["configs"]}
    assert names == set(generator().TORCH_NAMES)
    assert reference()["torch_version"].startswith("2.")


@pytest.mark.parametrize("i", range(len(reference()["configs"])))
def test_equal_to_stored_torch(i):
    c = reference()["configs"][i]
    f = build(c["schedule"], c["kwargs"])
    assert_equal_rel([f(t) for t in range(c["steps"] + 1)], c["values"], f.__name__)


def test_stored_configs_are_the_generators():
    stored = [{k: v for k, v in c.items() if k != "values"} for c in reference()["configs"]]
    assert stored == json.loads(json.dumps(generator().CONFIGS))


@pytest.mark.parametrize("i", range(len(generator().CONFIGS)))
def test_equal_to_live_torch(i):
    pytest.importorskip("torch")
    c = generator().CONFIGS[i]
    f = build(c["schedule"], c["kwargs"])
    assert_equal_rel([f(t) for t in range(c["steps"] + 1)], generator().torch_values(c), f.__name__)


# -- the surprises, stated as facts -------------------------------------------------------------

def test_cosine_rises_again_after_T_max():
    f = S.cosine_annealing_lr(0.1, T_max=10)
    assert f(10) == 0.0
    assert f(15) == pytest.approx(0.05) and f(20) == pytest.approx(0.1)
    assert f(7) == pytest.approx(f(33))  # period 2 T_max


def test_one_cycle_past_total_steps_raises():
    f = S.one_cycle_lr(0.1, total_steps=10)
    f(10)
    with pytest.raises(ValueError, match="total_steps=10"):
        f(11)


def test_warm_restarts_cycle_lengths():
    f = S.cosine_annealing_warm_restarts(1.0, T_0=2, T_mult=3)
    restarts = [t for t in range(1, 60) if f(t) == 1.0]
    assert restarts == [2, 8, 26]  # 2, 2 + 6, 2 + 6 + 18


def test_inverse_sqrt_is_vaswanis_formula():
    d, w = 512, 4000
    f = S.warmup_inverse_sqrt((d * w) ** -0.5, warmup_steps=w)
    for s in (1, 10, 3999, 4000, 4001, 10_000, 100_000):
        assert f(s - 1) == pytest.approx(d ** -0.5 * min(s ** -0.5, s * w ** -1.5), rel=1e-14)


def test_warmup_cosine_is_hugging_faces_formula():
    w, T = 10, 50
    f = S.warmup_cosine(2.0, warmup_steps=w, total_steps=T)
    for t in range(T + 5):
        hf = t / w if t < w else max(0.0, 0.5 * (1 + math.cos(math.pi * min(1.0, (t - w) / (T - w)))))
        assert f(t) == pytest.approx(2.0 * hf, rel=1e-14, abs=1e-15)


@pytest.mark.parametrize("decay", ["linear", "1-sqrt", "cosine"])
def test_wsd_phases(decay):
    f = S.warmup_stable_decay(1.0, warmup_steps=4, stable_steps=10, decay_steps=8, final_lr=0.1, decay=decay)
    assert [f(t) for t in range(5)] == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert all(f(t) == 1.0 for t in range(4, 15))
    decaying = [f(t) for t in range(14, 23)]
    assert all(a > b for a, b in zip(decaying, decaying[1:]))
    assert f(22) == pytest.approx(0.1) and f(100) == pytest.approx(0.1)


def test_sequential_restarts_each_clock():
    f = S.sequential([S.constant(1.0), S.exponential_lr(1.0, 0.5)], [3])
    assert [f(t) for t in range(6)] == [1.0, 1.0, 1.0, 1.0, 0.5, 0.25]


def test_names_show_the_arguments():
    assert S.step_lr(0.1, 5).__name__ == "step_lr(lr=0.1, step_size=5, gamma=0.1)"


# -- bad input ---------------------------------------------------------------------------------

BAD = [
    (lambda: S.step_lr(-0.1, 5), ValueError, "lr"),
    (lambda: S.step_lr(float("nan"), 5), ValueError, "lr"),
    (lambda: S.step_lr(0.1, 0), ValueError, "step_size"),
    (lambda: S.step_lr(0.1, 2.5), TypeError, "step_size"),
    (lambda: S.step_lr(0.1, 5, gamma=float("inf")), ValueError, "gamma"),
    (lambda: S.multistep_lr(0.1, [5, 5]), ValueError, "strictly increasing"),
    (lambda: S.multistep_lr(0.1, [10, 5]), ValueError, "strictly increasing"),
    (lambda: S.multistep_lr(0.1, [0, 5]), ValueError, r"milestones\[0\]"),
    (lambda: S.multistep_lr(0.1, 5), TypeError, "milestones"),
    (lambda: S.exponential_lr(0.1, -0.5), ValueError, "gamma"),
    (lambda: S.cosine_annealing_lr(0.1, 0), ValueError, "T_max"),
    (lambda: S.cosine_annealing_lr(0.1, -3), ValueError, "T_max"),
    (lambda: S.cosine_annealing_lr(0.1, 10, eta_min=-1e-3), ValueError, "eta_min"),
    (lambda: S.linear_lr(0.1, start_factor=0.0), ValueError, "start_factor"),
    (lambda: S.linear_lr(0.1, end_factor=1.5), ValueError, "end_factor"),
    (lambda: S.linear_lr(0.1, total_iters=0), ValueError, "total_iters"),
    (lambda: S.cosine_annealing_warm_restarts(0.1, 0), ValueError, "T_0"),
    (lambda: S.cosine_annealing_warm_restarts(0.1, 5, T_mult=1.5), TypeError, "T_mult"),
    (lambda: S.one_cycle_lr(0.1, 100, pct_start=0.0), ValueError, "pct_start"),
    (lambda: S.one_cycle_lr(0.1, 100, pct_start=1.0), ValueError, "pct_start"),
    (lambda: S.one_cycle_lr(0.1, 100, pct_start=0.6, three_phase=True), ValueError, "pct_start"),
    (lambda: S.one_cycle_lr(0.1, 10, pct_start=0.1), ValueError, "length 0"),
    (lambda: S.one_cycle_lr(0.1, 100, anneal_strategy="cosine"), ValueError, "anneal_strategy"),
    (lambda: S.one_cycle_lr(0.1, 0), ValueError, "total_steps"),
    (lambda: S.one_cycle_lr(0.1, 100, div_factor=0.0), ValueError, "div_factor"),
    (lambda: S.one_cycle_momentum(100, max_momentum=1.5), ValueError, "max_momentum"),
    (lambda: S.sequential([S.constant(0.1)], [5]), ValueError, "one entry fewer"),
    (lambda: S.sequential([S.constant(0.1), 0.2], [5]), TypeError, r"schedules\[1\]"),
    (lambda: S.sequential([], []), TypeError, "non-empty"),
    (lambda: S.warmup_cosine(0.1, 10, 10), ValueError, "warmup_steps"),
    (lambda: S.warmup_inverse_sqrt(0.1, 0), ValueError, "warmup_steps"),
    (lambda: S.warmup_stable_decay(0.1, 5, 10, 0), ValueError, "decay_steps"),
    (lambda: S.warmup_stable_decay(0.1, 5, 10, 5, decay="sqrt"), ValueError, "decay"),
    (lambda: S.constant(0.1)(-1), ValueError, "integer >= 0"),
    (lambda: S.constant(0.1)(1.5), TypeError, "integer >= 0"),
]


@pytest.mark.parametrize("make, error, match", BAD)
def test_bad_input_names_the_argument(make, error, match):
    with pytest.raises(error, match=match):
        make()


# -- the range test ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def digits():
    from optimlib.data import load_digits
    return load_digits(validation=True)


def test_range_test_sweeps_exponentially_and_restores_the_model(digits):
    from optimlib.nn import build_mlp
    from optimlib import optim
    model = build_mlp((64, 16, 10), seed=0)
    before = [p.copy() for p in model.params]
    opt = optim.get("sgd", model.params, lr=0.01, momentum=0.9)
    r = S.lr_range_test(model, opt, digits, start_lr=1e-4, end_lr=10.0, steps=100)
    assert all(np.array_equal(p, q) for p, q in zip(model.params, before))
    assert opt.t == 0 and opt.lr == 0.01
    ratios = r.lrs[1:] / r.lrs[:-1]
    np.testing.assert_allclose(ratios, (10.0 / 1e-4) ** (1 / 99), rtol=1e-12)
    assert r.lrs[0] == 1e-4 and len(r.losses) == len(r.lrs) == len(r.smoothed)
    # the suggestion lies where the loss falls, below the lowest point of the curve
    assert 1e-2 < r.suggested_lr <= r.min_loss_lr < 10.0
    assert r.smoothed[-1] > r.smoothed.min() + 0.5  # the sweep went past the edge


def test_range_test_suggestion_trains_well(digits):
    from optimlib.nn import build_mlp
    from optimlib.train import fit
    r = S.lr_range_test(build_mlp((64, 32, 10), seed=0), "sgd", digits, start_lr=1e-4,
                        end_lr=10.0, momentum=0.9)
    h = fit(build_mlp((64, 32, 10), seed=0), "sgd", digits, 5, progress=False,
            lr=r.suggested_lr, momentum=0.9)
    assert not h.diverged and h.val_acc[-1] > 0.9


def test_range_test_bad_input(digits):
    from optimlib.nn import build_mlp
    m = build_mlp((64, 8, 10), seed=0)
    with pytest.raises(ValueError, match="end_lr"):
        S.lr_range_test(m, "sgd", digits, start_lr=1.0, end_lr=0.1)
    with pytest.raises(ValueError, match="steps"):
        S.lr_range_test(m, "sgd", digits, steps=3)
    with pytest.raises(ValueError, match="start_lr"):
        S.lr_range_test(m, "sgd", digits, start_lr=0.0)
    with pytest.raises(ValueError, match="start lower"):
        S.lr_range_test(m, "sgd", digits, start_lr=1e3, end_lr=1e4)


def test_restarting_torchs_recursive_cosine_from_a_checkpoint():
    """The chapter's pitfall: a fresh CosineAnnealingLR over a restored optimizer runs a new
    cosine scaled to the current lr (torch's recursion), not the intended schedule."""
    torch = pytest.importorskip("torch")
    import warnings
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=0.3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, 100)
        for _ in range(30):
            opt.step()
            sched.step()
        resumed = torch.optim.SGD([p], lr=0.3)
        resumed.load_state_dict(opt.state_dict())
        fresh = torch.optim.lr_scheduler.CosineAnnealingLR(resumed, 100)
        for _ in range(70):
            resumed.step()
            fresh.step()
    f = S.cosine_annealing_lr(0.3, 100)
    assert fresh.get_last_lr()[0] == pytest.approx(f(30) * (1 + math.cos(math.pi * 0.7)) / 2, rel=1e-12)
    assert f(100) == 0.0
