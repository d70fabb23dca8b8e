"""What every exercise check must do, shared by the tests of each chapter's checks."""
import importlib

import pytest


def checks_of(module: str) -> set[str]:
    """The checks defined in ``optimlib.exercises.<module>`` (e.g. ``"ch04_gradient_descent"``)."""
    mod = importlib.import_module(f"optimlib.exercises.{module}")
    return {n for n, f in vars(mod).items()
            if n.startswith("check_") and getattr(f, "__module__", None) == mod.__name__}


def assert_covers(cases, module: str) -> None:
    """A chapter's test file tests every check its module defines, and only those."""
    assert {c[0].__name__ for c in cases} == checks_of(module)


def assert_follows_protocol(check, right, wrong, phrase, capsys):
    """``...`` is "not attempted yet"; the right answer prints a ✓ line; a wrong one raises an
    AssertionError that says what was expected, what was got, and gives the hint ``phrase``."""
    check(...)
    assert "not attempted yet" in capsys.readouterr().out
    check(right)
    out = capsys.readouterr().out
    assert out.startswith("✓ "), out
    with pytest.raises(AssertionError) as e:
        check(wrong)
    msg = str(e.value)
    assert "expected" in msg and "got" in msg and phrase in msg, msg
