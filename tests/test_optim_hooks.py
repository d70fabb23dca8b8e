"""The base class's hooks: signatures from defaults, update's arguments, schedules of any
hyperparameter, buffer shapes and factored state, per-parameter checks, train/eval modes and
several optimizers acting as one."""
from __future__ import annotations

import inspect
import pydoc

import numpy as np
import pytest

from optimlib import optim
from optimlib.nn import build_mlp
from optimlib.optim import Combined, Optimizer
from optimlib.optim.momentum_forms import VelocitySGD
from optimlib.train import fit, minimize
from optimlib.problems import QUADRATIC

NAMES = sorted(optim.OPTIMIZERS)
CLASSES = [*optim.OPTIMIZERS.values(), VelocitySGD]


def raises(exc, *fragments):
    import re
    return pytest.raises(exc, match=".*".join(re.escape(f) for f in fragments))


# -- signatures -----------------------------------------------------------------------------------
@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_signature_lists_the_hyperparameters_with_their_defaults(cls):
    sig = inspect.signature(cls)
    fused = ["fused"] if cls.fused_update else []  # not a hyperparameter: a way of computing the step
    assert list(sig.parameters) == ["params", *cls.defaults, *fused]
    assert {k: p.default for k, p in sig.parameters.items() if k not in ("params", "fused")} == cls.defaults
    assert f"{cls.__name__}(params, *, lr={cls.defaults['lr']!r}" in pydoc.render_doc(cls)
    sig.bind([np.zeros(2)], **cls.defaults)  # the signature accepts what __init__ accepts


def test_signature_of_adam_reads_like_torchs():
    assert str(inspect.signature(optim.Adam)) == (
        "(params, *, lr=0.001, betas=(0.9, 0.999), eps=1e-08, weight_decay=0.0, amsgrad=False, "
        "decoupled_weight_decay=False, fused=False)")


def test_a_subclass_with_its_own_init_keeps_its_own_signature():
    class Custom(optim.SGD):
        def __init__(self, params, lr=0.5):
            super().__init__(params, lr=lr)
    assert str(inspect.signature(Custom)) == "(params, lr=0.5)"


# -- update receives only what it names ------------------------------------------------------------
@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_update_names_only_hyperparameters_it_uses(cls):
    """Every keyword-only name of update appears in its body: no unused argument is shown."""
    if cls._update_takes is None:  # AdamW forwards **hyper to Adam's update
        return
    body = inspect.getsource(cls.update).split(":\n", 1)[1]
    for name in cls._update_takes:
        assert name in body, f"{cls.__name__}.update takes {name} but never uses it"


def test_update_gets_exactly_its_keywords():
    seen = []

    class Probe(Optimizer):
        defaults = dict(lr=0.1, unused=3.0)

        def update(self, p, g, *, lr):
            seen.append(lr)
            p -= lr * g

    Probe([np.ones(2)]).step([np.ones(2)])
    assert seen == [0.1]


def test_update_naming_an_unknown_hyperparameter_fails_at_class_creation():
    with raises(TypeError, "Bad.update takes ['bogus'], which are not in Bad.defaults"):
        class Bad(Optimizer):
            defaults = dict(lr=0.1)

            def update(self, p, g, *, lr, bogus):
                pass


# -- schedules drive any hyperparameter ------------------------------------------------------------
class _Quadratic:
    def value(self, x):
        return float(x @ x)

    def grad(self, x):
        return 2 * x


def test_schedule_dict_drives_several_hyperparameters_with_t_from_zero():
    seen = []
    opt = optim.SGD([np.array([1.0, -1.0])], lr=0.1, momentum=0.5)

    def lr(t):
        seen.append(("lr", t, opt.t))
        return 0.1 / (1 + t)

    def mom(t):
        seen.append(("momentum", t))
        return 0.5 + 0.1 * t

    minimize(_Quadratic(), opt, None, 3, schedule={"lr": lr, "momentum": mom})
    assert [s[1] for s in seen if s[0] == "lr"] == [0, 1, 2]           # t = steps already taken
    assert opt.hyper["lr"] == 0.1 / 3 and opt.hyper["momentum"] == pytest.approx(0.7)


def test_scheduled_momentum_equals_setting_it_by_hand():
    x1, x2 = np.array([1.0, 2.0]), np.array([1.0, 2.0])
    a = optim.SGD([x1], lr=0.1, momentum=0.8)
    minimize(_Quadratic(), a, None, 5, schedule={"momentum": lambda t: 0.8 - 0.1 * t})
    b = optim.SGD([x2], lr=0.1, momentum=0.8)
    for t in range(5):
        b.set_hyper(momentum=0.8 - 0.1 * t)
        b.step([2 * x2])
    np.testing.assert_array_equal(x1, x2)


