"""Shared fixtures: a small test newsroom, its store, and the `kitchen` command run in-process."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.config import load_newsroom
from pipeline.scaffold import init_newsroom
from pipeline.settings import Newsroom
from pipeline.store import Store, open_store

FIXTURES = Path(__file__).parent / "fixtures"
NOW = datetime(2026, 11, 29, 2, 0, tzinfo=UTC)  # 10:00 in Asia/Shanghai


def make_newsroom(root: Path, extra_toml: str = "", channels: str = '["export"]') -> Path:
    """A test newsroom; most tests publish on the export channel only (cheaper than a site build)."""
    init_newsroom(root, title="测试县融媒体中心", base_url="https://news.test.example.cn/",
                  monthly_themes=[("2026-11", "yifeng")])
    shutil.copyfile(FIXTURES / "stations.csv", root / "stations.csv")
    replace_in_config(root, 'channels = ["web", "rss", "export", "loudspeaker"]', f"channels = {channels}")
    if extra_toml:
        with (root / "kitchen.toml").open("a", encoding="utf-8") as handle:
            handle.write("\n" + extra_toml)
    return root


def replace_in_config(root: Path, old: str, new: str) -> None:
    path = root / "kitchen.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in kitchen.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def write_report(root: Path, name: str, title: str = "东村开展板凳课堂理论宣讲",
                 station: str = "qiaotou-dongcun", date: str = "2026-11-20 09:30",
                 body: str = "11月20日上午，东村文明实践站开展板凳课堂，60余名村民参加。",
                 extra: str = "") -> Path:
    path = root / "inbox" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\ntitle: {title}\ndate: {date}\nstation: {station}\ntheme: xuanjiang\n"
                    f"{extra}---\n{body}\n", encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("KITCHEN_NEWSROOM", "KITCHEN_ROLE", "KITCHEN_USER", "KITCHEN_CRASH_AT", "EDITOR", "VISUAL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", "200")


@pytest.fixture
def newsroom_dir(tmp_path: Path) -> Path:
    return make_newsroom(tmp_path / "newsroom")


@pytest.fixture
def newsroom(newsroom_dir: Path) -> Newsroom:
    return load_newsroom(newsroom_dir)


@pytest.fixture
def store(newsroom: Newsroom) -> Iterator[Store]:
    opened = open_store(newsroom)
    yield opened
    opened.close()


class Kitchen:
    """Runs `kitchen …` in-process against one newsroom."""

    def __init__(self, root: Path):
        self.root = root
        self.runner = CliRunner()

    def __call__(self, *args: str, expect: int = 0, env: dict[str, str] | None = None) -> str:
        from pipeline.cli import app

        result = self.runner.invoke(app, ["--newsroom", str(self.root), *args], env=env,
                                    catch_exceptions=False)
        output = result.output
        assert result.exit_code == expect, f"kitchen {' '.join(args)} → {result.exit_code}\n{output}"
        return output


@pytest.fixture
def kitchen(newsroom_dir: Path) -> Kitchen:
    return Kitchen(newsroom_dir)


def kitchen_env() -> dict[str, str]:
    """Environment for running `kitchen` as a subprocess with this interpreter's packages."""
    env = dict(os.environ)
    env.pop("KITCHEN_CRASH_AT", None)
    return env
