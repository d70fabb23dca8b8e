"""The optimizers written the way blog posts and tutorials write them: out of place.

Each line such as ``m = b1 * m + (1 - b1) * g`` allocates a new full-size array for every
operator and walks memory once per operator. That is the baseline optimlib's in-place, sliced
updates are measured against (``benchmarks/run.py``: the naive/optimlib column).

The functions follow torch.optim's conventions (the same hyperparameter names and defaults as
optimlib), so that the benchmark can check they compute the same numbers as optimlib before it
times them. Each takes a parameter ``p``, its gradient ``g``, a dict ``s`` of state arrays (filled
on the first call) and the 1-based step ``t``, and returns the new parameter.
"""
from __future__ import annotations

import math

import numpy as np

from optimlib import optim

__all__ = ["STEPS", "NaiveOptimizer"]


def sgd(p, g, s, t, lr=1e-3, momentum=0.0):
    if momentum:
        v = s.get("v", np.zeros_like(p))
        v = momentum * v + g
        s["v"] = v
        g = v
    return p - lr * g


def adagrad(p, g, s, t, lr=1e-2, eps=1e-10):
    G = s.get("G", np.zeros_like(p))
    G = G + g ** 2
    s["G"] = G
    return p - lr * g / (np.sqrt(G) + eps)


def rmsprop(p, g, s, t, lr=1e-2, alpha=0.99, eps=1e-8):
    v = s.get("v", np.zeros_like(p))
    v = alpha * v + (1 - alpha) * g ** 2
    s["v"] = v
    return p - lr * g / (np.sqrt(v) + eps)


def adadelta(p, g, s, t, lr=1.0, rho=0.9, eps=1e-6):
    v = s.get("v", np.zeros_like(p))
    u = s.get("u", np.zeros_like(p))
    v = rho * v + (1 - rho) * g ** 2
    delta = np.sqrt(u + eps) / np.sqrt(v + eps) * g
    u = rho * u + (1 - rho) * delta ** 2
    s["v"], s["u"] = v, u
    return p - lr * delta


def adam(p, g, s, t, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, decoupled=False):
    b1, b2 = betas
    if weight_decay and decoupled:
        p = p - lr * weight_decay * p
    elif weight_decay:
        g = g + weight_decay * p
    m = s.get("m", np.zeros_like(p))
    v = s.get("v", np.zeros_like(p))
    m = b1 * m + (1 - b1) * g
    v = b2 * v + (1 - b2) * g ** 2
    s["m"], s["v"] = m, v
    mhat = m / (1 - b1 ** t)
    vhat = v / (1 - b2 ** t)
    return p - lr * mhat / (np.sqrt(vhat) + eps)


def adamw(p, g, s, t, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2):
    return adam(p, g, s, t, lr, betas, eps, weight_decay, decoupled=True)


def adamax(p, g, s, t, lr=2e-3, betas=(0.9, 0.999), eps=1e-8):
    b1, b2 = betas
    m = s.get("m", np.zeros_like(p))
    u = s.get("u", np.zeros_like(p))
    m = b1 * m + (1 - b1) * g
    u = np.maximum(b2 * u, np.abs(g) + eps)
    s["m"], s["u"] = m, u
    return p - lr / (1 - b1 ** t) * m / u


def nadam(p, g, s, t, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, momentum_decay=4e-3):
    b1, b2 = betas
    mu = b1 * (1 - 0.5 * 0.96 ** (t * momentum_decay))
    mu_next = b1 * (1 - 0.5 * 0.96 ** ((t + 1) * momentum_decay))
    s["mu_product"] = s.get("mu_product", 1.0) * mu
    mu_product = s["mu_product"]
    m = s.get("m", np.zeros_like(p))
    v = s.get("v", np.zeros_like(p))
    m = b1 * m + (1 - b1) * g
    v = b2 * v + (1 - b2) * g ** 2
    s["m"], s["v"] = m, v
    denom = np.sqrt(v / (1 - b2 ** t)) + eps
    p = p - lr * (1 - mu) / (1 - mu_product) * g / denom
    return p - lr * mu_next / (1 - mu_product * mu_next) * m / denom


def radam(p, g, s, t, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
    b1, b2 = betas
    m = s.get("m", np.zeros_like(p))
    v = s.get("v", np.zeros_like(p))
    m = b1 * m + (1 - b1) * g
    v = b2 * v + (1 - b2) * g ** 2
    s["m"], s["v"] = m, v
    mhat = m / (1 - b1 ** t)
    rho_inf = 2 / (1 - b2) - 1
    rho_t = rho_inf - 2 * t * b2 ** t / (1 - b2 ** t)
    if rho_t > 5:
        l = math.sqrt(1 - b2 ** t) / (np.sqrt(v) + eps)
        r = math.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
        return p - lr * mhat * r * l
    return p - lr * mhat


#: the optimizer's name in ``optimlib.optim.catalog`` -> its naive step (an optimizer without one
#: is timed without the naive column, and the report says so)
STEPS = {"sgd": sgd, "adagrad": adagrad, "rmsprop": rmsprop, "adadelta": adadelta, "adam": adam,
         "adamw": adamw, "adamax": adamax, "nadam": nadam, "radam": radam}
_stray = sorted(set(STEPS) - set(optim.catalog.optimizers()))
if _stray:
    raise ValueError(f"naive steps for {_stray}, which are not optimizers of the catalog")


class NaiveOptimizer:
    """``opt.step(grads)`` over a list of parameters, rebinding ``opt.params[i]`` each step
    (out of place: the caller's arrays are not changed)."""

    def __init__(self, name: str, params, **hyper):
        if name not in STEPS:
            raise KeyError(f"no naive version of {name!r}")
        self.fn = STEPS[name]
        self.hyper = hyper
        self.params = [np.array(p) for p in params]
        self.states = [{} for _ in self.params]
        self.t = 0

    def step(self, grads) -> None:
        self.t += 1
        for i, (g, s) in enumerate(zip(grads, self.states)):
            self.params[i] = self.fn(self.params[i], g, s, self.t, **self.hyper)
