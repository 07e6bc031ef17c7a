"""The benchmark runner and the benchmarks' own bookkeeping (the benchmarks themselves run with `make bench`)."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

import bench.baselines
import bench.bench_publish

ROOT = Path(__file__).resolve().parents[1]
FAKE_BENCHMARKS = {
    "bench_a_raises.py": '"""Raises."""\n\ndef run():\n    raise RuntimeError("boom in a")\n',
    "bench_b_works.py": '"""Works."""\n\ndef run():\n    print("b measured 42")\n',
    "bench_c_dies.py": '"""Dies."""\nimport os, signal\n\ndef run():\n    os.kill(os.getpid(), signal.SIGKILL)\n',
    "bench_d_works.py": '"""Works too."""\n\ndef run():\n    print("d measured 7")\n',
}


def test_a_failing_benchmark_is_reported_and_the_rest_run(tmp_path: Path) -> None:
    package = tmp_path / "bench"
    package.mkdir()
    for name in ("__init__.py", "__main__.py"):
        shutil.copyfile(ROOT / "bench" / name, package / name)
    for name, code in FAKE_BENCHMARKS.items():
        (package / name).write_text(code, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "bench"], cwd=tmp_path, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(tmp_path)}, timeout=60)
    out = done.stdout
    assert done.returncode == 1, done
    assert "== bench_a_raises: FAILED (RuntimeError: boom in a)" in out
    assert 'raise RuntimeError("boom in a")' in out  # the traceback's last lines
    assert "b measured 42" in out and "d measured 7" in out
    assert "== bench_c_dies: FAILED (killed by signal 9" in out
    assert out.rstrip().endswith("== 2 of 4 benchmarks FAILED: bench_a_raises, bench_c_dies")


def test_an_unknown_benchmark_name_is_refused() -> None:
    done = subprocess.run([sys.executable, "-m", "bench", "bench_nope"], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2
    assert "unknown benchmark bench_nope; known: bench_broadcast" in done.stderr


def test_publish_benchmark_expects_a_row_per_story_and_enabled_channel(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(bench.bench_publish, "STORIES", 4)
    bench.bench_publish.run()
    out = capsys.readouterr().out
    assert "ledger rows published: 12, channels web, rss, export" in out
    assert "(identical bytes: True)" in out


def test_site_child_peak_is_its_own_not_the_parents() -> None:
    # Linux carries ru_maxrss over fork and exec: a child of a big parent reported the parent's peak
    ballast = b"x" * (256 * 1024 * 1024)
    done = subprocess.run([sys.executable, "-c", "from bench.site_child import peak_mb; print(peak_mb())"],
                          cwd=ROOT, capture_output=True, text=True, check=True, timeout=60)
    assert len(ballast) and float(done.stdout) < 200


def imports_of(path: Path) -> set[str]:
    return {(alias.name if isinstance(node, ast.Import) else node.module or "").split(".")[0]
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Import | ast.ImportFrom) and not getattr(node, "level", 0)
            for alias in node.names}


def test_benchmarks_import_only_the_projects_dependencies() -> None:
    """Bench-only packages are baselines (bench/baselines.py), run with their own interpreter: only
    in a `bench/baseline_*.py` script, which that interpreter runs, and which imports nothing of the
    project (the baselines' environment does not have it)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {requirement_name(r) for r in project["dependencies"] + project["optional-dependencies"]["dev"]}
    baselines = {requirement_name(r) for r in bench.baselines.REQUIREMENTS}
    distributions = packages_distributions()
    ours = {"bench", "pipeline", "publishers", ""}
    for path in (ROOT / "bench").glob("*.py"):
        imported = imports_of(path)
        third_party = imported - set(sys.stdlib_module_names) - ours
        if path.name.startswith("baseline_"):
            assert not imported & (ours - {""}), f"{path.name} runs in the baselines' environment"
            assert third_party <= baselines, path.name
            continue
        undeclared = {module for module in third_party
                      if not {requirement_name(d) for d in distributions.get(module, [module])} & declared}
        assert not undeclared, path.name


def requirement_name(requirement: str) -> str:
    name = requirement.split(";")[0].split("[")[0]
    for separator in "<>=!~ ":
        name = name.split(separator)[0]
    return name.strip().lower().replace("_", "-")
