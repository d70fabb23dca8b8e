"""Bad input to optimlib's optimizers raises an error naming the argument and its valid range
(issue 3, "Bad input")."""
from __future__ import annotations

import re

import numpy as np
import pytest

from optimlib import optim
from optimlib.optim.momentum_forms import VelocitySGD

NAMES = sorted(optim.OPTIMIZERS)
#: the tests that build an optimizer over params() (a vector and a matrix) leave out those that
#: update matrices only; Muon's versions of them are in tests/test_optim_muon.py
VECTOR_NAMES = [n for n in NAMES if not optim.catalog.entry(n).matrices_only]
WITH_BETAS = [n for n in NAMES if "betas" in optim.OPTIMIZERS[n].defaults]
#: one eps (Adafactor's is a pair, checked in tests/test_adafactor.py)
WITH_EPS = [n for n in NAMES if not isinstance(optim.OPTIMIZERS[n].defaults.get("eps", ()), tuple)]
NAN = float("nan")


def params():
    return [np.zeros(3), np.ones((2, 2))]


def raises(exc, *fragments):
    """``pytest.raises`` whose message must contain every fragment, literally."""
    return pytest.raises(exc, match=".*".join(re.escape(f) for f in fragments))


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("lr", [-1e-3, NAN, float("inf")])
def test_bad_learning_rate(name, lr):
    with raises(ValueError, "lr must lie in [0.0, inf)"):
        optim.get(name, params(), lr=lr)


@pytest.mark.parametrize("name", VECTOR_NAMES)
def test_bad_learning_rate_set_later(name):
    opt = optim.get(name, params())
    with raises(ValueError, "lr must lie in [0.0, inf)"):
        opt.lr = -0.1
    with raises(TypeError, "lr must be a real number"):
        opt.lr = "0.1"
    opt.lr = 0.5
    assert opt.lr == opt.hyper["lr"] == 0.5


@pytest.mark.parametrize("name", WITH_BETAS)
@pytest.mark.parametrize("betas, which", [((1.0, 0.999), 0), ((-0.1, 0.999), 0), ((NAN, 0.9), 0),
                                          ((0.9, 1.0), 1), ((0.9, 1.5), 1), ((0.9, -1e-9), 1)])
def test_betas_outside_0_1(name, betas, which):
    with raises(ValueError, f"betas[{which}] must lie in [0.0, 1.0)"):
        optim.get(name, params(), betas=betas)


@pytest.mark.parametrize("name", WITH_BETAS)
@pytest.mark.parametrize("betas", [0.9, (0.9,), (0.9, 0.99, 0.999)])
def test_betas_not_a_pair(name, betas):
    with raises(TypeError, "betas must be a pair", "[0, 1)"):
        optim.get(name, params(), betas=betas)


@pytest.mark.parametrize("name", WITH_EPS)
@pytest.mark.parametrize("eps", [0.0, -1e-8, NAN])
def test_eps_not_positive(name, eps):
    with raises(ValueError, "eps must lie in (0.0, inf)"):
        optim.get(name, params(), eps=eps)


@pytest.mark.parametrize("name, range_", [("sgd", "[0.0, 1.0)"), ("rmsprop", "[0.0, inf)")])
def test_negative_momentum(name, range_):
    with raises(ValueError, f"momentum must lie in {range_}"):
        optim.get(name, params(), momentum=-0.9)


@pytest.mark.parametrize("momentum", [1.0, 1.5])
def test_sgd_momentum_of_one_or_more_is_refused(momentum):
    """With mu >= 1 the velocity keeps every gradient forever: the iteration cannot converge."""
    with raises(ValueError, f"momentum must lie in [0.0, 1.0), got {momentum}"):
        optim.SGD(params(), momentum=momentum)


