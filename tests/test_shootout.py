"""optimlib.shootout: the protocol's rules (selection on validation only, same seed same numbers),
the exact best-of-k formula, the resumable sweep and the stored results."""
import json
import math

import numpy as np
import pytest

from optimlib import shootout as S
from optimlib.train import minimize


def _strip(c):
    return {k: v for k, v in c.items() if "seconds" not in k}


@pytest.mark.parametrize("task", ["digits_mlp", "autoencoder", "sparse", "rosenbrock"])
def test_same_seed_same_numbers(task):
    a = S.run_cell(task, "adam", 3e-3, seed=1)
    b = S.run_cell(task, "adam", 3e-3, seed=1)
    c = S.run_cell(task, "adam", 3e-3, seed=2)
    assert _strip(a) == _strip(b)
    assert a["val_loss"] != c["val_loss"]      # the seed matters
    assert a["val_loss"] is not None and a["test_loss"] is not None and not a["diverged"]


def test_a_far_too_large_lr_is_reported_as_diverged():
    c = S.run_cell("digits_mlp", "sgd", 10.0, seed=0)
    assert c["diverged"] and c["val_loss"] is None and c["test_loss"] is None
    json.dumps(c)  # JSON-ready: no inf or nan


def test_two_d_runs_equal_separate_minimize_runs():
    # eight starts are run as one (2, 8) array: for coordinate-wise optimizers that is exactly
    # eight separate runs
    task = S.TASKS["rosenbrock"]
    starts = S._starts(task, 0, False)
    for name in ("adam", "momentum", "rprop"):
        c = S.run_cell(task, name, 1e-3, seed=0)
        finals = [task.problem.value(minimize(task.problem, name, x0, task.steps, lr=1e-3).x)
                  for x0 in starts]
        assert c["val_loss"] == pytest.approx(np.mean(finals), rel=1e-12)


def _cells(val, test):
    """Cells for one optimizer on one task: val[lr_index][seed], test likewise."""
    return [dict(task="t", optimizer="o", lr=S.LR_GRID[i], seed=s, val_loss=v, test_loss=test[i][s],
                 test_acc=None, steps_to_target=10, seconds_to_target=0.1)
            for i, row in enumerate(val) for s, v in enumerate(row)]


class Sealed(dict):
    """A cell whose test numbers raise when read, unless it is at the learning rate allowed."""
    allowed = None

    def _check(self, k):
        if k.startswith("test") and self["lr"] != Sealed.allowed:
            raise AssertionError(f"selection read {k} of a configuration it did not select")

    def __getitem__(self, k):
        self._check(k)
        return super().__getitem__(k)

    def get(self, k, default=None):
        self._check(k)
        return super().get(k, default)


def test_selection_reads_validation_only():
    val = [[0.5, 0.6, 0.55], [0.3, 0.35, 0.32], [0.2, None, 0.1], [0.4, 0.41, 0.39]]
    test = [[0.01] * 3, [0.9, 0.8, 0.85], [0.0] * 3, [0.0] * 3]  # the best test is NOT selected
    cells = _cells(val, test)
    sel = S.select(cells, "t", "o")
    assert sel["lr"] == S.LR_GRID[1]                  # lr 2 has a diverged seed: infinite
    assert sel["scores"][S.LR_GRID[2]] == math.inf
    assert sel["test_loss"] == pytest.approx(0.85) and sel["test_loss_std"] == pytest.approx(0.05)
    # the test numbers of the other configurations are never even read
    Sealed.allowed = S.LR_GRID[1]
    assert S.select([Sealed(c) for c in cells], "t", "o")["lr"] == S.LR_GRID[1]
    # and changing them changes nothing
    shuffled = _cells(val, [[-1.0] * 3, [0.9, 0.8, 0.85], [-5.0] * 3, [-9.0] * 3])
    assert S.select(shuffled, "t", "o") == sel


def test_selection_on_real_cells_ignores_a_poisoned_test_split(monkeypatch):
    # train with a test split of noise: validation numbers and the choice are unchanged
    lrs = S.LR_GRID[6:12:2]
    clean = [S.run_cell("sparse", "adagrad", lr, s) for lr in lrs for s in (0, 1)]
    make = S.TASKS["sparse"].make

    def poisoned(seed):
        model, (X, Y, Xv, Yv, Xt, Yt) = make(seed)
        return model, (X, Y, Xv, Yv, Xt, np.random.default_rng(9).integers(0, 2, len(Yt)))
    task = S.Task("sparse", "poisoned", S.TASKS["sparse"].target, epochs=5, make=poisoned)
    dirty = [S.run_cell(task, "adagrad", lr, s) for lr in lrs for s in (0, 1)]
    assert [c["val_loss"] for c in clean] == [c["val_loss"] for c in dirty]
    assert [c["test_loss"] for c in clean] != [c["test_loss"] for c in dirty]
    assert S.select(clean, "sparse", "adagrad")["lr"] == S.select(dirty, "sparse", "adagrad")["lr"]


