"""Strip outputs, execution counts and run-time metadata from notebooks (the book stores none).

    python tools/strip_outputs.py                 # every chapters/*.ipynb
    python tools/strip_outputs.py path.ipynb ...  # just these
"""
import hashlib
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
KEEP_CELL_METADATA = {"tags", "mystnb"}


def strip(path: pathlib.Path) -> bool:
    nb = json.loads(path.read_text())
    for cell in nb["cells"]:
        cell["metadata"] = {k: v for k, v in cell.get("metadata", {}).items() if k in KEEP_CELL_METADATA}
        if nb.get("nbformat_minor", 0) < 5:
            cell.pop("id", None)
        elif "id" not in cell:  # nbformat 4.5 requires ids; derive one from the content, stably
            cell["id"] = hashlib.sha1("".join(cell["source"]).encode()).hexdigest()[:8]
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    nb["metadata"].pop("widgets", None)
    new = json.dumps(nb, indent=1, ensure_ascii=False) + "\n"
    changed = new != path.read_text()
    if changed:
        path.write_text(new)
    return changed


if __name__ == "__main__":
    paths = [pathlib.Path(p) for p in sys.argv[1:]] or sorted((ROOT / "chapters").glob("*.ipynb"))
    for p in paths:
        if strip(p):
            print(f"stripped {p}")