@pytest.mark.parametrize("hyper, message", [
    (dict(etas=0.5), "etas must be a pair (eta_minus, eta_plus with 0 < eta_minus < 1 < eta_plus)"),
    (dict(etas=(0.5, 1.2, 2.0)), "etas must be a pair"),
    (dict(step_sizes=1e-6), "step_sizes must be a pair (min, max with 0 <= min <= max)"),
    (dict(etas=("0.5", 1.2)), "etas[0] must be a real number"),
])
def test_rprop_pairs(hyper, message):
    with raises(TypeError, message):
        optim.get("rprop", params(), **hyper)


def test_nesterov_without_momentum():
    with raises(ValueError, "nesterov=True requires momentum > 0 and dampening = 0"):
        optim.get("sgd", params(), nesterov=True)
    with raises(ValueError, "nesterov=True requires momentum > 0 and dampening = 0"):
        optim.get("sgd", params(), nesterov=True, momentum=0.9, dampening=0.1)


@pytest.mark.parametrize("name, hyper, message", [
    ("sgd", dict(dampening=1.5), "dampening must lie in [0.0, 1.0]"),
    ("sgd", dict(weight_decay=-0.1), "weight_decay must lie in [0.0, inf)"),
    ("adam", dict(weight_decay=-0.1), "weight_decay must lie in [0.0, inf)"),
    ("adagrad", dict(lr_decay=-0.1), "lr_decay must lie in [0.0, inf)"),
    ("adagrad", dict(initial_accumulator_value=-1.0), "initial_accumulator_value must lie in [0.0, inf)"),
    ("rmsprop", dict(alpha=1.5), "alpha must lie in [0.0, 1.0]"),
    ("adadelta", dict(rho=-0.5), "rho must lie in [0.0, 1.0]"),
    ("nadam", dict(momentum_decay=-1e-3), "momentum_decay must lie in [0.0, inf)"),
    ("yogi", dict(initial_accumulator_value=-1e-6), "initial_accumulator_value must lie in [0.0, inf)"),
    ("rprop", dict(etas=(0.0, 1.2)), "etas[0] must lie in (0.0, 1.0)"),
    ("rprop", dict(etas=(1.0, 1.2)), "etas[0] must lie in (0.0, 1.0)"),
    ("rprop", dict(etas=(0.5, 1.0)), "etas[1] must lie in (1.0, inf)"),
    ("rprop", dict(etas=(0.5, NAN)), "etas[1] must lie in (1.0, inf)"),
    ("rprop", dict(step_sizes=(-1e-6, 50)), "step_sizes[0] must lie in [0.0, inf)"),
    ("rprop", dict(step_sizes=(1e-3, 1e-4)), "step_sizes[1] must lie in [0.001, inf)"),
    ("rprop", dict(step_sizes=(1e-6, float("inf"))), "step_sizes[1] must lie in [1e-06, inf)"),
])
def test_other_hyperparameters_out_of_range(name, hyper, message):
    with raises(ValueError, message):
        optim.get(name, params(), **hyper)


@pytest.mark.parametrize("name, flag", [("adam", "amsgrad"), ("adamw", "amsgrad"),
                                        ("adam", "decoupled_weight_decay"),
                                        ("nadam", "decoupled_weight_decay"),
                                        ("radam", "decoupled_weight_decay"),
                                        ("rmsprop", "centered")])
def test_flag_must_be_a_bool(name, flag):
    with raises(TypeError, f"{flag} must be True or False"):
        optim.get(name, params(), **{flag: 0.9})


@pytest.mark.parametrize("name", NAMES)
def test_unknown_hyperparameter(name):
    with raises(TypeError, "unknown hyperparameter(s) ['learning_rate']", "it accepts", "'lr'"):
        optim.get(name, params(), learning_rate=0.1)


def test_adamw_has_no_decoupled_switch():
    """As in torch: AdamW's decay is always decoupled."""
    with raises(TypeError, "unknown hyperparameter(s) ['decoupled_weight_decay']"):
        optim.get("adamw", params(), decoupled_weight_decay=False)