def test_expected_best_of_is_exact():
    rng = np.random.default_rng(0)
    s = rng.random(12)
    assert S.expected_best_of(s, 12) == pytest.approx(s.min())
    assert S.expected_best_of(s, 1) == pytest.approx(s.mean())
    draws = np.array([s[rng.choice(12, 3, replace=False)].min() for _ in range(40_000)])
    assert S.expected_best_of(s, 3) == pytest.approx(draws.mean(), abs=4 * draws.std() / 200)
    with_inf = np.r_[s, np.inf]
    assert S.expected_best_of(with_inf, 13) == pytest.approx(s.min())
    assert S.expected_best_of(with_inf, 1) == math.inf
    with pytest.raises(ValueError, match="k must be"):
        S.expected_best_of(s, 13)


def test_bad_input():
    with pytest.raises(ValueError, match="unknown task"):
        S.run_cell("mnist", "adam", 1e-3)
    with pytest.raises(ValueError, match="unknown optimizer"):
        S.run_cell("sparse", "adamm", 1e-3)
    with pytest.raises(ValueError, match="lr must be"):
        S.run_cell("sparse", "adam", 0.0)
    with pytest.raises(ValueError, match="no cells"):
        S.select([], "sparse", "adam")


def test_sweep_resumes(tmp_path, monkeypatch):
    path = tmp_path / "s.json"
    kw = dict(tasks=("rosenbrock",), optimizers=("sgd", "adam"), lrs=S.LR_GRID[4:6], seeds=(0,),
              progress=False)
    calls = []
    real = S.run_cell
    monkeypatch.setattr(S, "run_cell", lambda *a, **k: calls.append(a) or real(*a, **k))
    first = S.sweep(path, **{**kw, "optimizers": ("sgd", "adam")})
    assert len(calls) == 4 and len(first["cells"]) == 4
    # drop two cells, as an interrupted sweep would have: only those are run again
    data = json.loads(path.read_text())
    data["cells"] = data["cells"][:2]
    path.write_text(json.dumps(data))
    calls.clear()
    again = S.sweep(path, **kw)
    assert len(calls) == 2 and [_strip(c) for c in again["cells"]] == [_strip(c) for c in first["cells"]]
    assert {"machine", "versions", "seconds", "command"} <= set(again)


def test_stored_sweep_is_complete_and_reproduces():
    if not S.RESULTS.exists():
        pytest.skip("no stored sweep yet")
    data = S.load_results()
    cfg = data["config"]
    assert cfg["lr_grid"] == list(S.LR_GRID) and cfg["seeds"] == list(S.SEEDS)
    assert cfg["tasks"] == list(S.TASKS)
    assert len(data["cells"]) == len(cfg["tasks"]) * len(cfg["optimizers"]) * len(S.LR_GRID) * len(S.SEEDS)
    rng = np.random.default_rng(0)
    for i in rng.choice(len(data["cells"]), 3, replace=False):
        c = data["cells"][i]
        again = S.run_cell(c["task"], c["optimizer"], c["lr"], c["seed"])
        for k in ("val_loss", "test_loss", "steps_to_target", "diverged"):
            assert again[k] == pytest.approx(c[k], rel=1e-9) if c[k] is not None else again[k] is None


def test_sweep_keeps_cells_when_an_optimizer_joins(tmp_path, monkeypatch):
    path = tmp_path / "s.json"
    kw = dict(tasks=("rosenbrock",), lrs=S.LR_GRID[4:6], seeds=(0,), progress=False)
    S.sweep(path, optimizers=("sgd",), **kw)
    calls = []
    real = S.run_cell
    monkeypatch.setattr(S, "run_cell", lambda *a, **k: calls.append(a) or real(*a, **k))
    d = S.sweep(path, optimizers=("adam", "sgd"), **kw)
    assert [a[1] for a in calls] == ["adam", "adam"]
    assert [c["optimizer"] for c in d["cells"]] == ["adam", "adam", "sgd", "sgd"]


def test_every_optimizer_of_the_catalog_is_in_the_sweep_or_excluded_with_a_reason():
    from optimlib.optim import catalog
    steppers = {n for n, e in catalog.CATALOG.items() if e.cls is not None}
    assert set(S.OPTIMIZERS) | set(S.EXCLUDED) == steppers
    assert not set(S.OPTIMIZERS) & set(S.EXCLUDED)
    assert list(S.OPTIMIZERS) == [n for n in catalog.CATALOG if n in S.OPTIMIZERS]  # legend order
