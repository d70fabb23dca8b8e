"""The exercise checks: "not attempted yet" for a placeholder, an explanatory AssertionError for a
wrong answer, a ✓ line for the right one; and the shared helpers they are built from."""
import math

import numpy as np
import pytest

from optimlib import exercises as ex
from optimlib.linear import log_softmax
from exercise_protocol import assert_follows_protocol


# -- the shared pattern ---------------------------------------------------------------------------
@ex.exercise("Demo")
def check_demo(answer):
    ex.expect_close("the answer", answer, 42.0, hint="six times seven")
    return "well done."


def test_placeholder_prints_not_attempted(capsys):
    assert check_demo(...) is None
    assert check_demo(None) is None
    assert capsys.readouterr().out.count("Demo: not attempted yet") == 2


def test_right_answer_prints_a_tick(capsys):
    check_demo(42)
    assert capsys.readouterr().out.splitlines() == ["✓ Demo: correct.", "well done."]


def test_wrong_answer_says_expected_got_and_hint():
    with pytest.raises(AssertionError) as e:
        check_demo(41)
    msg = str(e.value)
    assert "the answer" in msg and "expected: 42" in msg and "got:      41" in msg and "hint: six times seven" in msg


def test_expect_close_rejects_non_numbers_wrong_shapes_and_nan():
    with pytest.raises(AssertionError, match="a number or array"):
        ex.expect_close("x", "forty-two", 42.0)
    with pytest.raises(AssertionError, match="wrong shape"):
        ex.expect_close("x", [1.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(AssertionError, match="not finite"):
        ex.expect_close("x", np.nan, 1.0)
    ex.expect_close("x", [1.0, 2.0], np.array([1.0, 2.0 + 1e-9]))


def test_call_treats_a_placeholder_body_as_not_attempted(capsys):
    @ex.exercise("Function demo")
    def check_fn(fn):
        ex.expect_close("fn(2)", ex.call(fn, 2), 4.0)

    def placeholder(x):
        ...

    check_fn(placeholder)
    assert "not attempted yet" in capsys.readouterr().out
    check_fn(lambda x: x * x)
    assert "✓ Function demo" in capsys.readouterr().out
    with pytest.raises(AssertionError, match="expected a function"):
        check_fn(3)


# -- every check of the book: placeholder, right, wrong ---------------------------------------------
def ce_right(z, y):
    m = np.max(z)
    return np.log(np.sum(np.exp(z - m))) - (z[y] - m)


def ce_naive(z, y):
    with np.errstate(all="ignore"):
        return -np.log(np.exp(z[y]) / np.sum(np.exp(z)))


def attempts_right(d, r, c):
    from optimlib.search import hit_probability
    return math.ceil(np.log1p(-c) / np.log1p(-hit_probability(d, r)))


def attempts_naive(d, r, c):
    from optimlib.search import hit_probability
    with np.errstate(divide="ignore"):
        return np.ceil(np.log(1 - c) / np.log(1 - hit_probability(d, r)))


def l2_right(model, theta, lam):
    loss, grad = model.loss_grad(theta)
    W, _ = model.unpack(theta)
    gW, _ = model.unpack(grad)
    gW += lam * W
    return loss + lam / 2 * np.sum(W ** 2), grad


def l2_penalises_bias(model, theta, lam):
    loss, grad = model.loss_grad(theta)
    return loss + lam / 2 * np.sum(theta ** 2), grad + lam * theta


def sigma_fifth():
    from statistics import NormalDist
    from optimlib.data import load_digits
    from optimlib.linear import SoftmaxLinear
    d = load_digits()
    m = SoftmaxLinear(d.X_train, d.y_train)
    g = np.linalg.norm(m.grad(np.zeros(m.size)))
    tr = 0.9 * np.mean(np.sum(d.X_train ** 2, axis=1) + 1)
    return -2 * g * NormalDist().inv_cdf(0.2) / tr


CASES = [  # check, a right answer, a wrong answer, a phrase the wrong answer's message contains
    (ex.check_condition_number, 20.0, 40.0, "Hessian"),
    (ex.check_update, np.array([0.95, -1.6]), np.array([1.05, -2.4]), "stepped up the gradient"),
    (ex.check_n_params, 650, 640, "biases"),
    (ex.check_zero_loss, math.log(10), 1.0, "natural logarithm"),
    (ex.check_cross_entropy, ce_right, ce_naive, "overflows"),
    (ex.check_rosenbrock_kappa, 1001.6 / 0.39936, 20.0, "eigvalsh"),
    (ex.check_attempts_for_confidence, attempts_right, attempts_naive, "log1p"),
    (ex.check_one_fifth_step, None, 0.03, "Φ"),
    (ex.check_records, float(np.sum(1 / np.arange(1, 10 ** 6 + 1))), math.log(1e6), "1/k"),
    (ex.check_gradient_bug, "b", "a", "relative_error"),
    (ex.check_l2_gradient, l2_right, l2_penalises_bias, "biases are not penalised"),
    (ex.check_best_h_float32, 3e-4, 1e-8, "float32"),
]


@pytest.mark.parametrize("check,right,wrong,phrase", CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_each_check(check, right, wrong, phrase, capsys):
    if right is None and check is ex.check_one_fifth_step:
        right = sigma_fifth()
    assert_follows_protocol(check, right, wrong, phrase, capsys)


def test_cross_entropy_check_catches_a_wrong_formula():
    with pytest.raises(AssertionError, match="softmax"):
        ex.check_cross_entropy(lambda z, y: float(-log_softmax(z)[0]))   # ignores y


def test_one_fifth_rule_catches_the_sign():
    with pytest.raises(AssertionError, match="positive"):
        ex.check_one_fifth_step(-sigma_fifth())


PART_I = ["check_condition_number", "check_update", "check_n_params", "check_zero_loss", "check_cross_entropy",
          "check_rosenbrock_kappa", "check_attempts_for_confidence", "check_one_fifth_step", "check_records",
          "check_gradient_bug", "check_l2_gradient", "check_best_h_float32"]


def test_every_check_is_exported_and_part_one_is_covered():
    checks = [n for n in dir(ex) if n.startswith("check_")]
    assert sorted(checks) == sorted(n for n in ex.__all__ if n.startswith("check_"))
    assert {c[0].__name__ for c in CASES} == set(PART_I) and set(PART_I) <= set(checks)
    assert {c[0].__name__ for c in PART_I_NEW} <= set(checks)


# -- the derivation and open-ended exercises of Part I: any correct design passes, bugs do not -----
def _is_gd(step):
    rng = np.random.default_rng(0)
    for _ in range(5):
        th, g = rng.normal(size=4), 10 * rng.normal(size=4)
        if not np.allclose(step(th.copy(), g), th - 0.1 * g, rtol=1e-12, atol=1e-15):
            return False
    return True


def _score_hessian(z):
    p = np.exp(z - z.max())
    p /= p.sum()
    return np.diag(p) - np.outer(p, p)


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


def _checker(threshold):
    from optimlib.gradients import numerical_gradient

    def grad_is_correct(f, grad, theta):
        num, g = numerical_gradient(f, theta), grad(theta)
        return bool(np.linalg.norm(g - num) / (np.linalg.norm(g) + np.linalg.norm(num)) < threshold)
    return grad_is_correct


FLAT = np.concatenate([np.tile(np.arange(64.0)[:, None], (1, 10)).ravel(), np.full(10, 2.0)])  # c = 0..63 in every column
NOT_FLAT = np.concatenate([np.ones(640), np.zeros(10)]) * (np.arange(650) % 10 == 0)            # moves one class only

PART_I_NEW = [  # check, right, wrong, phrase
    (ex.check_theta_after, lambda th, lr, lam, t: th * (1 - lr * lam) ** t,
     lambda th, lr, lam, t: th * (1 - lr * lam * t), "a power"),
    (ex.check_gd_detector, _is_gd, lambda step: True, "several θ and g"),
    (ex.check_score_hessian, _score_hessian, lambda z: np.diag(_score_hessian(z).diagonal() + np.exp(z - z.max()) ** 2
                                                                  / np.exp(z - z.max()).sum() ** 2), "off-diagonal"),
    (ex.check_flat_direction, FLAT, NOT_FLAT, "same number to every one"),
    (ex.check_expected_best, _exact_best, lambda K, d: K ** (-1 / d), "order of magnitude"),
    (ex.check_beat_random_search, _local_search, lambda f, d, budget, rng: rng.uniform(-2, 2, d), "random steps"),
    (ex.check_gradient_checker, _checker(1e-7), _checker(1e-3), "central differences"),
]


@pytest.mark.parametrize("check,right,wrong,phrase", PART_I_NEW, ids=lambda c: getattr(c, "__name__", ""))
def test_each_new_part_one_check(check, right, wrong, phrase, capsys):
    assert_follows_protocol(check, right, wrong, phrase, capsys)
