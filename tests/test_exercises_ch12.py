"""The exercise checks of chapter 12 (schedules): placeholder, right answer, typical wrong answers."""
import pytest

from optimlib import exercises as ex
from optimlib import schedules as S
from exercise_protocol import assert_follows_protocol

WARMUP_RIGHT = S.sequential([S.linear_lr(0.1, 0.1, 1.0, 10), S.cosine_annealing_lr(0.1, 90)], [10])
WARMUP_T_MAX_100 = S.sequential([S.linear_lr(0.1, 0.1, 1.0, 10), S.cosine_annealing_lr(0.1, 100)], [10])

CASES = [  # check, a right answer, a wrong answer, a phrase of the wrong answer's message
    (ex.check_one_over_t_constant, lambda a, lam, s: a * a * s * s / (2 * a * lam - 1),
     lambda a, lam, s: a * a * s * s / (2 * a * lam), "2aλ - 1"),
    (ex.check_warmup_by_sequential, WARMUP_RIGHT, WARMUP_T_MAX_100, "T_max = 100 - 10 = 90"),
    (ex.check_beat_constant, S.cosine_annealing_lr(0.3, 180), S.constant(0.1), "decay"),
]


@pytest.mark.parametrize("check,right,wrong,phrase", CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_each_check(check, right, wrong, phrase, capsys):
    assert_follows_protocol(check, right, wrong, phrase, capsys)


def test_open_ended_check_accepts_other_designs(capsys):
    for design in (S.warmup_stable_decay(0.3, 0, 144, 36), S.warmup_cosine(0.3, 18, 180)):
        ex.check_beat_constant(design)
        assert capsys.readouterr().out.startswith("✓ ")


def test_warmup_check_catches_the_warmup_length():
    late = S.sequential([S.linear_lr(0.1, 0.1, 1.0, 9), S.cosine_annealing_lr(0.1, 90)], [10])
    with pytest.raises(AssertionError, match="total_iters=10"):
        ex.check_warmup_by_sequential(late)


def test_placeholder_functions_are_not_attempted(capsys):
    def placeholder(*args):
        ...
    ex.check_one_over_t_constant(placeholder)
    ex.check_warmup_by_sequential(placeholder)
    ex.check_beat_constant(placeholder)
    assert capsys.readouterr().out.count("not attempted yet") == 3
