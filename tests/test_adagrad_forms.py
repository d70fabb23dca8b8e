"""KerasAdagrad (ε inside the root) equals Keras 3's Adagrad step for step, and differs from
torch's Adagrad exactly where the text says it does."""
from __future__ import annotations

import importlib.util
import json
import os
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from optimlib.optim import Adagrad
from optimlib.optim.adagrad_forms import KerasAdagrad

ROOT = Path(__file__).resolve().parent.parent
REF = ROOT / "tests" / "reference" / "keras_adagrad.npz"
ATOL = 1e-12


@cache
def generator():
    spec = importlib.util.spec_from_file_location("make_keras_adagrad_reference",
                                                  ROOT / "tools" / "make_keras_adagrad_reference.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@cache
def reference() -> dict:
    with np.load(REF) as d:
        return {k: d[k] for k in d.files}


def optimlib_run(config: dict, prob: dict) -> dict:
    gen = generator()
    ps = [np.array(prob[f"x0_{k}"], dtype=np.float64) for k in range(len(gen.SHAPES))]
    # Keras keeps the learning rate in a float32 variable, whatever the parameters' dtype:
    # its 0.001 is float32(0.001) = 0.0010000000475, a relative 5e-8 away
    lr = float(np.float32(config.get("lr", KerasAdagrad.defaults["lr"])))
    opt = KerasAdagrad(ps, **{**config, "lr": lr})
    out = {}
    for t in range(1, gen.STEPS + 1):
        opt.step([gen.gradient(prob, k, t, p) for k, p in enumerate(ps)])
        if t in gen.CHECKPOINTS:
            for k, p in enumerate(ps):
                out[(k, t)] = p.copy()
    return out


def test_reference_covers_the_generator_configs():
    ref = reference()
    assert json.loads(str(ref["configs"])) == generator().CONFIGS
    assert json.loads(str(ref["configs"]))[0] == {}   # Keras's defaults are checked too


@pytest.mark.parametrize("i", range(len(generator().CONFIGS)))
def test_equals_stored_keras_trajectory(i):
    ref = reference()
    config = generator().CONFIGS[i]
    for (k, t), p in optimlib_run(config, ref).items():
        np.testing.assert_allclose(p, ref[f"{i}/{k}/{t}"], rtol=0, atol=ATOL,
                                   err_msg=f"config {config}, parameter {k}, step {t}")


@pytest.mark.parametrize("i", range(len(generator().CONFIGS)))
def test_equals_keras_live(i):
    os.environ.setdefault("KERAS_BACKEND", "torch")
    pytest.importorskip("keras")
    gen = generator()
    prob = gen.problem()
    ours, theirs = optimlib_run(gen.CONFIGS[i], prob), gen.keras_run(gen.CONFIGS[i], prob)
    for key in ours:
        np.testing.assert_allclose(ours[key], theirs[key], rtol=0, atol=ATOL)


def test_defaults_are_keras_and_optax_defaults():
    assert KerasAdagrad.defaults == {"lr": 1e-3, "initial_accumulator_value": 0.1, "eps": 1e-7}


def test_first_step_differs_from_torch_by_the_accumulator_and_the_root():
    g = np.array([1e-6, 1e-3, 1.0, 100.0])
    x, z = np.zeros(4), np.zeros(4)
    Adagrad([x], lr=1.0).step([g])                      # torch: a full step, sign(g), for any |g|
    KerasAdagrad([z], lr=1.0).step([g])                 # Keras: g / sqrt(0.1 + g² + 1e-7)
    np.testing.assert_allclose(x, -g / (np.abs(g) + 1e-10), rtol=1e-15)   # ε: 1e-4 off at |g| = 1e-6
    assert np.all(np.abs(x + np.sign(g)) < 1e-4)
    np.testing.assert_allclose(z, -g / np.sqrt(0.1 + g * g + 1e-7), rtol=1e-15)
    zero_acc = np.zeros(4)
    KerasAdagrad([zero_acc], lr=1.0, initial_accumulator_value=0.0).step([g])
    np.testing.assert_allclose(zero_acc, -g / np.sqrt(g * g + 1e-7), rtol=1e-15)


@pytest.mark.parametrize("bad,msg", [(dict(eps=0.0), "eps"), (dict(lr=-1.0), "lr"),
                                     (dict(initial_accumulator_value=-0.1), "initial_accumulator_value")])
def test_bad_hyperparameters_are_refused(bad, msg):
    with pytest.raises(ValueError, match=msg):
        KerasAdagrad([np.zeros(2)], **bad)
