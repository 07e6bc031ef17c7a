"""The third-party baselines the benchmarks compare against, installed for the benchmarks only into a virtual environment of their own under bench/out/.

Every bench-only dependency goes here, never into the project's environment or pyproject.toml:
Pelican pins versions the product uses too (it would downgrade Pygments), and a baseline must not
change what the product is measured with. The benchmarks run a baseline in a process of its own
with this interpreter (the same Python as the project's): code given with `-c`, or a `bench/baseline_*.py`
script, which imports nothing of the project.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"
REQUIREMENTS = ("pelican==4.12.0", "markdown", "cn2an==0.5.24", "gne==0.4.3")


def baseline_python() -> Path:
    """The baselines' interpreter, installing them the first time (and again when REQUIREMENTS change)."""
    venv = OUT / "baselines-venv"
    python = venv / "bin" / "python"
    installed = venv / "requirements.txt"
    wanted = "\n".join(REQUIREMENTS) + "\n"
    if not python.exists() or not installed.exists() or installed.read_text(encoding="utf-8") != wanted:
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", *REQUIREMENTS], check=True)
        installed.write_text(wanted, encoding="utf-8")  # only once the install succeeded
    return python
