"""The benchmark runs end to end on tiny sizes, compares like with like, and rejects bad input.

It measures nothing worth keeping (see ``benchmarks/README.md`` for the real run); it keeps the
command that produces ``benchmarks/RESULTS.md`` working as optimlib changes. The BLAS
environment is left as it is (``--keep-blas-env``).
"""
from __future__ import annotations

import importlib.util
import json
import pathlib
import subprocess
import sys

import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import naive, steps  # noqa: E402
from benchmarks.run import main  # noqa: E402


def bench(*args, timeout=120):
    return subprocess.run([sys.executable, "-m", "benchmarks.run", "--keep-blas-env", *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def test_quick_run_prints_the_table_and_writes_json(tmp_path):
    out = tmp_path / "r.json"
    md = tmp_path / "RESULTS.md"
    r = bench("--quick", "--sizes", "1000,3e3", "--f64-sizes", "2000", "--only", "adam,sgd+momentum",
              "--no-mlp", "--out", str(out), "--results-md", str(md))
    assert r.returncode == 0, r.stderr
    assert "optimlib" in r.stdout and "naive/ol" in r.stdout and "in-place update a += b" in r.stdout
    res = json.loads(out.read_text())
    assert {(row["optimizer"], row["n"], row["dtype"]) for row in res["steps"]} == {
        (o, n, d) for o in ("adam", "sgd+momentum") for n, d in ((1000, "float32"), (3000, "float32"),
                                                                 (2000, "float64"))}
    for row in res["steps"]:
        assert set(row["ms"]) >= {"optimlib", "naive", "torch_foreach"}, row["missing"]
        assert all(v > 0 for v in row["ms"].values())
        assert all(row["finite"].values())
        assert row["ratios"]["optimlib/floor"] > 0 and row["floor_gbps"] > 0  # measured alongside
    adam = next(r for r in res["steps"] if r["optimizer"] == "adam")
    assert adam["bytes_per_element"] == 7 * 4 and adam["state_buffers"] == 2  # p, g, m, v in; p, m, v out
    assert res["bandwidth"]["floor"] == res["bandwidth"]["update"] > 0  # the in-place floor
    assert res["bandwidth"]["stream_floor"] == max(res["bandwidth"]["copy"], res["bandwidth"]["triad"])
    if importlib.util.find_spec("numba"):
        for row in res["steps"]:  # Adam and SGD have fused steps
            assert row["ms"]["optimlib_fused"] > 0 and row["ratios"]["fused/floor"] > 0
            assert row["agreement"]["optimlib_fused"] < 1e-12
        assert res["compile"]["compile"]["adam/float32"] > 0 and res["compile"]["cached"]["adam/float32"] > 0
        assert "fused=True, the first step in a fresh process" in r.stdout
    assert res["targets"]["adam_vs_floor"]["met"] is None  # 1e7 was not run: not measured
    assert "(not run at N = 10,000,000 (sizes were 1,000, 3,000))" in r.stdout  # and it says why
    assert "--quick: small sizes and a few epochs" in r.stdout
    assert "```text" in md.read_text() and "adam" in md.read_text()
    again = bench("--from-json", str(out))  # the table is rebuilt from the JSON alone
    assert again.returncode == 0 and again.stdout == r.stdout


@pytest.mark.parametrize("label", sorted(steps.configs()))
def test_naive_and_torch_compute_what_optimlib_computes(label):
    """The timings compare the same computation: 8 steps agree to rounding (float64; torch's
    NAdam keeps its momentum product in float32, hence 1e-7 rather than 1e-12)."""
    case = steps.configs()[label]
    diffs = steps.check_agreement(case, np.float64, n=500)
    if case.name in naive.STEPS:
        assert "naive" in diffs
    for impl, d in diffs.items():
        assert d < 1e-7, f"{label}: {impl} differs from optimlib by {d:.2e} (relative)"


def test_every_optimizer_is_benchmarked():
    """New optimizers are picked up from the registry (a naive version is optional: without
    one its column shows '-')."""
    from optimlib import optim
    labels = steps.configs()
    vectors = {n for n in optim.OPTIMIZERS if not optim.catalog.entry(n).matrices_only}
    assert vectors <= set(labels) and "sgd+momentum" in labels


def test_digits_mlp_runs_alike_in_optimlib_and_torch():
    """Same initial weights, batches and optimizer: after one epoch both reach about the same
    test accuracy (so the timing compares the libraries, not two different trainings)."""
    pytest.importorskip("torch")
    from benchmarks import mlp
    a = mlp.run_optimlib(np.float64, max_epochs=1, threads=1)
    b = mlp.run_torch(np.float64, max_epochs=1, threads=1)
    assert a["epochs"] == b["epochs"] == 1 and a["seconds"] > 0 and b["seconds"] > 0
    assert abs(a["test_acc"] - b["test_acc"]) <= 2 / 359
    assert a["test_acc"] > 0.5


def test_notebook_timing(tmp_path):
    import nbformat
    pytest.importorskip("nbclient")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1 + 1\nassert x == 2")])
    nbformat.write(nb, tmp_path / "00_tiny.ipynb")
    bad = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("raise ValueError('boom')")])
    nbformat.write(bad, tmp_path / "01_bad.ipynb")
    out = tmp_path / "r.json"
    r = bench("--no-steps", "--no-mlp", "--notebooks", "--chapters", str(tmp_path), "--out", str(out))
    assert r.returncode == 0, r.stderr
    nbs = {n["notebook"]: n for n in json.loads(out.read_text())["notebooks"]}
    assert nbs["00_tiny.ipynb"]["ok"] and nbs["00_tiny.ipynb"]["seconds"] > 0
    assert not nbs["01_bad.ipynb"]["ok"] and "boom" in nbs["01_bad.ipynb"]["error"]


