"""The README's tour of the command line works when pasted into a shell (issue 13, item 11).

The tour's code blocks are marked in README.md: `<!-- tour: setup -->` before the block that
installs and activates the virtual environment, `<!-- tour -->` before each block of the tour
proper. The test runs them in order as one bash script (`set -e`: the first command that fails
stops it and is named) on a fresh newsroom in a temporary HOME, with `kitchen` from the virtual
environment running the tests. The setup block's `make install` is the one line not run (the
environment is installed already); its `source .venv/bin/activate` activates that environment.

Commands that run until Ctrl-C (`kitchen desk`, `kitchen preview`, `kitchen run`) stay out of
the marked blocks; the README shows them in a block of their own, and a test checks that no
marked block starts one."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MARKED = re.compile(r"^<!-- tour(?:: (?P<kind>[a-z]+))? -->\n```sh\n(?P<body>.*?)^```", re.S | re.M)
SERVERS = re.compile(r"^\s*kitchen\s+(?:--\S+\s+\S+\s+)*(desk|preview|run)\b(?!.*--once)", re.M)


def tour_blocks() -> list[tuple[str, str]]:
    """The marked blocks of README.md in order, as (kind, text): kind is "setup" or "tour"."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return [(m.group("kind") or "tour", m.group("body")) for m in MARKED.finditer(text)]


def test_the_tour_is_marked_installs_first_and_starts_no_server() -> None:
    blocks = tour_blocks()
    assert [kind for kind, _ in blocks[:1]] == ["setup"]
    setup = blocks[0][1]
    assert "make install" in setup and "source .venv/bin/activate" in setup
    tour = [body for kind, body in blocks if kind == "tour"]
    assert len(tour) >= 4
    for body in tour:
        assert not SERVERS.search(body), body
    script = "\n".join(tour)
    assert "kitchen init" in script and "kitchen publish --due" in script
    assert "mv inbox/_quarantine/" in script  # resubmitting a quarantined file is shown


def tour_script(bin_dir: Path) -> str:
    lines = ["set -eo pipefail", "trap 'echo \"tour: this command failed: $BASH_COMMAND\" >&2' ERR", "set -x"]
    for kind, body in tour_blocks():
        if kind == "setup":
            for line in body.splitlines():
                if line.startswith("make install"):
                    continue  # the environment running the tests is installed already
                lines.append(line.replace("source .venv/bin/activate", f"source {bin_dir}/activate"))
            lines.append(f'test "$(command -v kitchen)" = "{bin_dir}/kitchen"')
        else:
            lines.append(body)
    return "\n".join(lines) + "\n"


def test_the_readme_tour_runs_on_a_fresh_newsroom(tmp_path: Path) -> None:
    bin_dir = Path(sys.executable).parent
    if not (bin_dir / "kitchen").exists() or not (bin_dir / "activate").exists():
        pytest.skip(f"the tests do not run from a virtual environment with kitchen installed ({bin_dir})")
    home = tmp_path / "home"
    home.mkdir()
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("KITCHEN_") and key not in ("VIRTUAL_ENV", "EDITOR", "VISUAL")}
    env.update({"HOME": str(home), "COLUMNS": "200", "LANG": "C.UTF-8"})
    script = tmp_path / "tour.sh"
    script.write_text(tour_script(bin_dir), encoding="utf-8")
    result = subprocess.run(["bash", str(script)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"{result.stdout[-4000:]}\n{result.stderr[-6000:]}"

    newsroom = home / "newsroom"
    assert (newsroom / "site" / "live" / "index.html").exists()
    assert (newsroom / "inbox" / "_done" / "xinqiao-hedao.txt").exists()  # resubmitted and read
    assert "已撤稿" in result.stdout  # the status at the end counts the killed story
