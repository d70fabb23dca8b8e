"""The exercise checks of chapter 14, the shootout."""
from __future__ import annotations

from math import comb

import numpy as np

from . import exercise, expect, expect_close, fail, call, _fmt

__all__ = ["check_added_optimizer", "check_budget_needed", "check_best_of_k_probability",
           "check_ranking_flip"]


@exercise("Add an optimizer to the shootout")
def check_added_optimizer(answer):
    from .. import shootout as S
    expect(isinstance(answer, (tuple, list)) and len(answer) == 2, "your answer",
           "a pair (cells, chosen_lr)", repr(answer)[:80])
    cells, chosen = answer
    if chosen is ...:
        from . import NotAttempted
        raise NotAttempted
    cells = list(cells)
    expect(len(cells) > 0 and all(isinstance(c, dict) for c in cells), "cells",
           "a list of the dicts run_cell returns", repr(cells)[:80])
    pairs = {(c["task"], c["optimizer"]) for c in cells}
    expect(len(pairs) == 1, "the (task, optimizer) pairs among your cells", "exactly one", sorted(pairs))
    (task, name), = pairs
    lrs = sorted({c["lr"] for c in cells})
    seeds = sorted({c["seed"] for c in cells})
    expect(len(lrs) >= 7 and lrs[-1] / lrs[0] >= 1e3, "the learning rates you tried",
           "at least 7 values spanning at least 3 decades (the protocol's grid is shootout.LR_GRID)",
           _fmt(lrs), "a log-spaced grid: np.logspace or shootout.LR_GRID[::3]")
    expect(len(seeds) >= 2 and len(cells) == len(lrs) * len(seeds), "the seeds",
           "every learning rate run with the same two or more seeds", f"{len(cells)} cells, seeds {seeds}")
    # the cells are genuine: two of them, run again, give the same numbers
    rng = np.random.default_rng(len(cells))
    for i in rng.choice(len(cells), 2, replace=False):
        c = cells[i]
        hyper = {k: v for k, v in c.get("hyper", {}).items()}
        again = S.run_cell(task, name, c["lr"], c["seed"], **hyper)
        expect(again["val_loss"] == c["val_loss"], f"cell {i} run again (lr {c['lr']:.3g}, seed {c['seed']})",
               f"val_loss {c['val_loss']}", f"val_loss {again['val_loss']}",
               "store the hyperparameters you pass to run_cell in the cell: c['hyper'] = {...}")
    sel = S.select(cells, task, name)
    by_test = S.select([{**c, "val_loss": c["test_loss"]} for c in cells], task, name)["lr"]
    if not np.isclose(float(chosen), sel["lr"]) and np.isclose(float(chosen), by_test):
        fail("the learning rate you chose", f"{sel['lr']:.4g}", f"{float(chosen):.4g}",
             "that is the best on the test split: the protocol chooses on the validation split only")
    expect_close("the learning rate you chose", chosen, sel["lr"], rtol=1e-9,
                 hint="the lowest mean validation loss over the seeds, as shootout.select finds it")
    return (f"{name} on {task}: lr {sel['lr']:.3g}, validation loss {sel['val_loss']:.4f}, test loss "
            f"{sel['test_loss']:.4f} ± {sel['test_loss_std']:.4f}. Compare it with the table's row.")


def _budget_needed(scores, tolerance):
    from ..shootout import expected_best_of
    s = np.asarray(scores, float)
    best = np.min(s)
    for k in range(1, s.size + 1):
        if expected_best_of(s, k) <= best * (1 + tolerance):
            return k
    return s.size  # pragma: no cover - k = N always qualifies


@exercise("Change the budget")
def check_budget_needed(budget_needed):
    rng = np.random.default_rng(14)
    cases = [(np.array([0.3, 0.31, 0.5, 0.9, np.inf, np.inf]), 0.05),
             (np.r_[0.1, rng.uniform(0.2, 2.0, 20)], 0.5),
             (np.r_[rng.uniform(1.0, 1.04, 15), np.full(6, np.inf)], 0.05),
             (rng.uniform(0.5, 3.0, 21), 0.2)]
    for scores, tol in cases:
        want = _budget_needed(scores, tol)
        got = call(budget_needed, scores.copy(), tol)
        if isinstance(got, (float, np.floating)) and got != int(got):
            fail(f"budget_needed(..., tolerance={tol})", want, got,
                 "the budget is a whole number of configurations: the smallest k whose expected best "
                 "is within the tolerance")
        k1 = next((k for k in range(1, scores.size + 1)
                   if np.sort(scores)[:k].mean() <= scores.min() * (1 + tol)), None)
        if got != want and got == k1:
            fail(f"budget_needed(..., tolerance={tol})", want, got,
                 "the k configurations are drawn at random, not the k best: use expected_best_of")
        expect(got == want, f"budget_needed for {scores.size} scores, tolerance {tol}", want, got,
               "the smallest k with expected_best_of(scores, k) <= (1 + tolerance) * min(scores)")
    return ("a flat valley (many configurations near the best) needs a budget of 2 or 3; a narrow one "
            "(one good learning rate among many) needs most of the grid.")