@pytest.mark.parametrize("args, message", [
    (["--sizes", "0"], "--sizes: N must be a positive whole number of elements, got 0"),
    (["--sizes=-5"], "--sizes: N must be a positive whole number of elements, got -5"),
    (["--sizes", "1e5,abc"], "--sizes: 'abc' is not a number"),
    (["--f64-sizes", "2.5"], "--f64-sizes: N must be a positive whole number of elements, got 2.5"),
    (["--sizes", "1e12"], "--sizes: N = 1e12 needs about"),
    (["--results-md", "/proc/no/such/RESULTS.md"], "--results-md /proc/no/such/RESULTS.md: cannot write"),
    (["--only", "adam,nosuch"], "--only: unknown optimizer 'nosuch'; known: sgd,"),
])
def test_bad_input_is_a_clear_message_and_exit_2(args, message, capsys, tmp_path):
    assert main(["--keep-blas-env", "--out", str(tmp_path / "r.json"), *args]) == 2
    err = capsys.readouterr().err
    assert message in err, err
    assert not (tmp_path / "r.json").exists()


def test_unwritable_output_is_refused_before_measuring(tmp_path, capsys):
    blocker = tmp_path / "a_file"
    blocker.write_text("")
    for out in (blocker / "r.json", tmp_path):  # under a file; a folder
        assert main(["--keep-blas-env", "--out", str(out)]) == 2
        err = capsys.readouterr().err
        assert f"--out {out}:" in err and "Traceback" not in err


def test_bad_input_from_the_command_line_exits_non_zero():
    r = bench("--sizes", "-3")
    assert r.returncode == 2 and "positive whole number" in r.stderr and "Traceback" not in r.stderr
    r = bench("--only", "adamm")
    assert r.returncode == 2 and "unknown optimizer 'adamm'" in r.stderr


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_the_base_class_hands_update_128_kib_slices(dtype):
    """The slice size the benchmark chose (README: 'Chunk size'): 128 KiB of each array, whatever
    the dtype, and the last slice holds the rest."""
    from optimlib import optim
    seen = []

    class Probe(optim.SGD):
        def update(self, p, g, *args, **kw):
            seen.append((p.nbytes, g.nbytes, p.base is not None))
            super().update(p, g, *args, **kw)

    n = 3 * (1 << 17) // np.dtype(dtype).itemsize + 5
    Probe([np.zeros(n, dtype)], lr=0.1).step([np.ones(n, dtype)])
    assert [s[0] for s in seen] == [1 << 17] * 3 + [5 * np.dtype(dtype).itemsize]
    assert all(pb == gb and view for pb, gb, view in seen)


