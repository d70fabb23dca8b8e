"""The exercise checks of chapter 7, Adagrad."""
from __future__ import annotations

import math
import warnings

import numpy as np

from . import exercise, expect, expect_close, fail, call, _fmt, _number

__all__ = ["check_adagrad_first_step", "check_best_diagonal", "check_adagrad_travel",
           "check_sparse_experiment"]


@exercise("Adagrad's first step")
def check_adagrad_first_step(answer):
    g = np.array([1e-3, 1e3])
    expected = -0.1 * g / (np.abs(g) + 1e-10)
    got = np.asarray(answer, dtype=float) if not isinstance(answer, str) else answer
    if isinstance(got, np.ndarray) and got.shape == (2,) and np.allclose(got, -0.1 * g):
        fail("θ₁ − θ₀ for torch's Adagrad(lr=0.1), g = [0.001, 1000]", _fmt(expected), _fmt(got),
             "that is SGD's step -lr·g; Adagrad divides by sqrt(s₁) + ε, and s₁ = g²")
    if isinstance(got, np.ndarray) and got.shape == (2,) and np.allclose(got, 0.1 * g / np.abs(g)):
        fail("θ₁ − θ₀ for torch's Adagrad(lr=0.1), g = [0.001, 1000]", _fmt(expected), _fmt(got),
             "the step goes against the gradient: mind the sign")
    expect_close("θ₁ − θ₀ for torch's Adagrad(lr=0.1), g = [0.001, 1000]", answer, expected, rtol=1e-6,
                 hint="s₁ = g², so the step is -lr·g/(|g| + ε): the sign of g times lr")
    return ("-0.1 in both coordinates: the first step of Adagrad (with initial_accumulator_value = 0) is "
            "lr·sign(g), whatever the gradient's size, a millionfold difference in |g| included.")


@exercise("The best diagonal preconditioner")
def check_best_diagonal(best_diagonal):
    rng = np.random.default_rng(7)
    for T, d, c in ((50, 4, 1.0), (200, 7, 3.5)):
        G = rng.standard_normal((T, d)) * np.geomspace(1.0, 0.01, d)
        G[rng.random((T, d)) < 0.5] = 0.0
        s = np.asarray(call(best_diagonal, G.copy(), c), dtype=float)
        expect(s.shape == (d,), f"the diagonal for gradients of shape {G.shape}", f"shape ({d},)", s.shape,
               "one entry s_i per coordinate")
        root = np.sqrt((G ** 2).sum(axis=0))
        right = c * root / root.sum()
        sq = (G ** 2).sum(axis=0)
        if np.allclose(s, c * sq / sq.sum(), rtol=1e-6):
            fail("the diagonal minimising Σₜ gₜᵀ S⁻¹ gₜ with trace c", _fmt(right), _fmt(s),
                 "proportional to the sum of squares is too aggressive: the optimum takes its square root")
        if np.allclose(s, root, rtol=1e-6) and not np.isclose(root.sum(), c):
            fail("the trace of your diagonal", c, _fmt(s.sum()),
                 "the shape is right; scale it so that the entries sum to the budget c")
        expect_close("the diagonal minimising Σₜ gₜᵀ S⁻¹ gₜ with trace c", s, right, rtol=1e-6,
                     hint="Cauchy-Schwarz: (Σ √Gᵢ)² ≤ (Σ Gᵢ/sᵢ)(Σ sᵢ), equality when sᵢ ∝ √Gᵢ, Gᵢ = Σₜ g²ₜᵢ")
    return "s ∝ √(Σₜ gₜ²), coordinate by coordinate: Adagrad's denominator is this choice made online."


def _travel_steps(lr: float = 0.1, distance: float = 10.0) -> int:
    total, t = 0.0, 0
    while total < distance:
        t += 1
        total += lr / math.sqrt(t)
    return t


@exercise("How far Adagrad travels")
def check_adagrad_travel(answer):
    exact = _travel_steps()
    n = _number("the number of steps", answer, exact)
    if np.isclose(n, 100.0) or np.isclose(n, 10.0 / 0.1):
        fail("steps for Adagrad(lr=0.1) to travel 10 along a constant gradient", exact, n,
             "100 steps of 0.1 is SGD with a normalised gradient; Adagrad's t-th step is 0.1/√t")
    if abs(n - exact) > 0.03 * exact:
        fail("steps for Adagrad(lr=0.1) to travel 10 along a constant gradient", f"about {exact}", n,
             "the t-th step is lr/√t and Σ_{t≤T} 1/√t ≈ 2√T: solve 0.2·√T = 10")
    return (f"{exact} steps (2√T ≈ 100 gives 2 500; the exact sum needs {exact}). SGD with lr·|g| = 0.1 "
            "would need 100: the distance grows like √T, not T, the price of the 1/√t step.")


@exercise("A sparse-feature experiment of your own")
def check_sparse_experiment(design):
    """``design``: a dict with ``problem`` (a SparseFeatures), ``sgd_lr``, ``adagrad_lr``,
    ``epochs`` and ``winner`` ("adagrad" or "sgd")."""
    from ..data.sparse import SparseFeatures
    from ..nn import build_mlp
    from ..train import fit
    if callable(design):
        design = call(design)
    keys = {"problem", "sgd_lr", "adagrad_lr", "epochs", "winner"}
    expect(isinstance(design, dict) and keys <= set(design), "your design", f"a dict with keys {sorted(keys)}",
           repr(design) if not isinstance(design, dict) else sorted(design))
    prob, winner = design["problem"], design["winner"]
    expect(isinstance(prob, SparseFeatures), "design['problem']", "a SparseFeatures from make_sparse_features",
           type(prob).__name__)
    expect(winner in ("adagrad", "sgd"), "design['winner']", "'adagrad' or 'sgd'", repr(winner))
    epochs = int(design["epochs"])
    expect(1 <= epochs <= 30 and prob.X_train.size <= 5_000_000, "the experiment's size",
           "at most 30 epochs and 5 million training entries (so that the check runs in seconds)",
           f"{epochs} epochs, {prob.X_train.size} entries")

    def val_loss(name, lr):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            h = fit(build_mlp((prob.n_features, 2), seed=0), name, prob, epochs=epochs,
                    batch_size=32, progress=False, lr=float(lr))
        return math.inf if h.diverged else h.val_loss[-1]

    best = {}
    for name in ("sgd", "adagrad"):
        lr = _number(f"design['{name}_lr']", design[f"{name}_lr"], 0.1)
        losses = {f: val_loss(name, lr * f) for f in (0.5, 1.0, 2.0)}
        better = min(losses, key=losses.get)
        expect(better == 1.0, f"{name}'s learning rate {lr:g} tuned on the validation split",
               f"a validation loss at lr = {lr:g} no worse than at lr/2 and 2·lr",
               ", ".join(f"lr = {lr * f:g}: {v:.4f}" for f, v in losses.items()),
               f"try lr = {lr * better:g}: compare tuned optimizers, or the comparison says nothing")
        best[name] = losses[1.0]
    loser = "sgd" if winner == "adagrad" else "adagrad"
    expect(best[winner] < best[loser], f"your claim that {winner} wins", f"{winner}'s validation loss the lower",
           f"sgd {best['sgd']:.4f}, adagrad {best['adagrad']:.4f}",
           "the claim does not hold for this design; change the problem or the claim")
    return (f"tuned SGD {best['sgd']:.4f}, tuned Adagrad {best['adagrad']:.4f} (validation loss): "
            f"{winner} wins, as you claimed.")
