"""The automatic checks behind the book's exercises.

Every exercise has a learner cell that ends in a check, with ``...`` as the placeholder::

    answer = ...            # replace ... with your answer
    check_zero_loss(answer)

A check answers in one of three ways:

- the answer is still ``...`` (or ``None``, or a function whose body is still ``...``): it prints
  "not attempted yet", so a notebook run top to bottom never fails on an exercise left undone;
- the answer is wrong: it raises ``AssertionError`` saying what was expected, what was got and a
  hint (never just "assert failed");
- the answer is right: it prints a line starting with ✓.

A check returns nothing (a notebook cell that ends with it shows only the printed line).

Writing a check for a new chapter takes the same three pieces (this module's own checks are the
examples)::

    @exercise("Zero weights")                    # the title the check prints
    def check_zero_loss(answer):
        expect_close("the loss at W = 0, b = 0", answer, np.log(10), rtol=1e-4,
                     hint="every class gets probability 1/10")
        return "the loss of a classifier that knows nothing is log 10"   # printed after ✓

- :func:`exercise` turns a function of the learner's answer into a check with the behaviour above;
- :func:`expect_close` / :func:`expect` / :func:`fail` raise the explanatory ``AssertionError``;
- :func:`call` calls a learner's function and reports "not attempted yet" if it returns ``...``
  or ``None`` (a ``def`` whose body is still the placeholder).

Each chapter's checks live in their own module, named with the chapter's number
(``optimlib.exercises.ch04_gradient_descent``); this package holds the framework they share
and re-exports every check, so ``from optimlib.exercises import check_gd_optimal`` works too.
"""
from __future__ import annotations

import functools
import math
import textwrap

import numpy as np

__all__ = ["exercise", "expect", "expect_close", "fail", "call", "NotAttempted"]




# -- the shared pattern ----------------------------------------------------------------------
class NotAttempted(Exception):
    """Raised inside a check when the answer is still the placeholder."""


def _placeholder(x) -> bool:
    return x is ... or x is None


def exercise(title: str):
    """Decorator: make ``check(answer, ...)`` an exercise check titled ``title``.

    The wrapped function raises ``AssertionError`` (through :func:`expect_close` etc.) when the
    answer is wrong and may return a short remark, printed after the ✓ when it is right.
    """
    def decorate(check):
        @functools.wraps(check)
        def wrapper(answer, *args, **kwargs):
            try:
                if _placeholder(answer):
                    raise NotAttempted
                remark = check(answer, *args, **kwargs)
            except NotAttempted:
                print(f"{title}: not attempted yet.\n(Replace the ... with your answer, then run the cell again.)")
                return
            print(f"✓ {title}: correct.")
            if remark:
                print(textwrap.fill(str(remark), width=78))
        return wrapper
    return decorate


def fail(what: str, expected, got, hint: str = ""):
    """Raise the ``AssertionError`` every check uses: what, expected, got, and a hint."""
    msg = f"{what}\n  expected: {expected}\n  got:      {got}"
    if hint:
        msg += f"\n  hint: {hint}"
    raise AssertionError(msg)


def expect(condition: bool, what: str, expected, got, hint: str = "") -> None:
    """:func:`fail` unless ``condition``."""
    if not condition:
        fail(what, expected, got, hint)


def _fmt(a) -> str:
    a = np.asarray(a)
    if a.ndim == 0:
        return f"{float(a):.6g}"
    return np.array2string(a, precision=6, threshold=8, max_line_width=100)


def expect_close(what: str, got, expected, *, rtol: float = 1e-6, atol: float = 0.0, hint: str = "") -> None:
    """Fail unless ``got`` is a number (or array) of the expected shape close to ``expected``."""
    if _placeholder(got):
        raise NotAttempted
    try:
        g = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        fail(what, f"a number or array like {_fmt(expected)}", f"{type(got).__name__} {got!r}", hint)
    e = np.asarray(expected, dtype=float)
    if g.shape != e.shape:
        fail(what + " (wrong shape)", f"shape {e.shape}", f"shape {g.shape}", hint)
    if not np.all(np.isfinite(g)):
        fail(what, _fmt(e), _fmt(g) + " (not finite: an overflow or a division by zero?)", hint)
    if not np.allclose(g, e, rtol=rtol, atol=atol):
        tol = f"relative tolerance {rtol:g}" + (f", absolute {atol:g}" if atol else "")
        fail(what, f"{_fmt(e)} (to {tol})", _fmt(g), hint)


def call(func, *args, **kwargs):
    """Call a learner's function; a result of ``...`` or ``None`` means not attempted yet."""
    if not callable(func):
        raise AssertionError(f"expected a function, got {type(func).__name__} {func!r}")
    out = func(*args, **kwargs)
    if _placeholder(out):
        raise NotAttempted
    return out

def _number(what: str, x, expected) -> float:
    """``x`` as a float, or the usual failure (expected vs got) when it is not one number."""
    if _placeholder(x):
        raise NotAttempted
    try:
        return float(np.asarray(x, dtype=float).item())
    except (TypeError, ValueError):
        fail(what, f"one number, like {_fmt(expected)}", f"{type(x).__name__} {x!r}")


def online_trap(design, rival: str, max_size: int):
    """Check a designed online problem ``design() -> (coefficients, betas, lr)`` on [-1, 1] and run
    Adam and ``rival`` on it: their mean points over the last 10% of the steps, and the best point."""
    from ..online import projected_run
    out = call(design)
    expect(isinstance(out, (tuple, list)) and len(out) == 3, "design()",
           "a tuple (coefficients, betas, lr)", repr(out)[:80])
    c, betas, lr = out
    c = np.asarray(c, dtype=float)
    expect(c.ndim == 1 and 100 <= c.size <= max_size and np.all(np.isfinite(c)), "the coefficients",
           f"a 1-D array of 100 to {max_size:,} finite numbers".replace(",", " "), f"shape {c.shape}")
    total = c.sum()
    expect(abs(total) > 1e-9 * np.abs(c).sum(), "the sum of the coefficients",
           "not zero (else every point of [-1, 1] is optimal)", _fmt(total))
    best = -1.0 if total > 0 else 1.0
    kw = dict(lr=float(lr), betas=tuple(betas))
    tail = max(1, c.size // 10)
    adam = projected_run("adam", c, **kw)[-tail:].mean()
    other = projected_run(rival, c, **kw)[-tail:].mean()
    return adam, other, best


def random_quadratic(rng, n: int, log_low: float, log_high: float):
    """A hidden test Hessian: ``(H, lam)`` with H = Q diag(lam) Qᵀ symmetric positive definite,
    Q a random rotation and log(lam) uniform in [log_low, log_high] (drawn from ``rng``)."""
    Q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    lam = np.exp(rng.uniform(log_low, log_high, n))
    H = (Q * lam) @ Q.T
    return (H + H.T) / 2, lam


# every chapter's checks, re-exported (imported last: they use the framework above); a chapter's
# module is found by its name, chNN_*.py, so adding a chapter edits nothing here
def _chapters() -> list[str]:
    import pkgutil
    return sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name.startswith("ch"))


def _export_all() -> None:
    import importlib
    for name in _chapters():
        module = importlib.import_module(f".{name}", __name__)
        for check in module.__all__:
            globals()[check] = getattr(module, check)
            __all__.append(check)


_export_all()
