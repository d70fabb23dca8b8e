"""Keras 3's and optax's optimizers equal optimlib's under the maps of
``optimlib.optim.framework_forms``, step for step, on stored trajectories and live.

``tests/reference/frameworks.npz`` is written by ``tools/make_framework_reference.py``;
``tests/reference/keras_workflow.npz`` by ``tools/make_keras_workflow_reference.py``.
"""
from __future__ import annotations

import importlib.util
import inspect
import json
import os
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from optimlib.nn import build_mlp
from optimlib.optim import Adam, NAdam, RMSprop
from optimlib.optim import framework_forms as ff

ROOT = Path(__file__).resolve().parent.parent
REF = ROOT / "tests" / "reference" / "frameworks.npz"
WORKFLOW = ROOT / "tests" / "reference" / "keras_workflow.npz"
ATOL = 1e-12


def _load(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@cache
def gen():
    return _load("make_framework_reference")


@cache
def reference() -> dict:
    with np.load(REF) as d:
        return {k: d[k] for k in d.files}


def cases() -> list[dict]:
    return json.loads(str(reference()["cases"]))


def meta() -> dict:
    return json.loads(str(reference()["meta"]))


def problem() -> dict:
    return {k: v for k, v in reference().items() if k.split("_")[0] in ("x0", "A", "noise")}


def optimlib_run(case: dict, prob: dict, steps: int = 100) -> dict[str, np.ndarray]:
    ps = [np.array(prob[f"x0_{k}"], dtype=np.float64) for k in range(3)]
    build = ff.keras_equivalent if case["framework"] == "keras" else ff.optax_equivalent
    opt = build(case["optimizer"], ps, **case["kwargs"])
    out = {str(k): np.empty((steps, *p.shape)) for k, p in enumerate(ps)}
    for t in range(1, steps + 1):
        opt.step([gen().gradient(prob, k, t, p) for k, p in enumerate(ps)])
        for k, p in enumerate(ps):
            out[str(k)][t - 1] = p
    return out


def worst(ours: dict, theirs: dict) -> float:
    assert set(ours) == set(theirs)
    return max(float(np.max(np.abs(ours[k] - theirs[k]))) for k in theirs)


# -- stored ---------------------------------------------------------------------------------------
def test_reference_is_current():
    m = meta()
    assert (m["keras"], m["optax"], m["jax"], m["keras_backend"]) == ("3.15.1", "0.2.8", "0.10.2",
                                                                       "torch")
    assert cases() == gen().CASES, ("tests/reference/frameworks.npz is stale: run "
                                    "python3 tools/make_framework_reference.py")
    assert {c["optimizer"] for c in cases() if c["framework"] == "keras"} == set(ff.KERAS)
    assert {c["optimizer"] for c in cases() if c["framework"] == "optax"} == set(ff.OPTAX)
    assert REF.stat().st_size < 1.5e6


@pytest.mark.parametrize("case", cases(), ids=lambda c: c["id"])
def test_matches_stored_framework_trajectory(case):
    ref = reference()
    theirs = {str(k): ref[f"{case['id']}/{k}"] for k in range(3)}
    d = worst(optimlib_run(case, problem()), theirs)
    assert d <= ATOL, f"{case['id']} {case['kwargs']}: differs by {d:.3g}"


def test_worst_difference_per_framework_and_optimizer(capsys):
    """Report: the worst difference from optimlib per (framework, optimizer)."""
    ref, prob, table = reference(), problem(), {}
    for c in cases():
        theirs = {str(k): ref[f"{c['id']}/{k}"] for k in range(3)}
        key = (c["framework"], c["optimizer"])
        table[key] = max(table.get(key, 0.0), worst(optimlib_run(c, prob), theirs))
    with capsys.disabled():
        print("\nworst |optimlib - framework| over 100 steps, all settings:")
        for (fw, name), d in sorted(table.items()):
            print(f"  {fw:6s} {name:9s} {d:.1e}")
    assert max(table.values()) <= ATOL


@pytest.mark.parametrize("case", [c for c in cases() if c["kwargs"].get("learning_rate")],
                         ids=lambda c: c["id"])
def test_comparison_detects_a_tiny_change(case):
    ref = reference()
    kw = {**case["kwargs"], "learning_rate": case["kwargs"]["learning_rate"] * (1 + 1e-6)}
    theirs = {str(k): ref[f"{case['id']}/{k}"] for k in range(3)}
    assert worst(optimlib_run({**case, "kwargs": kw}, problem()), theirs) > 1e3 * ATOL


def test_the_forms_matter_torch_forms_do_not_reproduce_the_frameworks():
    """Each difference the maps encode is real: torch's form at the same values misses."""
    ref, prob = reference(), problem()

    def miss(case_id, cls, **hyper):
        ps = [np.array(prob[f"x0_{k}"]) for k in range(3)]
        opt = cls(ps, **hyper)
        out = {str(k): np.empty((100, *p.shape)) for k, p in enumerate(ps)}
        for t in range(1, 101):
            opt.step([gen().gradient(prob, k, t, p) for k, p in enumerate(ps)])
            for k, p in enumerate(ps):
                out[str(k)][t - 1] = p
        return worst(out, {str(k): ref[f"{case_id}/{k}"] for k in range(3)})

    assert miss("keras-Adam-12", Adam, lr=0.05, betas=(0.8, 0.99), eps=1e-3) > 1e-4     # epsilon-hat
    assert miss("keras-RMSprop-06", RMSprop, lr=0.01, alpha=0.95, eps=1e-4) > 1e-5      # eps in root
    assert miss("keras-Nadam-20", NAdam, lr=0.05, betas=(0.8, 0.99), eps=1e-7) > 1e-3   # psi
    assert miss("optax-amsgrad-16", Adam, lr=0.05, betas=(0.8, 0.99), amsgrad=True) > 1e-3


def test_keras_adam_is_torch_adam_with_a_growing_eps():
    """eps_t = eps / sqrt(1 - beta2^t), set before each step, turns torch's Adam into Keras's."""
    ref, prob = reference(), problem()
    ps = [np.array(prob[f"x0_{k}"]) for k in range(3)]
    opt = Adam(ps, lr=0.05, betas=(0.8, 0.99), eps=1e-3)
    for t in range(1, 101):
        opt.set_hyper(eps=1e-3 / (1 - 0.99 ** t) ** 0.5)
        opt.step([gen().gradient(prob, k, t, p) for k, p in enumerate(ps)])
    for k, p in enumerate(ps):
        np.testing.assert_allclose(p, ref[f"keras-Adam-12/{k}"][-1], rtol=0, atol=ATOL)


def test_the_maps_defaults_are_the_frameworks_defaults():
    d = meta()["defaults"]
    for fw, table in (("keras", ff.KERAS), ("optax", ff.OPTAX)):
        for name, fn in table.items():
            ours = {k: p.default for k, p in inspect.signature(fn).parameters.items()
                    if p.default is not inspect.Parameter.empty}
            theirs = {k: v for k, v in d[fw][name].items() if v != "required"}
            if name in ("Adam",) or fw == "keras" and name != "AdamW":
                theirs.pop("weight_decay", None)
                ours.pop("weight_decay", None)
            assert {k: ours[k] for k in ours if k in theirs} == {k: theirs[k] for k in ours
                                                                 if k in theirs}, (fw, name)
            assert set(ours) <= set(theirs), (fw, name, set(ours) - set(theirs))


def test_bad_names_are_refused():
    with pytest.raises(ValueError, match="no map"):
        ff.keras_equivalent("Adamw", [np.zeros(2)])
    with pytest.raises(TypeError, match="str"):
        ff.optax_equivalent(3, [np.zeros(2)])
    with pytest.raises(ValueError, match="eps_root"):
        ff.optax_equivalent("adam", [np.zeros(2)], learning_rate=0.1, eps_root=1e-8)
    with pytest.raises(ValueError, match="floatx"):
        ff.keras_equivalent("Adam", [np.zeros(2)], floatx="float16")


def test_keras_float32_learning_rate_is_rounded():
    opt = ff.keras_equivalent("Adam", [np.zeros(2)], floatx="float32")
    assert opt.lr == float(np.float32(1e-3)) != 1e-3
    assert ff.keras_equivalent("Adam", [np.zeros(2)]).lr == 1e-3


# -- live ----------------------------------------------------------------------------------------
def _live_cases(framework):
    return [c for c in gen().CASES if c["framework"] == framework]


@pytest.mark.parametrize("case", _live_cases("keras"), ids=lambda c: c["id"])
def test_matches_live_keras(case):
    os.environ.setdefault("KERAS_BACKEND", "torch")
    keras = pytest.importorskip("keras")
    if keras.backend.backend() != "torch":
        pytest.skip("the reference runs Keras on its torch backend")
    prob = problem()
    assert worst(optimlib_run(case, prob), gen().run(case, prob)) <= ATOL


@pytest.mark.parametrize("case", _live_cases("optax"), ids=lambda c: c["id"])
def test_matches_live_optax(case):
    pytest.importorskip("optax")
    prob = problem()
    assert worst(optimlib_run(case, prob), gen().run(case, prob)) <= ATOL


# -- the Keras workflow --------------------------------------------------------------------------
@cache
def workflow():
    with np.load(WORKFLOW) as d:
        return {k: d[k] for k in d.files}


def optimlib_workflow():
    W = _load("make_keras_workflow_reference")
    s = W.setup()
    model = build_mlp(W.SIZES, seed=W.SEED)
    opt = ff.keras_equivalent("Adam", model.params)
    losses = []
    for _ in range(W.EPOCHS):
        for b in W.batches(len(s["X"])):
            losses.append(model.loss_and_grad(s["X"][b], s["y"][b]))
            opt.step(model.grads)
    return W, s, np.array(losses), model


def test_workflow_optimlib_equals_torch_and_keras():
    W, s, losses, model = optimlib_workflow()
    ref = workflow()
    np.testing.assert_array_equal(s["order"], ref["order"])
    for i, w in enumerate(s["init"]):
        np.testing.assert_array_equal(w, ref[f"init_{i}"])
    assert len(losses) == W.EPOCHS * 36
    # torch, and Keras with float64 kept by its type promotion: float64 round-off
    for name in ("torch", "keras64"):
        assert np.max(np.abs(losses - ref[f"{name}_loss"])) < 1e-12, name
        for i, p in enumerate(model.params):
            np.testing.assert_allclose(p, ref[f"{name}_w_{i}"], rtol=0, atol=1e-12, err_msg=name)
    # Keras as shipped multiplies in float32: agreement to float32 round-off, no better
    d = np.max(np.abs(losses - ref["keras_loss"]))
    assert 1e-8 < d < 1e-5
    ev = json.loads(str(ref["evidence"]))
    assert ev["floatx"] == "float64" and ev["result_type"] == "float32" and ev["matmul_error"] > 1e-7
    # only the matrix product drops to float32: elementwise ops keep float64, and a Dense layer
    # returns float64 with float32's error
    assert ev["add_dtype"] == "float64" and ev["matmul_dtype"] == "float32"
    assert ev["dense_dtype"] == "float64" and ev["dense_error"] > 1e-8


def test_keras_promotes_float64_to_float32_live():
    os.environ.setdefault("KERAS_BACKEND", "torch")
    keras = pytest.importorskip("keras")
    W = _load("make_keras_workflow_reference")
    ev = W.keras_matmul_evidence()
    assert ev == json.loads(str(workflow()["evidence"]))
    with W.float64_promotion():
        from keras.src.backend.common import dtypes
        assert dtypes.result_type("float64", "float64") == "float64"


#: the (framework, optimizer) pairs whose update is torch's form with the same values
SAME_AS_TORCH = {("keras", "SGD"), ("keras", "Adadelta"), ("keras", "Lion"), ("optax", "sgd"),
                 ("optax", "adadelta"), ("optax", "adam"), ("optax", "adamw"),
                 ("optax", "adamax"), ("optax", "lion"), ("optax", "yogi")}


def test_a_naive_port_misses_exactly_where_the_forms_differ():
    ref, prob, miss = reference(), problem(), {}
    for c in cases():
        ps = [np.array(prob[f"x0_{k}"]) for k in range(3)]
        opt = ff.naive_port(c["framework"], c["optimizer"], ps, **c["kwargs"])
        out = {str(k): np.empty((100, *p.shape)) for k, p in enumerate(ps)}
        for t in range(1, 101):
            opt.step([gen().gradient(prob, k, t, p) for k, p in enumerate(ps)])
            for k, p in enumerate(ps):
                out[str(k)][t - 1] = p
        key = (c["framework"], c["optimizer"])
        miss[key] = max(miss.get(key, 0.0), worst(out, {str(k): ref[f"{c['id']}/{k}"] for k in range(3)}))
    assert {k for k, d in miss.items() if d <= ATOL} == SAME_AS_TORCH
    assert min(d for k, d in miss.items() if k not in SAME_AS_TORCH) > 1e-6


def test_naive_port_refuses_bad_names():
    with pytest.raises(TypeError, match="framework"):
        ff.naive_port(None, "Adam", [np.zeros(2)])
    with pytest.raises(ValueError, match="no map"):
        ff.naive_port("keras", "Adafactor", [np.zeros(2)])


def test_live_defaults_are_the_stored_ones():
    os.environ.setdefault("KERAS_BACKEND", "torch")
    pytest.importorskip("keras")
    pytest.importorskip("optax")
    pytest.importorskip("torch")
    assert gen().framework_defaults() == meta()["defaults"]