@exercise("The chance that a small budget finds a good configuration (a derivation)")
def check_best_of_k_probability(p_hit):
    cases = [(21, 5, 3), (21, 1, 1), (21, 1, 21), (20, 4, 10), (10, 0, 5), (50, 20, 2)]
    for n, m, k in cases:
        want = 1 - comb(n - m, k) / comb(n, k)
        got = call(p_hit, n, m, k)
        wr = 1 - (1 - m / n) ** k
        if not np.isclose(want, wr) and np.isclose(float(got), wr, rtol=1e-9):
            fail(f"p_hit({n}, {m}, {k})", _fmt(want), _fmt(got),
                 "1 - (1 - m/N)^k draws with replacement; the budget tries k different "
                 "configurations: count the draws that miss all m good ones")
        expect_close(f"p_hit(N={n}, m={m}, k={k})", got, want, rtol=1e-9,
                     hint="P(none of the k draws is one of the m good configurations) = C(N-m, k)/C(N, k)")
    # the learner's formula against simulated budgets
    rng = np.random.default_rng(0)
    n, m, k = 21, 4, 3
    hits = np.mean([np.any(rng.choice(n, k, replace=False) < m) for _ in range(20000)])
    expect(abs(hits - float(call(p_hit, n, m, k))) < 0.015,
           "your probability against 20 000 simulated budgets (N = 21, m = 4, k = 3)", _fmt(hits),
           _fmt(call(p_hit, n, m, k)))
    return ("1 - C(N-m, k)/C(N, k): with 4 good learning rates among 21, three random tries find one "
            f"with probability {1 - comb(17, 3) / comb(21, 3):.2f}, twenty with certainty.")


@exercise("A task where the ranking flips (open-ended)")
def check_ranking_flip(design):
    from .. import shootout as S
    d = call(design)
    expect(isinstance(d, dict) and {"task", "better", "worse", "reference"} <= set(d), "design()",
           "a dict with keys task, better, worse, reference", repr(d)[:100])
    task, better, worse, ref = d["task"], d["better"], d["worse"], d["reference"]
    expect(isinstance(task, S.Task) and (task.make is not None or task.problem is not None),
           "design()['task']", "a shootout.Task with make(seed) (a network) or problem (2-D)",
           repr(task)[:80])
    if task.kind == "network":
        steps = task.epochs * -(-len(task.make(0)[1][0]) // task.batch_size)
    else:
        steps = task.steps
    expect(steps <= 4000, "the task's budget", "at most 4 000 steps (epochs x batches), to run here",
           f"{steps} steps")
    data = S.load_results()
    expect(ref in data["config"]["tasks"] and better in data["config"]["optimizers"]
           and worse in data["config"]["optimizers"], "reference, better, worse",
           f"a stored task ({', '.join(data['config']['tasks'])}) and two stored optimizers",
           f"{ref!r}, {better!r}, {worse!r}")
    stored = {o: S.select(data["cells"], ref, o)["val_loss"] for o in (better, worse)}
    expect(stored[worse] < stored[better], f"the stored ranking on {ref}",
           f"{worse} ahead of {better} (so that your task can flip it)",
           f"{better} {stored[better]:.4g}, {worse} {stored[worse]:.4g}",
           "swap better and worse, or pick a reference task on which 'worse' wins")
    lrs = S.LR_GRID[::2]
    cells = [S.run_cell(task, o, lr, s) for o in (better, worse) for lr in lrs for s in (0, 1)]
    mine = {o: S.select(cells, task.name, o) for o in (better, worse)}
    expect(mine[better]["val_loss"] is not None and mine[better]["val_loss"] < mine[worse]["val_loss"],
           f"the tuned validation losses on your task (every second lr of the grid, seeds 0 and 1)",
           f"{better} below {worse}",
           f"{better} {mine[better]['val_loss']}, {worse} {mine[worse]['val_loss']}",
           f"the ranking did not flip: remove what makes {worse} win on {ref}")
    return (f"on {ref} {worse} wins ({stored[worse]:.3g} against {stored[better]:.3g}); on your task "
            f"{better} wins ({mine[better]['val_loss']:.3g} against {mine[worse]['val_loss']:.3g}): a "
            "ranking is a property of the task, not of the optimizer alone.")
