"""What every exercise check must do, shared by the tests of each part's checks."""
import pytest


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
