"""optimlib.optim.catalog: one row per name the book uses, read by optim.get, viz, runs, the
benchmarks and the torch reference tool; an unknown name is an error everywhere."""
from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

import numpy as np
import pytest

from optimlib import optim, runs, viz
from optimlib.optim import catalog
from optimlib.optim.adagrad_forms import KerasAdagrad
from optimlib.optim.momentum_forms import VelocitySGD
from optimlib.problems import QUADRATIC


def test_every_optimizer_class_has_its_row():
    """A class written in optimlib/optim/ is reachable by name (VelocitySGD and KerasAdagrad
    exist only to be compared with SGD and Adagrad; framework_forms.FORMS with the frameworks)."""
    from optimlib.optim.framework_forms import FORMS
    classes = set()
    for m in pkgutil.iter_modules(optim.__path__):
        mod = importlib.import_module(f"optimlib.optim.{m.name}")
        classes |= {c for _, c in inspect.getmembers(mod, inspect.isclass)
                    if issubclass(c, optim.Optimizer) and c is not optim.Optimizer
                    and c.__module__ == mod.__name__}
    assert classes - {VelocitySGD, KerasAdagrad, *FORMS} == set(optim.OPTIMIZERS.values())
    for name, cls in optim.OPTIMIZERS.items():
        assert getattr(optim, cls.__name__) is cls and name == cls.__name__.lower()


def test_matrices_only_says_which_classes_refuse_vectors():
    """The flag agrees with the class's own per-parameter check."""
    for name, cls in optim.OPTIMIZERS.items():
        try:
            cls([np.zeros(2)])
            refuses = False
        except ValueError as e:
            assert "params[0] has shape (2,)" in str(e)
            refuses = True
        assert catalog.entry(name).matrices_only == refuses, name
        cls([np.zeros((2, 3))])   # every optimizer takes a matrix


def test_rows_are_complete_and_colours_unique():
    cols = [e.color.lower() for e in catalog.CATALOG.values()]
    assert len(set(cols)) == len(cols)
    for e in catalog.CATALOG.values():
        assert re.fullmatch(r"#[0-9A-Fa-f]{6}", e.color) and e.label
        if e.cls is not None:
            assert e.demo_lr is not None and e.beta in (None, "momentum", "betas", "alpha", "rho")
            assert set(e.preset) <= set(e.cls.defaults)
            if e.beta not in (None, "betas"):
                assert e.beta in e.cls.defaults
    assert viz.COLORS == {n: e.color for n, e in catalog.CATALOG.items()}
    assert set(runs.DEMO_LR) == {n for n, e in catalog.CATALOG.items() if e.cls is not None}


def test_presets_and_aliases():
    x = [np.zeros(2)]
    assert optim.get("Nesterov", x).hyper["nesterov"] is True
    assert optim.get("heavy-ball", x).hyper["momentum"] == 0.9
    assert optim.get("amsgrad", x, lr=0.1).hyper["amsgrad"] is True
    assert optim.get("momentum", x, momentum=0.5).hyper["momentum"] == 0.5  # a preset is a default
    assert catalog.find("Random search").name == "random_search" and catalog.find("adamm") is None
    assert viz.color("Adam (lr=0.1)") == catalog.entry("adam").color


def test_generic_beta():
    assert catalog.entry("adam").generic_hyper({"beta": 0.8, "beta2": 0.9}) == {"betas": (0.8, 0.9)}
    assert catalog.entry("rmsprop").generic_hyper({"beta": 0.8}) == {"alpha": 0.8}
    assert catalog.entry("nesterov").generic_hyper({"beta": 0.0}) == {"momentum": 0.0, "nesterov": False}
    with pytest.raises(ValueError, match="gd has no averaging constant for beta to set"):
        catalog.entry("gd").generic_hyper({"beta": 0.5})
    with pytest.raises(ValueError, match="rmsprop has one averaging constant \\(alpha\\), no beta2"):
        catalog.entry("rmsprop").generic_hyper({"beta2": 0.5})


def test_unknown_names_are_errors_everywhere():
    with pytest.raises(ValueError, match="unknown optimizer 'no_such_method'"):
        runs.run(QUADRATIC, "no_such_method")
    with pytest.raises(ValueError, match="unknown optimizer 'no_such_method'"):
        viz.sweep(QUADRATIC, "no_such_method", steps=3, lr=[0.1, 0.2])
    with pytest.raises(ValueError, match="unknown optimizer 'adamm' \\(did you mean 'adam'\\?\\)"):
        catalog.entry("adamm")
    with pytest.raises(TypeError, match="an optimizer name must be a string"):
        catalog.entry(3)
