"""Chapter 11's closing table prints each Adam-family member's defaults as torch's: check them
against torch's own signatures (live, when torch is installed)."""
import inspect

import pytest

from optimlib import optim

FAMILY = {"Adam": optim.Adam, "AdamW": optim.AdamW, "Adamax": optim.Adamax,
          "NAdam": optim.NAdam, "RAdam": optim.RAdam}


@pytest.mark.parametrize("name", sorted(FAMILY))
def test_family_defaults_equal_torchs_signature(name):
    torch = pytest.importorskip("torch")
    params = inspect.signature(getattr(torch.optim, name).__init__).parameters
    ours = FAMILY[name].defaults
    for key, value in ours.items():
        assert key in params, f"{name}: torch has no hyperparameter {key!r}"
        theirs = params[key].default
        if isinstance(theirs, tuple):
            theirs = tuple(float(x) for x in theirs)
            value = tuple(float(x) for x in value)
        assert theirs == value, f"{name}.{key}: torch {theirs!r}, optimlib {value!r}"
