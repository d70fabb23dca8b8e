"""The book's own rules, checked without executing anything."""
import json
import pathlib
import re
import sys

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / "chapters"
NOTEBOOKS = sorted(CHAPTERS.glob("*.ipynb"))
sys.path.insert(0, str(ROOT / "tools"))
from set_repo_url import INSTALL, repo_url  # noqa: E402


def toc_files():
    def walk(node):
        if isinstance(node, dict):
            for k, v in node.items():
                if k in ("root", "file"):
                    yield v
                else:
                    yield from walk(v)
        elif isinstance(node, list):
            for item in node:
                yield from walk(item)
    return list(walk(yaml.safe_load((ROOT / "_toc.yml").read_text())))


def test_there_are_chapters():
    assert len(NOTEBOOKS) >= 4, "the book has no chapters"


def test_toc_and_chapters_agree():
    listed = toc_files()
    assert len(listed) == len(set(listed)), f"_toc.yml lists a file twice: {listed}"
    missing_file = [f for f in listed if not any((ROOT / f).with_suffix(s).exists() for s in (".ipynb", ".md"))]
    assert not missing_file, f"_toc.yml lists files that do not exist: {missing_file}"
    on_disk = {str(p.relative_to(ROOT).with_suffix("")) for p in CHAPTERS.glob("*") if p.suffix in (".ipynb", ".md")}
    not_listed = sorted(on_disk - {f.removesuffix(".ipynb").removesuffix(".md") for f in listed})
    assert not not_listed, f"chapters missing from _toc.yml: {not_listed}"


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_stored_without_outputs(nb):
    cells = json.loads(nb.read_text())["cells"]
    dirty = [i for i, c in enumerate(cells) if c["cell_type"] == "code" and (c.get("outputs") or c.get("execution_count"))]
    assert not dirty, f"{nb.name}: cells {dirty} have outputs or execution counts; run `python tools/strip_outputs.py`"


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.name)
def test_first_code_cell_sets_up_and_installs_from_the_configured_repository(nb):
    cells = json.loads(nb.read_text())["cells"]
    first = "".join(next(c for c in cells if c["cell_type"] == "code")["source"])
    urls = INSTALL.findall(first)
    assert urls, f"{nb.name}: the first code cell must install optimlib when missing (see CONTRIBUTING.md)"
    assert urls == [repo_url()], (f"{nb.name} installs from {urls}, _config.yml says {repo_url()}: "
                                  "run `python tools/set_repo_url.py`")


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_defines_no_update_rule(nb):
    code = "\n".join("".join(c["source"]) for c in json.loads(nb.read_text())["cells"] if c["cell_type"] == "code")
    assert not re.search(r"^\s*(def (step|update)\b|class \w+\(.*Optimizer\))", code, re.M), \
        f"{nb.name} defines an update rule; it belongs in optimlib, where it is tested"


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_uses_no_global_random_state(nb):
    code = "\n".join("".join(c["source"]) for c in json.loads(nb.read_text())["cells"] if c["cell_type"] == "code")
    assert not re.search(r"np\.random\.(seed|rand|randn|randint|normal|uniform|choice|shuffle)\(", code), \
        f"{nb.name} uses NumPy's global RNG; use rng = np.random.default_rng(seed)"


def test_every_citation_has_a_bibtex_entry():
    bib = (ROOT / "references.bib").read_text()
    keys = set(re.findall(r"@\w+\{([^,]+),", bib))
    cited = set()
    for p in CHAPTERS.glob("*"):
        if p.suffix in (".ipynb", ".md"):
            for group in re.findall(r"\{cite[pt]?(?::\w+)?\}`([^`]+)`", p.read_text()):
                cited.update(k.strip() for k in group.split(","))
    assert cited <= keys, f"cited but not in references.bib: {sorted(cited - keys)}"


def test_bibliography_parses_and_every_cited_key_exists():
    """A merge that drops a closing brace breaks the whole build; say so in seconds instead."""
    import re
    pybtex = pytest.importorskip("pybtex.database")
    root = pathlib.Path(__file__).resolve().parents[1]
    keys = set(pybtex.parse_file(str(root / "references.bib")).entries)
    cited = set()
    for nb in (root / "chapters").glob("*.ipynb"):
        for m in re.finditer(r"\{cite[:a-z]*\}`([^`]+)`", nb.read_text()):
            cited.update(k.strip() for k in m.group(1).split(","))
    assert cited - keys == set(), f"cited but not in references.bib: {sorted(cited - keys)}"