def test_sliced_steps_do_not_fault_their_temporaries_in_again():
    """In a fresh process whose only arrays are large (nothing has raised glibc's trim threshold
    yet), RAdam's slices used to hand their temporaries back to the system and fault them in
    again: ~30 page faults per slice (9,700 per step), steps twice as slow (README: 'Page
    faults')."""
    code = (
        "import resource, numpy as np\n"
        "from optimlib import optim\n"
        "p = np.ones(10_000_000, np.float32); g = np.ones(10_000_000, np.float32)\n"
        "opt = optim.get('radam', [p])\n"
        "for _ in range(3): opt.step([g])\n"
        "f0 = resource.getrusage(resource.RUSAGE_SELF).ru_minflt\n"
        "for _ in range(3): opt.step([g])\n"
        "print((resource.getrusage(resource.RUSAGE_SELF).ru_minflt - f0) / 3)\n")
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    from optimlib.optim import Optimizer
    slices = 10_000_000 * 4 // Optimizer.chunk_size
    assert float(r.stdout) < slices, f"{float(r.stdout):.0f} page faults per step for {slices} slices"


def test_a_missing_dependency_names_what_to_install(tmp_path):
    """Without threadpoolctl (a clean machine without requirements-dev.txt) the benchmark says
    what to install instead of crashing with nothing on stdout."""
    hide = tmp_path / "hide"
    hide.mkdir()
    (hide / "threadpoolctl.py").write_text("raise ImportError('hidden for the test')\n")
    (hide / "sitecustomize.py").write_text(
        "import importlib.util, sys\n_f = importlib.util.find_spec\n"
        "importlib.util.find_spec = lambda n, *a: None if n == 'threadpoolctl' else _f(n, *a)\n")
    import os
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(hide), str(ROOT)])}
    r = subprocess.run([sys.executable, "-m", "benchmarks.run", "--keep-blas-env", "--quick",
                        "--out", str(tmp_path / "r.json")], cwd=ROOT, env=env, capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    assert "threadpoolctl" in r.stderr and "pip install" in r.stderr, r.stderr


def test_threadpoolctl_is_declared():
    lines = (ROOT / "requirements-dev.txt").read_text().splitlines()
    assert any(line.strip().startswith("threadpoolctl") for line in lines)


def test_quick_mlp_rows_say_why_97_percent_was_not_reached():
    from benchmarks.run import evaluate_targets, format_table
    run = {"seconds": 0.1, "epochs": 3, "test_acc": 0.86, "reached": False}
    mlp = {"runs": {"optimlib/float64/1 thread": run, "torch/float64/1 thread": run},
           "ratios": {f"{d}/{t}": None for d in ("float64", "float32") for t in ("1 thread", "default threads")},
           "repeats": 1, "lr": 1e-3, "batch_size": 32, "target_accuracy": 0.97, "sizes": [64, 64, 10],
           "max_epochs": 3, "quick": True}
    res = {"mlp": mlp, "quick": True}
    res["targets"] = evaluate_targets(res)
    table = format_table(res)
    assert "(not reached)" not in table and "(stopped at the 3-epoch cap of --quick)" in table
    assert "(the MLP runs stop after 3 epochs, before 97%)" in table


def test_the_in_place_floor_a_chapter_can_measure():
    """benchmarks.bandwidth's floor: the `a += b` bandwidth, and a step's least time at it."""
    from benchmarks.bandwidth import floor_seconds, inplace_bandwidth
    gbps = inplace_bandwidth(n=1 << 18, repeats=3)
    assert 0.1 < gbps < 10_000
    assert floor_seconds(10**7, 7, 4, 70.0) == pytest.approx(10**7 * 28 / 70e9)  # Adam, float32