def test_unknown_name_lists_the_known_ones():
    with raises(ValueError, "unknown optimizer 'adamm' (did you mean 'adam'?); known: gd, sgd, "
                "momentum, nesterov, adagrad"):
        optim.get("adamm", params())
    with raises(TypeError, "an optimizer name must be a string such as 'adam', got NoneType"):
        optim.get(None, params())
    with raises(ValueError, "'random_search' is not an optimizer that steps on gradients"):
        optim.get("random_search", params())


@pytest.mark.parametrize("name", NAMES)
def test_integer_parameters(name):
    with raises(TypeError, "params[1] must have a floating dtype (float32 or float64), got int64"):
        optim.get(name, [np.zeros(3), np.arange(4)])


@pytest.mark.parametrize("name", NAMES)
def test_other_bad_parameters(name):
    with raises(ValueError, "params is empty"):
        optim.get(name, [])
    with raises(TypeError, "params[0] must be a NumPy array, got list"):
        optim.get(name, [[1.0, 2.0]])
    with raises(ValueError, "params[0] must be a writeable C-contiguous array"):
        optim.get(name, [np.zeros((4, 4))[:, 0]])
    p = np.zeros(3)
    with raises(ValueError, "params holds the same array more than once"):
        optim.get(name, [p, p])


@pytest.mark.parametrize("name", VECTOR_NAMES)
def test_wrong_gradients_change_nothing(name):
    ps = params()
    opt = optim.get(name, ps)
    with raises(ValueError, "got 1 gradients for 2 parameters"):
        opt.step([np.ones(3)])
    with raises(ValueError, "got 3 gradients for 2 parameters"):
        opt.step([np.ones(3), np.ones((2, 2)), np.ones(1)])
    with raises(ValueError, "grads[1] has shape (4,) but params[1] has shape (2, 2)"):
        opt.step([np.ones(3), np.ones(4)])
    with raises(TypeError, "grads[0] must be a NumPy array, got list"):
        opt.step([[1.0, 1.0, 1.0], np.ones((2, 2))])
    assert opt.t == 0 and all(not s for s in opt.state)
    assert np.array_equal(ps[0], np.zeros(3)) and np.array_equal(ps[1], np.ones((2, 2)))


@pytest.mark.parametrize("name", VECTOR_NAMES)
def test_load_state_dict_checks_shapes(name):
    kw = {"momentum": 0.9} if name in ("sgd", "rmsprop") else {}
    opt = optim.get(name, params(), **kw)
    opt.step([np.ones(3), np.ones((2, 2))])
    sd = opt.state_dict()
    with raises(ValueError, "state_dict holds state for 2 parameters, this optimizer has 1"):
        optim.get(name, [np.zeros(3)]).load_state_dict(sd)
    if sd["state"][0]:
        other = optim.get(name, [np.zeros(3), np.zeros(4)], **kw)
        if set(other.init_state(np.zeros(4))) == set(sd["state"][1]):
            with raises(ValueError, "of parameter 1 has shape (2, 2),", "keeps it with shape (4,)"):
                other.load_state_dict(sd)
        else:  # a factored state: a matrix keeps other buffers than a vector
            # (Adafactor's row_var/col_var, Shampoo's L and R against a vector's sum)
            with raises(ValueError, "state of parameter 1 holds ['"):
                other.load_state_dict(sd)


def test_load_state_dict_of_another_optimizer():
    adam = optim.get("adam", [np.zeros(3)])
    adam.step([np.ones(3)])
    with raises(ValueError, "state_dict holds hyperparameter(s) ['amsgrad', 'betas', 'decoupled_weight_decay', 'eps']"):
        optim.get("sgd", [np.zeros(3)]).load_state_dict(adam.state_dict())


@pytest.mark.parametrize("cls", [optim.SGD, VelocitySGD])
def test_nesterov_must_be_a_bool(cls):
    """A number where the switch belongs is a misplaced argument, as for every other flag."""
    with raises(TypeError, "nesterov must be True or False, got float 0.9"):
        cls(params(), momentum=0.9, nesterov=0.9)
