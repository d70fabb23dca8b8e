"""Each optimizer's ``effective_lr`` is the step size its update actually applies: the last step
moved every coordinate by ``-effective_lr * direction``, the direction being what the class
documents (the gradient, or the first moment)."""
from __future__ import annotations

import numpy as np
import pytest

from optimlib import optim


def _g(opt, g, s):
    return g


def _m(opt, g, s):
    return s["exp_avg"]


def _nadam(opt, g, s):
    mu, mu_next, prod = opt.mu(opt.t), opt.mu(opt.t + 1), opt.shared["mu_product"]
    return (1 - mu) / (1 - prod) * g + mu_next / (1 - prod * mu_next) * s["exp_avg"]


def _lion(opt, g, s):
    """sign(c), c = beta1 m_{t-1} + (1 - beta1) g, with m_{t-1} recovered from m_t."""
    b1, b2 = opt.hyper["betas"]
    m_prev = (s["exp_avg"] - (1 - b2) * g) / b2
    return np.sign(b1 * m_prev + (1 - b1) * g)


def _shampoo(opt, g, s):
    """The preconditioned gradient, with the cached roots for a matrix."""
    return s["L_root"] @ g @ s["R_root"] if g.ndim == 2 else g / np.sqrt(s["sum"])


#: name, hyperparameters, the direction the step size multiplies
CASES = [
    ("sgd", {"lr": 0.1}, _g),
    ("sgd", {"lr": 0.1, "momentum": 0.9}, lambda o, g, s: s["momentum_buffer"]),
    ("adagrad", {"lr": 0.3, "lr_decay": 0.1}, _g),
    ("rmsprop", {"lr": 0.01}, _g),
    ("rmsprop", {"lr": 0.01, "centered": True}, _g),
    ("adam", {"lr": 0.05}, _m),
    ("adam", {"lr": 0.05, "amsgrad": True}, _m),
    ("adamw", {"lr": 0.05, "weight_decay": 0.0}, _m),
    ("adamax", {"lr": 0.05}, _m),
    ("nadam", {"lr": 0.05}, _nadam),
    ("radam", {"lr": 0.05}, _m),                       # rho_t > 5 at step 8
    ("radam", {"lr": 0.05, "betas": (0.9, 0.5)}, _m),  # rho_t <= 5 throughout: the SGD branch
    ("rprop", {"lr": 0.05}, lambda o, g, s: np.sign(s["prev"])),  # prev: g, zeroed after a flip
    ("lion", {"lr": 0.05}, _lion),
    ("shampoo", {"lr": 0.05, "update_freq": 3}, _shampoo),
    ("yogi", {"lr": 0.05, "initial_accumulator_value": 0.1}, _m),
]
#: Muon takes matrices only: its case has its own parameters (below)
MUON_CASES = [{"lr": 0.05}, {"lr": 0.05, "nesterov": False, "adjust_lr_fn": "match_rms_adamw"}]


@pytest.mark.parametrize("name, hyper, direction", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_effective_lr_is_what_the_last_step_applied(name, hyper, direction):
    rng = np.random.default_rng(3)
    params = [rng.standard_normal((3, 4)), rng.standard_normal(5)]
    opt = optim.get(name, params, **hyper)
    for _ in range(7):
        opt.step([rng.standard_normal(p.shape) for p in params])
    before = [p.copy() for p in params]
    grads = [rng.standard_normal(p.shape) for p in params]
    opt.step(grads)
    for p0, p, g, s, e in zip(before, params, grads, opt.state, opt.effective_lr()):
        np.testing.assert_allclose(p - p0, -e * direction(opt, g, s), rtol=1e-10, atol=1e-15)


@pytest.mark.parametrize("hyper", MUON_CASES)
def test_muon_effective_lr_is_what_the_last_step_applied(hyper):
    """Muon's direction is the orthogonalised (Nesterov) momentum O_t."""
    from optimlib.optim.muon import zeropower_via_newtonschulz
    rng = np.random.default_rng(3)
    params = [rng.standard_normal((3, 4)), rng.standard_normal((6, 2))]
    opt = optim.Muon(params, weight_decay=0.0, **hyper)
    for _ in range(7):
        opt.step([rng.standard_normal(p.shape) for p in params])
    before = [p.copy() for p in params]
    grads = [rng.standard_normal(p.shape) for p in params]
    opt.step(grads)
    h = opt.hyper
    for p0, p, g, s, e in zip(before, params, grads, opt.state, opt.effective_lr()):
        mu, B = h["momentum"], s["momentum_buffer"]
        u = (1 - mu) * g + mu * B if h["nesterov"] else B
        O = zeropower_via_newtonschulz(u, h["ns_coefficients"], h["ns_steps"], h["eps"])
        np.testing.assert_allclose(p - p0, -e * O, rtol=1e-10, atol=1e-15)


def test_adadelta_effective_lr_is_the_next_steps_when_v_stays_put():
    rng = np.random.default_rng(4)
    params = [rng.standard_normal(6)]
    opt = optim.Adadelta(params, lr=0.5)
    for _ in range(5):
        opt.step([rng.standard_normal(6)])
    e = opt.effective_lr()[0]
    g = np.sqrt(opt.state[0]["square_avg"]) * rng.choice([-1.0, 1.0], 6)  # g^2 = v: v unchanged
    p0 = params[0].copy()
    opt.step([g])
    np.testing.assert_allclose(params[0] - p0, -e * g, rtol=1e-10)


@pytest.mark.parametrize("name", sorted(set(optim.OPTIMIZERS) - {"sgd"}))
def test_effective_lr_needs_a_step(name):
    with pytest.raises(ValueError, match="has taken no step yet"):
        optim.get(name, [np.zeros((3, 2))]).effective_lr()  # a matrix: Muon takes no vector