def test_fit_schedule_dict(small):
    model = build_mlp((64, 8, 10), seed=0)
    opt = optim.get("sgd", model.params, lr=0.1, momentum=0.9)
    fit(model, opt, small, 1, 100, progress=False,
        schedule={"lr": lambda t: 0.1 * (t + 1), "momentum": lambda t: 0.9 - 0.01 * t})
    n = opt.t
    assert opt.hyper["lr"] == pytest.approx(0.1 * n) and opt.hyper["momentum"] == pytest.approx(0.9 - 0.01 * (n - 1))


def test_schedule_errors():
    opt = optim.SGD([np.zeros(2)], lr=0.1)
    with raises(TypeError, "schedule drives unknown hyperparameter(s) ['betas']", "SGD accepts"):
        minimize(_Quadratic(), opt, [1.0, 1.0], 3, schedule={"betas": lambda t: (0.9, 0.9)})
    with raises(TypeError, "schedule must be a function of the step count t"):
        minimize(_Quadratic(), opt, [1.0, 1.0], 3, schedule=0.1)
    with raises(ValueError, "momentum must lie in [0.0,"):
        opt.set_hyper(momentum=-0.5)
    assert opt.hyper["momentum"] == 0.0  # a refused value changes nothing


def test_a_schedule_may_not_change_the_buffers_kept():
    opt = optim.SGD([np.ones(2)], lr=0.1)
    opt.step([np.ones(2)])
    with raises(ValueError, "changes which buffers SGD keeps"):
        opt.set_hyper(momentum=0.9)
    assert opt.hyper["momentum"] == 0.0
    opt.set_hyper(lr=0.2)
    assert opt.lr == 0.2


# -- buffers of another shape: a factored state ----------------------------------------------------
class Factored(Optimizer):
    """Adafactor's idea in a few lines (test only): a matrix's second moment kept as a row and a
    column average, v ~ outer(r, c) / mean(r)."""

    defaults = dict(lr=0.1, beta=0.9)
    elementwise = False

    def init_state(self, p):
        return {"row": np.zeros(p.shape[0]), "col": np.zeros(p.shape[1])}

    def update(self, p, g, row, col, *, lr, beta):
        row *= beta
        row += (1 - beta) * (g * g).mean(axis=1)
        col *= beta
        col += (1 - beta) * (g * g).mean(axis=0)
        v = np.outer(row, col) / row.mean()
        p -= lr * g / (np.sqrt(v) + 1e-30)

    def check_param(self, i, p):
        if p.ndim != 2:
            raise ValueError(f"params[{i}] has shape {p.shape}: Factored needs a matrix")


def test_factored_state_round_trips_bit_exactly():
    rng = np.random.default_rng(0)
    W = rng.standard_normal((4, 3))
    opt = Factored([W])
    for _ in range(3):
        opt.step([rng.standard_normal((4, 3))])
    sd, W_saved = opt.state_dict(), W.copy()
    g = rng.standard_normal((4, 3))
    opt.step([g])
    expected = W.copy()
    W2 = W_saved.copy()
    resumed = Factored([W2])
    resumed.load_state_dict(sd)
    assert all(np.array_equal(a, b) for a, b in zip(resumed.state[0].values(), sd["state"][0].values()))
    resumed.step([g])
    np.testing.assert_array_equal(W2, expected)


def test_factored_state_shapes_are_checked_against_init_state():
    opt = Factored([np.ones((4, 3))])
    opt.step([np.ones((4, 3))])
    sd = opt.state_dict()
    with raises(ValueError, "state 'row' of parameter 0 has shape (4,),", "keeps it with shape (5,)"):
        Factored([np.ones((5, 3))]).load_state_dict(sd)
    sd["state"][0] = {"row": np.zeros(4)}
    with raises(ValueError, "state of parameter 0 holds ['row'], Factored keeps ['col', 'row']"):
        Factored([np.ones((4, 3))]).load_state_dict(sd)


def test_an_elementwise_optimizer_needs_buffers_of_the_parameters_shape():
    class Wrong(Optimizer):
        defaults = dict(lr=0.1)

        def init_state(self, p):
            return {"v": np.zeros(p.shape[0])}

        def update(self, p, g, v, *, lr):
            p -= lr * g

    with raises(ValueError, "Wrong.init_state made 'v' of shape (4,) for params[0] of shape "
                "(4, 3)", "set elementwise = False"):
        Wrong([np.ones((4, 3))]).step([np.ones((4, 3))])


def test_per_parameter_check_at_construction():
    with raises(ValueError, "params[1] has shape (3,): Factored needs a matrix"):
        Factored([np.ones((2, 2)), np.ones(3)])


