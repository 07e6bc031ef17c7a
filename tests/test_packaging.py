"""The built wheel carries the templates, assets and migrations, and an installed (non-editable)
copy runs the whole demo from them."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(ROOT)],
                   check=True, capture_output=True)
    (built,) = out.glob("central_kitchen-*.whl")
    return built


def test_wheel_contains_packages_templates_assets_and_migrations(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in ("pipeline/cli/__init__.py", "publishers/export.py",
                     "pipeline/migrations/env.py", "pipeline/migrations/versions/0001_initial.py",
                     "pipeline/_data/templates/newsroom/kitchen.toml",
                     "pipeline/_data/templates/newsroom/stations.csv",
                     "pipeline/_data/assets/demo/stations.csv"):
        assert expected in names, expected
    shipped_templates = {n for n in names if n.startswith("pipeline/_data/templates/")}
    repo_templates = {f"pipeline/_data/{p.relative_to(ROOT).as_posix()}" for p in (ROOT / "templates").rglob("*") if p.is_file()}
    assert repo_templates <= shipped_templates
    demo_inbox = [n for n in names if n.startswith("pipeline/_data/assets/demo/inbox/")]
    assert len([n for n in demo_inbox if n.endswith((".md", ".json", ".txt"))]) >= 20
    assert any(n.endswith(".jpg") for n in demo_inbox)
    assert not [n for n in names if n.startswith("pipeline/_data/") and n.endswith(".py")], \
        "tools (demo photo painter …) stay out of the wheel"
    entry_points = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("entry_points.txt"))).decode()
    assert "kitchen = pipeline.cli:main" in entry_points


def test_an_installed_copy_runs_the_demo_from_its_own_files(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
                    "--target", str(target), str(wheel)], check=True, capture_output=True)
    env = {"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin", "COLUMNS": "200"}
    where = subprocess.run([sys.executable, "-c", "import pipeline.resources as r; print(r.templates_dir())"],
                           cwd=tmp_path, env=env, check=True, capture_output=True, text=True).stdout.strip()
    assert where.startswith(str(target)), where
    result = subprocess.run([sys.executable, "-m", "pipeline.cli", "demo", "--quick", "--dir", str(tmp_path / "demo")],
                            cwd=tmp_path, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ninjs 文档" in result.stdout
    assert list((tmp_path / "demo/outbox/export").glob("story-*/rev-1.json"))
    assert list((tmp_path / "demo/outbox/loudspeaker").glob("*/morning/qiaotou/script.html"))  # templates/broadcast
    assert list((tmp_path / "demo/renditions").rglob("*.jpg"))  # card recipes and the font
