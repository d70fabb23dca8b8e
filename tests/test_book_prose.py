"""What the pages say, checked without executing anything: no development traces, no dangling
references to chapters that are not in the book."""
import json
import pathlib
import re

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / "chapters"
NOTEBOOKS = sorted(CHAPTERS.glob("*.ipynb"))


def cells(nb):
    """(index, kind, text) of every cell of a notebook."""
    return [(i, c["cell_type"], "".join(c["source"])) for i, c in enumerate(json.loads(nb.read_text())["cells"])]


def chapters_in_toc():
    """The chapter numbers whose notebook _toc.yml lists (chapters/NN_name -> NN)."""
    text = (ROOT / "_toc.yml").read_text()
    files = re.findall(r"(?:file|root):\s*chapters/(\d\d)_", text)
    yaml.safe_load(text)  # and the file parses
    return {int(n) for n in files}


# "chapter 7", "chapters 4 and 8", "chapters 4–6", "Chapter 12's"; a number right after a citation
# ("{cite:t}`nocedal2006numerical`, chapter 2") is a chapter of that work, not of this book.
CHAPTER_REF = re.compile(r"(?<!`, )(?<!`,\n)\b[Cc]hapters?\s+(\d+)((?:\s*(?:,|and|or|to|–|-)\s*\d+)*)")


def named_chapters(text):
    out = []
    for m in CHAPTER_REF.finditer(text):
        numbers = [int(m.group(1))] + [int(n) for n in re.findall(r"\d+", m.group(2))]
        if re.search(r"–|-|to", m.group(2) or ""):         # a range: every chapter in between
            numbers = list(range(min(numbers), max(numbers) + 1))
        out += [(n, m.group(0)) for n in numbers]
    return out


def test_the_reference_pattern_reads_what_it_should():
    assert [n for n, _ in named_chapters("as chapter 11 shows; chapters 4 and 8; chapters 2–4")] == [11, 4, 8, 2, 3, 4]
    assert named_chapters("{cite:t}`nocedal2006numerical`, chapter 2: optimality") == []
    assert [n for n, _ in named_chapters("[chapter 1](01_premise) and Chapter 6's buffer")] == [1, 6]


def _all_chapters(later_reason=None):
    """Every chapter (the argument is kept for the call sites' documentation)."""
    return list(NOTEBOOKS)


@pytest.mark.parametrize("nb", _all_chapters("written before this rule; fix its prose"), ids=lambda p: p.name)
def test_every_chapter_the_prose_names_is_in_the_book(nb):
    exists = chapters_in_toc()
    dangling = [(i, ref) for i, _, text in cells(nb) for n, ref in named_chapters(text) if n not in exists]
    assert not dangling, (f"{nb.name} names chapters that _toc.yml does not list (cell, words): {dangling}; "
                          "refer to the part instead (\"Part III\") until the chapter exists")


# words that belong to the book's development, not to the book
TRACE = re.compile(r"\b(issues?|tickets?|the lead|pull request)\b|\b(TODO|FIXME|XXX)\b", re.I)


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.name)
def test_no_cell_speaks_of_issues_or_tickets(nb):
    traces = [(i, m.group(0)) for i, _, text in cells(nb) for m in TRACE.finditer(text)]
    assert not traces, f"{nb.name}: development traces on the page (cell, word): {traces}"


def test_the_trace_pattern_catches_what_it_should():
    assert TRACE.search("# the issue asks for 2%; it is far closer")
    assert TRACE.search("see ticket 12") and TRACE.search("TODO: tidy")
    assert not TRACE.search("the tissue of the argument; reissued")


# One template for the opening and the closing of every chapter of Parts 0-II (the preface says
# "After this preface"); later parts' chapters should follow it too.
TEMPLATED = [nb for nb in NOTEBOOKS if re.match(r"0[0-6]_", nb.name)]


@pytest.mark.parametrize("nb", TEMPLATED, ids=lambda p: p.name)
def test_chapter_follows_the_goals_and_references_template(nb):
    text = [t for _, kind, t in cells(nb) if kind == "markdown"]
    goals = [t for t in text if re.search(r"^\*\*Learning goals\.\*\* After this (chapter|preface) you can$", t, re.M)]
    headings = [h for t in text for h in re.findall(r"^## .*$", t, re.M)]
    assert len(goals) == 1, f"{nb.name}: open with one '**Learning goals.** After this chapter you can' list"
    assert headings[-2:] == ["## Summary", "## References and further reading"], \
        f"{nb.name}: end with '## Summary' then '## References and further reading', got {headings[-2:]}"


@pytest.mark.parametrize("nb", TEMPLATED, ids=lambda p: p.name)
def test_chapter_has_a_derivation_and_an_open_ended_exercise(nb):
    titles = [m for _, kind, t in cells(nb) if kind == "markdown" for m in re.findall(r"\{exercise\} (.+)", t)]
    assert len(titles) >= 3, f"{nb.name}: {len(titles)} exercises, the book asks for at least 3"
    assert any("(a derivation)" in t for t in titles), f"{nb.name}: no exercise titled '... (a derivation)'"
    assert any("(open-ended)" in t for t in titles), f"{nb.name}: no exercise titled '... (open-ended)'"


@pytest.mark.parametrize("nb", _all_chapters("written before this rule; unfold its experiments"), ids=lambda p: p.name)
def test_folded_cells_only_draw(nb):
    # the preface promises: plotting is folded, the experiments and their checks are shown
    cells_ = json.loads(nb.read_text())["cells"]
    hidden = [c.get("id") for c in cells_ if "hide-input" in c.get("metadata", {}).get("tags", [])
              and re.search(r"^\s*assert\b", "".join(c["source"]), re.M)]
    assert not hidden, f"{nb.name}: folded cells {hidden} hold asserts; move the experiment to a visible cell"


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.name)
def test_solution_code_sits_inside_its_dropdown(nb):
    """A solution opened and closed in one markdown cell folds only its prose: the code cell after
    it (the solution's code) is then shown to every reader. Open it in one cell, close it in its own."""
    cs = json.loads(nb.read_text())["cells"]
    bad, depth = [], 0
    for i, c in enumerate(cs):
        text = "".join(c["source"])
        if c["cell_type"] != "markdown":
            continue
        opens, closes = text.count("{solution-start}"), text.count("{solution-end}")
        if opens and closes >= opens and i + 1 < len(cs) and cs[i + 1]["cell_type"] == "code":
            bad.append(c.get("id", i))
        depth += opens - closes
        assert depth in (0, 1), f"{nb.name}: cell {c.get('id', i)} nests or closes a solution twice"
    assert depth == 0, f"{nb.name}: a solution is never closed"
    assert not bad, f"{nb.name}: solutions {bad} close before the code cell that follows them"