# -- train / eval ----------------------------------------------------------------------------------
class Swapping(optim.SGD):
    """Evaluated at the negated point (test only): eval() and train() flip the parameters."""

    def switch_mode(self, training):
        for p in self.params:
            np.negative(p, out=p)


def test_train_eval_modes():
    x = np.array([1.0, 2.0])
    opt = Swapping([x], lr=0.1)
    assert opt.training and opt.eval() is opt and not opt.training
    np.testing.assert_array_equal(x, [-1.0, -2.0])
    opt.eval()                                   # no change: the hook runs on a change only
    np.testing.assert_array_equal(x, [-1.0, -2.0])
    with raises(RuntimeError, "Swapping is in eval mode: call .train() before step"):
        opt.step([x])
    assert opt.state_dict()["training"] is False
    opt.train()
    np.testing.assert_array_equal(x, [1.0, 2.0])
    resumed = optim.SGD([np.zeros(2)])
    resumed.load_state_dict({**optim.SGD([np.zeros(2)]).state_dict(), "training": False})
    assert not resumed.training
    with raises(TypeError, "mode must be True or False"):
        opt.train(1)


def test_fit_evaluates_in_eval_mode_and_trains_in_train_mode(small):
    model = build_mlp((64, 8, 10), seed=0)
    modes = []

    class Recording(optim.SGD):
        def switch_mode(self, training):
            modes.append(training)

    opt = Recording(model.params, lr=0.1)
    fit(model, opt, small, 2, 100, progress=False)
    assert modes == [False, True, False, True] and opt.training


# -- several optimizers as one ---------------------------------------------------------------------
def test_combined_equals_its_parts_run_separately(small):
    a, b = build_mlp((64, 8, 10), seed=0), build_mlp((64, 8, 10), seed=0)
    W, bias = a.params[::2], a.params[1::2]
    opt = Combined(a.params, [optim.Adam(W, lr=1e-2), optim.SGD(bias, lr=0.1, momentum=0.9)])
    ha = fit(a, opt, small, 2, 64, progress=False, schedule={"lr": lambda t: 0.01 / (1 + t)})

    # the same by hand: each part steps on its own arrays' gradients, over the same batches
    from optimlib.data import batches
    adam, sgd = optim.Adam(b.params[::2], lr=1e-2), optim.SGD(b.params[1::2], lr=0.1, momentum=0.9)
    X, y, rng = small[0], small[1], np.random.default_rng(0)
    for _ in range(2):
        for idx in batches(len(X), 64, rng):
            adam.lr = sgd.lr = 0.01 / (1 + adam.t)
            b.loss_and_grad(X[idx], y[idx])
            adam.step(b.grads[::2])
            sgd.step(b.grads[1::2])
    for p, q in zip(a.params, b.params):
        np.testing.assert_array_equal(p, q)
    assert opt.t == adam.t and ha.epochs_run == 2
    sd = opt.state_dict()
    again = Combined(a.params, [optim.Adam(W, lr=1.0), optim.SGD(bias, momentum=0.5)])
    again.load_state_dict(sd)
    assert again.parts[0].lr == opt.parts[0].lr and again.parts[1].hyper["momentum"] == 0.9


def test_combined_refuses_missing_shared_and_foreign_arrays():
    ps = [np.zeros((2, 2)), np.zeros(2), np.zeros(3)]
    with raises(ValueError, "params[2] (shape (3,)) belongs to no part"):
        Combined(ps, [optim.SGD(ps[:1]), optim.Adam(ps[1:2])])
    with raises(ValueError, "params[1] (shape (2,)) is in parts[0] and parts[1]"):
        Combined(ps, [optim.SGD(ps[:2]), optim.Adam(ps[1:])])
    with raises(ValueError, "parts[1].params[0] (shape (2,)) is not one of params"):
        Combined(ps, [optim.SGD(ps), optim.Adam([np.zeros(2)])])
    with raises(TypeError, "parts must be a non-empty list of Optimizers"):
        Combined(ps, [])
    with raises(TypeError, "no part of this Combined optimizer has hyperparameter(s) ['rho']"):
        Combined(ps, [optim.SGD(ps[:1]), optim.Adam(ps[1:])]).set_hyper(rho=0.9)


def test_combined_in_minimize_and_modes():
    x = np.array([1.0, 1.0])
    opt = Combined([x], [optim.SGD([x], lr=0.1)])
    tr = minimize(QUADRATIC, opt, None, 5)
    assert len(tr.xs) == 6 and opt.t == 5
    assert opt.eval() is opt and not opt.training and not opt.parts[0].training


@pytest.fixture(scope="module")
def small():
    from optimlib.data import load_digits
    d = load_digits()
    return d.X_train[:300], d.y_train[:300], d.X_test[:100], d.y_test[:100]
