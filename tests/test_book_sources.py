"""The book reads only the pages of ``_toc.yml``, whatever else lies in the checkout.

A virtual environment inside the repository (``.venv/``, ``venv/``, ``env/``) holds hundreds of
Markdown and notebook files under ``site-packages``; so do ``build/`` (left by ``pip install .``)
and hidden folders. Sphinx is set up exactly as ``jupyter-book build`` sets it up (the same final
configuration, the same extensions, so ``only_build_toc_files`` takes part) on a copy of the
book with such folders in it, and asked which documents it found; nothing is read or executed.
"""
from __future__ import annotations

import pathlib
import shutil

import pytest

from test_book_structure import toc_files

ROOT = pathlib.Path(__file__).resolve().parents[1]

#: folders a newcomer's checkout may contain, each with files Sphinx would otherwise read
STRAY = [".venv/lib/python3.11/site-packages/pkg", "venv/lib/python3.11/site-packages/pkg",
         "env/lib/site-packages/pkg", "build/lib/optimlib", ".tox/py311", ".hidden",
         "chapters/.ipynb_checkpoints", "site-packages-elsewhere/lib/site-packages/pkg"]
NOTEBOOK = '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'


def found_documents(book: pathlib.Path) -> set[str]:
    pytest.importorskip("jupyter_book")
    from jupyter_book.config import get_final_config
    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    config, _ = get_final_config(user_yaml=book / "_config.yml", sourcedir=book,
                                 cli_config={"external_toc_path": (book / "_toc.yml").as_posix(),
                                             "latex_individualpages": False},
                                 use_external_toc=True)
    out = book / "_build"
    with patch_docutils(None), docutils_namespace():
        app = Sphinx(srcdir=book, confdir=None, outdir=out / "html", doctreedir=out / ".doctrees",
                     buildername="dummy", confoverrides=config, status=None, warning=None,
                     freshenv=True)
        app.env.find_files(app.config, app.builder)
        return set(app.env.found_docs)


@pytest.fixture
def book_with_strays(tmp_path):
    book = tmp_path / "book"
    book.mkdir()
    for name in ("_config.yml", "_toc.yml", "references.bib"):
        shutil.copy(ROOT / name, book / name)
    (book / "_vendor").mkdir()
    for f in toc_files():  # the pages themselves: only their existence matters here
        src = next(ROOT.glob(f + ".*")) if not (ROOT / f).exists() else ROOT / f
        dest = book / src.relative_to(ROOT)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(src, dest)
    for folder in STRAY:
        d = book / folder
        d.mkdir(parents=True)
        (d / "README.md").write_text("# A package's readme\n")
        (d / "example.ipynb").write_text(NOTEBOOK)
        (d / "index.rst").write_text("Docs\n====\n")
    return book


def test_only_the_toc_pages_are_sources(book_with_strays):
    expected = {f.removesuffix(".ipynb").removesuffix(".md") for f in toc_files()}
    found = found_documents(book_with_strays)
    extra = sorted(found - expected)
    assert not extra, (f"the book would build {len(extra)} pages that are not in _toc.yml, e.g. "
                       f"{extra[:5]}: add their folders to exclude_patterns in _config.yml")
    assert found == expected


@pytest.mark.parametrize("path", [".venv/", "venv/", "env/", "build/", ".tox/", "dist/"])
def test_git_ignores_environments_and_build_output(path):
    import subprocess
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    r = subprocess.run(["git", "check-ignore", "-q", "--no-index", path + "x.py"], cwd=ROOT)
    assert r.returncode == 0, f".gitignore does not ignore {path}"


@pytest.mark.parametrize("path", [".ci/run", ".github/workflows/book.yml", ".gitignore"])
def test_git_still_sees_the_tracked_hidden_files(path):
    import subprocess
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    r = subprocess.run(["git", "check-ignore", "-q", "--no-index", path], cwd=ROOT)
    assert r.returncode == 1, f".gitignore ignores {path}, which the repository tracks"


def test_the_browser_test_visits_only_the_book(tmp_path):
    """Stale pages in the build (from a virtual environment once built into it) are not visited."""
    import sys
    sys.path.insert(0, str(ROOT / "tests" / "browser"))
    import book_browser
    html = tmp_path / "_build" / "html"
    toc = book_browser.toc_pages(ROOT)
    for page in toc + ["index.html", "search.html", "genindex.html",
                       ".venv/lib/python3.11/site-packages/pkg/README.html", "venv/x/index.html",
                       "chapters/not_in_the_toc.html", "_static/x.html"]:
        (html / page).parent.mkdir(parents=True, exist_ok=True)
        (html / page).write_text("<html></html>")
    assert book_browser.all_pages(html) == toc + ["genindex.html", "index.html", "search.html"]


def test_the_benchmarks_scratch_copy_leaves_environments_behind(tmp_path):
    """``benchmarks.run --notebooks --book`` copies the work tree: not a virtual environment."""
    import sys
    sys.path.insert(0, str(ROOT))
    from benchmarks.books import scratch_copy
    (tmp_path / "chapters").mkdir()
    (tmp_path / "chapters" / "01_x.ipynb").write_text(NOTEBOOK)
    (tmp_path / "tools").mkdir()
    (tmp_path / "tools" / "build_book.py").write_text("")
    for folder in STRAY:
        (tmp_path / folder).mkdir(parents=True, exist_ok=True)
        (tmp_path / folder / "README.md").write_text("")
    with scratch_copy(tmp_path) as copy:
        files = sorted(str(p.relative_to(copy)) for p in copy.rglob("*") if p.is_file())
    assert files == ["chapters/01_x.ipynb", "tools/build_book.py"]
