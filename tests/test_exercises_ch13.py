"""The exercise checks of chapter 13 (the modern frontier): placeholder, right answer, typical wrong answers."""
import numpy as np
import pytest

from optimlib import exercises as ex
from exercise_protocol import assert_covers, assert_follows_protocol

TORCH = (3.4445, -4.7750, 2.0315)

CASES = [  # check, a right answer, a wrong answer, a phrase of the wrong answer's message
    (ex.check_quintic_newton_schulz, (15 / 8, -5 / 4, 3 / 8), TORCH, "torch's coefficients"),
    (ex.check_state_memory, {"adamw": 2 * 4096 * 1024, "lion": 4096 * 1024, "adafactor": 5120},
     {"adamw": 2 * 4096 * 1024, "lion": 4096 * 1024, "adafactor": 4096 * 1024}, "row and column"),
    (ex.check_orthogonaliser_design, lambda: [TORCH] * 6, lambda: [(1.5, -0.5, 0.0)] * 5, "slope a"),
]


@pytest.mark.parametrize("check,right,wrong,phrase", CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_each_check(check, right, wrong, phrase, capsys):
    assert_follows_protocol(check, right, wrong, phrase, capsys)


def test_every_check_of_the_chapter_is_tested():
    assert_covers(CASES, "ch13_modern")


def test_the_cubic_and_a_wrong_quintic_get_their_hints():
    with pytest.raises(AssertionError, match="cubic"):
        ex.check_quintic_newton_schulz((1.5, -0.5, 0.0))
    with pytest.raises(AssertionError, match="p'\\(1\\)"):
        ex.check_quintic_newton_schulz((2.0, -1.0, 0.5))


def test_memory_hint_for_one_adam_buffer():
    with pytest.raises(AssertionError, match="two buffers"):
        ex.check_state_memory({"adamw": 4096 * 1024, "lion": 4096 * 1024, "adafactor": 5120})


def test_the_design_check_accepts_other_designs(capsys):
    # the quintic of the exercise's derivation, preceded by steep steps: also a valid design
    ex.check_orthogonaliser_design(lambda: [TORCH] * 5 + [(15 / 8, -5 / 4, 3 / 8)] * 2)
    assert capsys.readouterr().out.startswith("✓ ")


def test_the_design_check_refuses_overshoot_and_too_many_steps():
    with pytest.raises(AssertionError, match="1.5"):
        ex.check_orthogonaliser_design(lambda: [(4.0, -1.0, 0.0)] * 5)
    with pytest.raises(AssertionError, match="1 to 8"):
        ex.check_orthogonaliser_design(lambda: [TORCH] * 9)
