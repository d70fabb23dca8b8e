"""The exercise checks of chapter 2 (random search): placeholder, right answer, typical wrong answers."""
import math

import numpy as np
import pytest

from optimlib import exercises as ex
from exercise_protocol import assert_covers, assert_follows_protocol


def attempts_right(d, r, c):
    from optimlib.random_search import hit_probability
    return math.ceil(np.log1p(-c) / np.log1p(-hit_probability(d, r)))


def attempts_naive(d, r, c):
    from optimlib.random_search import hit_probability
    with np.errstate(divide="ignore"):
        return np.ceil(np.log(1 - c) / np.log(1 - hit_probability(d, r)))


def sigma_fifth():
    from statistics import NormalDist
    from optimlib.data import load_digits
    from optimlib.softmax_regression import SoftmaxLinear
    d = load_digits()
    m = SoftmaxLinear(d.X_train, d.y_train)
    g = np.linalg.norm(m.grad(np.zeros(m.size)))
    tr = 0.9 * np.mean(np.sum(d.X_train ** 2, axis=1) + 1)
    return -2 * g * NormalDist().inv_cdf(0.2) / tr


CASES = [  # check, a right answer, a wrong answer, a phrase of the wrong answer's message
    (ex.check_attempts_for_confidence, attempts_right, attempts_naive, "log1p"),
    (ex.check_one_fifth_step, None, 0.03, "Φ"),
    (ex.check_records, float(np.sum(1 / np.arange(1, 10 ** 6 + 1))), math.log(1e6), "1/k"),
]


def _exact_best(K, d):
    return math.exp(math.lgamma(1 + 1 / d) + math.lgamma(K + 1) - math.lgamma(K + 1 + 1 / d))


def _local_search(f, d, budget, rng):
    x, s = np.zeros(d), 0.3
    fx = f(x)
    for _ in range(budget - 1):
        y = x + s * rng.standard_normal(d)
        fy = f(y)
        x, fx, s = (y, fy, 1.5 * s) if fy < fx else (x, fx, 0.9 * s)
    return x


CASES += [  # the derivation and the open-ended exercise: any correct design passes, typical bugs do not
    (ex.check_expected_best, _exact_best, lambda K, d: K ** (-1 / d), "order of magnitude"),
    (ex.check_beat_random_search, _local_search, lambda f, d, budget, rng: rng.uniform(-2, 2, d), "random steps"),
]


@pytest.mark.parametrize("check,right,wrong,phrase", CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_each_check(check, right, wrong, phrase, capsys):
    if right is None and check is ex.check_one_fifth_step:
        right = sigma_fifth()
    assert_follows_protocol(check, right, wrong, phrase, capsys)


def test_every_check_of_the_chapter_is_tested():
    assert_covers(CASES, "ch02_random_search")


def test_one_fifth_rule_catches_the_sign():
    with pytest.raises(AssertionError, match="positive"):
        ex.check_one_fifth_step(-sigma_fifth())
