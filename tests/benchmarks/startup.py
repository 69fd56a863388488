"""Benchmark: the start-up of a CLI command that renders no document (`disclosure import loans
--help`: the app made, the command found, nothing imported), against `flask --version` (Python
and Flask alone), each the median of several fresh processes, in wall time and in CPU seconds
(what the time would be on a machine not shared). Target: under 0.5 s. The same command through
`flask --app wsgi` is measured beside it, for the record (disclosure/console.py says why it is
slower).

The app's bytecode is compiled first, as a deployed copy's is after its first run (a process
that may not write `__pycache__` compiles every module at every start).

    .venv/bin/python -m tests.benchmarks.startup
"""

from __future__ import annotations

import compileall
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUNS = 7
TARGET = 0.5  # seconds


def _cpu_of_children() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _seconds(args: list[str], env: dict) -> tuple[float, float]:
    """The median wall-clock time and median CPU seconds of RUNS fresh processes running `args`."""
    times, cpu = [], []
    for _ in range(RUNS):
        started, cpu_before = time.perf_counter(), _cpu_of_children()
        subprocess.run(args, check=True, capture_output=True, cwd=ROOT, env=env)
        times.append(time.perf_counter() - started)
        cpu.append(_cpu_of_children() - cpu_before)
    return statistics.median(times), statistics.median(cpu)


def rows() -> list[dict]:
    """The table's line: the CLI command's start-up against `flask --version`."""
    compileall.compile_dir(ROOT / "disclosure", quiet=1)
    env = {
        **os.environ,
        "DISCLOSURE_SECRET_KEY": os.environ.get("DISCLOSURE_SECRET_KEY", "benchmark-only"),
        "DISCLOSURE_INSTANCE_PATH": tempfile.mkdtemp(prefix="disclosure-bench-"),
    }
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    flask = [sys.executable, "-m", "flask"]
    command = [str(Path(sys.executable).parent / "disclosure"), "import", "loans", "--help"]
    baseline, baseline_cpu = _seconds([*flask, "--version"], env)
    took, took_cpu = _seconds(command, env)
    through_flask, _ = _seconds([*flask, "--app", "wsgi", *command[1:]], env)
    return [
        dict(
            figure="start-up of a CLI command (import --help)",
            value=f"{took:.2f} s ({took_cpu:.2f} s CPU)",
            baseline=f"flask --version {baseline:.2f} s ({baseline_cpu:.2f} s CPU); the "
            f"command through flask --app wsgi {through_flask:.2f} s",
            ratio=took / baseline,
            target=f"< {TARGET} s",
            ok=took < TARGET,
        )
    ]


def main() -> int:
    found = rows()
    for row in found:
        print(f"{row['figure']}: {row['value']}; {row['baseline']} ({row['ratio']:.2f}x)")
    return 0 if all(r["ok"] for r in found) else 1


if __name__ == "__main__":
    sys.exit(main())
