"""The exercises' framework: "not attempted yet" for a placeholder, an explanatory AssertionError
for a wrong answer, a ✓ line for the right one; the shared helpers; one module and one test file
per chapter (tests/test_exercises_chNN.py tests the checks of optimlib/exercises/chNN_*.py)."""
import pkgutil
from pathlib import Path

import numpy as np
import pytest

from optimlib import exercises as ex


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




def test_every_check_is_exported_and_each_chapter_has_its_test_file():
    checks = [n for n in dir(ex) if n.startswith("check_")]
    assert sorted(checks) == sorted(n for n in ex.__all__ if n.startswith("check_"))
    here = Path(__file__).parent
    for m in pkgutil.iter_modules(ex.__path__):
        assert (here / f"test_exercises_{m.name[:4]}.py").exists(), f"{m.name} has no test file"


def test_function_checks_treat_a_placeholder_body_as_not_attempted(capsys):
    def placeholder(*args):
        ...

    for check in (ex.check_max_stable_lr, ex.check_noise_scale, ex.check_to_velocity):
        check(placeholder)
        assert "not attempted yet" in capsys.readouterr().out
