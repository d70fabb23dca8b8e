"""The exercise checks of chapter 7 (Adagrad): placeholder, right answer, typical wrong answers."""
import numpy as np
import pytest

from optimlib import exercises as ex
from optimlib.data import make_sparse_features
from exercise_protocol import assert_follows_protocol


def best_diagonal_right(G, c):
    r = np.sqrt((G ** 2).sum(axis=0))
    return c * r / r.sum()


def best_diagonal_squares(G, c):
    s = (G ** 2).sum(axis=0)
    return c * s / s.sum()


def dense_design():
    # all features equally frequent: Adagrad's per-coordinate steps buy nothing
    return {"problem": make_sparse_features(2000, n_frequent=0, n_rare=30, rare=0.5, scale=0.5),
            "sgd_lr": 0.08, "adagrad_lr": 0.08, "epochs": 5, "winner": "sgd"}


CASES = [  # check, a right answer, a wrong answer, a phrase of the wrong answer's message
    (ex.check_adagrad_first_step, np.array([-0.1, -0.1]), np.array([-1e-4, -100.0]), "SGD's step"),
    (ex.check_best_diagonal, best_diagonal_right, best_diagonal_squares, "square root"),
    (ex.check_adagrad_travel, 2574, 100, "0.1/√t"),
    (ex.check_sparse_experiment, dense_design, lambda: {**dense_design(), "winner": "adagrad"},
     "does not hold"),
]


@pytest.mark.parametrize("check,right,wrong,phrase", CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_each_check(check, right, wrong, phrase, capsys):
    assert_follows_protocol(check, right, wrong, phrase, capsys)


def test_first_step_catches_the_sign():
    with pytest.raises(AssertionError, match="sign"):
        ex.check_adagrad_first_step([0.1, 0.1])


def test_best_diagonal_catches_an_unscaled_answer():
    with pytest.raises(AssertionError, match="budget"):
        ex.check_best_diagonal(lambda G, c: np.sqrt((G ** 2).sum(axis=0)))


def test_travel_accepts_the_continuous_approximation_and_rejects_far_answers():
    ex.check_adagrad_travel(2500)                     # 2√T = 100: within 3 %
    with pytest.raises(AssertionError, match="2√T"):
        ex.check_adagrad_travel(5000)


def test_sparse_experiment_refuses_an_untuned_learning_rate():
    with pytest.raises(AssertionError, match="tuned on the validation split"):
        ex.check_sparse_experiment({**dense_design(), "sgd_lr": 0.01})


def test_sparse_experiment_refuses_a_malformed_design():
    with pytest.raises(AssertionError, match="keys"):
        ex.check_sparse_experiment({"problem": None})


def test_function_checks_treat_a_placeholder_body_as_not_attempted(capsys):
    def placeholder(*args):
        ...

    for check in (ex.check_best_diagonal, ex.check_sparse_experiment):
        check(placeholder)
        assert "not attempted yet" in capsys.readouterr().out
