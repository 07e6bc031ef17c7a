"""Run every benchmark module in bench/ (or those named on the command line), each in a process of its own."""

from __future__ import annotations

import importlib
import pkgutil
import signal
import subprocess
import sys
import traceback

import bench

# A benchmark that raised has already printed its FAILED line; any other non-zero exit (a crash, a
# kill) is reported by the parent.
REPORTED = 3
TRACEBACK_LINES = 8


def benchmark_names() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules(bench.__path__) if m.name.startswith("bench_"))


def run_here(name: str) -> int:
    """Run one benchmark in this process; a failure prints its reason and the traceback's end."""
    try:
        module = importlib.import_module(f"bench.{name}")
        print(f"== {name}: {(module.__doc__ or '').strip().splitlines()[0]}", flush=True)
        module.run()
    except Exception as exc:
        reason = f"{type(exc).__name__}: {exc}".strip().splitlines()[0]
        print(f"== {name}: FAILED ({reason})", flush=True)
        lines = "".join(traceback.format_exception(exc)).rstrip().splitlines()
        print("\n".join(f"   {line}" for line in lines[-TRACEBACK_LINES:]), flush=True)
        return REPORTED
    return 0


def run_apart(name: str) -> bool:
    """Run one benchmark in a fresh interpreter, so no memory, state or crash carries over to the next."""
    code = subprocess.run([sys.executable, "-m", "bench", name]).returncode
    if code not in (0, REPORTED):
        reason = f"killed by signal {-code} ({signal.strsignal(-code)})" if code < 0 else f"exit status {code}"
        print(f"== {name}: FAILED ({reason})", flush=True)
    print(flush=True)
    return code == 0


def main(argv: list[str]) -> int:
    known = benchmark_names()
    names = argv or known
    unknown = [name for name in names if name not in known]
    if unknown:
        print(f"unknown benchmark {', '.join(unknown)}; known: {', '.join(known)}", file=sys.stderr)
        return 2
    if len(names) == 1:
        return run_here(names[0])
    failed = [name for name in names if not run_apart(name)]
    if failed:
        print(f"== {len(failed)} of {len(names)} benchmarks FAILED: {', '.join(failed)}", flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
