"""Packaging metadata a fresh install reads without warnings, and the README's set-up advice."""
import pathlib
import re
import tomllib
import warnings

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]


def test_license_is_an_spdx_string_and_setuptools_supports_it():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert meta["project"]["license"] == "MIT"
    (req,) = [r for r in meta["build-system"]["requires"] if r.startswith("setuptools")]
    assert int(re.search(r">=\s*(\d+)", req).group(1)) >= 77, "SPDX license strings need setuptools>=77"
    from setuptools.config.pyprojecttoml import read_configuration
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the TOML-table form is a SetuptoolsDeprecationWarning
        read_configuration(ROOT / "pyproject.toml")


@pytest.mark.parametrize("advice", [
    "pip install -r requirements.txt jupyterlab",
    "--index-url https://download.pytorch.org/whl/cpu",
])
def test_readme_says_how_to_get_what_requirements_do_not_give(advice):
    assert advice in (ROOT / "README.md").read_text()


def test_the_torch_pin_in_readme_matches_requirements():
    pin = re.search(r"^torch==(\S+)", (ROOT / "requirements-dev.txt").read_text(), flags=re.M).group(1)
    assert f"pip install torch=={pin} --index-url" in (ROOT / "README.md").read_text()
