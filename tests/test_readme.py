"""The README's "Use the library" example runs as written, in a fresh interpreter, and
``import optimlib`` reaches every public module of the package."""
import os
import pathlib
import re
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]


def readme_section(title: str) -> str:
    text = (ROOT / "README.md").read_text()
    m = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## )", text, flags=re.M | re.S)
    assert m, f"README.md has no section '## {title}'"
    return m.group(1)


def test_the_quick_start_runs_and_prints_its_accuracy(tmp_path):
    blocks = re.findall(r"```python\n(.*?)```", readme_section("Use the library"), flags=re.S)
    assert len(blocks) == 1, "the 'Use the library' section should hold one python block"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    r = subprocess.run([sys.executable, "-c", blocks[0]], cwd=tmp_path, env=env, capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    m = re.fullmatch(r"test accuracy after (\d+) epochs: (\d+\.\d)%\n", r.stdout)
    assert m, r.stdout
    assert int(m.group(1)) == 10 and float(m.group(2)) > 90


def _public_modules():
    pkg = ROOT / "optimlib"
    return sorted(p.stem if p.is_file() else p.name for p in pkg.iterdir()
                  if not p.name.startswith("_") and (p.suffix == ".py" or (p / "__init__.py").exists()))


def test_import_optimlib_reaches_every_public_module():
    import optimlib
    missing = sorted(set(_public_modules()) - set(optimlib.SUBMODULES))
    assert not missing, f"add {missing} to optimlib.SUBMODULES (optimlib/__init__.py)"
    code = ("import optimlib, types\n"
            f"for name in {list(optimlib.SUBMODULES)!r}:\n"
            "    assert isinstance(getattr(optimlib, name), types.ModuleType), name\n"
            "print(sorted(set(optimlib.SUBMODULES) - set(dir(optimlib))))\n")
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and r.stdout.strip() == "[]", r.stderr + r.stdout


def test_an_unknown_attribute_is_still_an_attribute_error():
    import optimlib
    with pytest.raises(AttributeError, match="has no attribute 'nosuch'"):
        optimlib.nosuch
