"""`make benchmark` (`python -m tests.benchmarks`): every benchmark, on SQLite and on PostgreSQL (a
throwaway cluster, as in the tests, unless DISCLOSURE_TEST_DATABASE_URL names a server), in one
table: figure, value, baseline measured in the same run, ratio, target, pass or fail.

    python -m tests.benchmarks                          # everything, both databases
    python -m tests.benchmarks --backend sqlite --only report pages import
    python -m tests.benchmarks --rows 200000            # the purge at another size
    python -m tests.benchmarks --only load --duration 20  # the load runs, 20 s each

The machine is shared while it runs, so times vary from run to run: compare the ratios, which
are measured side by side. Exit status 1 when any target is missed."""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import shutil
import sys
import tempfile
from contextlib import nullcontext
from pathlib import Path

os.environ.setdefault("DISCLOSURE_SECRET_KEY", "benchmark-only")
os.environ.setdefault("DISCLOSURE_INSTANCE_PATH", tempfile.mkdtemp(prefix="disclosure-bench-"))


from tests.benchmarks import (  # noqa: E402
    load,
    loans_import,
    page_growth,
    patron_report,
    purge,
    startup,
)
from tests.benchmarks.processes import new_database, postgresql_server  # noqa: E402

ALL = ("purge", "report", "pages", "import", "startup", "load")
# The development server is measured on SQLite only, the database it is run with (`make run`).
LOAD_SERVERS = {"sqlite": ("gunicorn", "flask run"), "postgresql": ("gunicorn",)}


def _fresh_database(server: str | None, folder: Path, name: str) -> str:
    """The URL of a new, empty database called `name`."""
    if server is None:
        return f"sqlite:///{folder / (name + '.sqlite3')}"
    return new_database(server, name)


def run(
    backend: str, only: list[str], sizes: list[int], folder: Path, server, seconds: int = 60
) -> list[dict]:
    """The table's lines for one backend."""
    lines = []
    if "purge" in only:
        for rows in sizes:
            lines.append(purge.row(purge.bench(backend, rows, folder, server)))
    if "report" in only:
        lines += patron_report.rows(_fresh_database(server, folder, f"bench_report_{backend}"))
    if "pages" in only:
        lines += page_growth.rows(
            lambda scale: _fresh_database(server, folder, f"bench_pages_{backend}_{scale}")
        )
    if "import" in only:
        lines += loans_import.rows(
            lambda name: _fresh_database(server, folder, f"bench_import_{backend}_{name}")
        )
    if "load" in only:
        url = _fresh_database(server, folder, f"bench_load_{backend}")
        lines += load.rows(url, seconds, LOAD_SERVERS[backend])
    lines = [{**line, "backend": backend} for line in lines]
    for line in lines:  # as they come: a long run shows what it has measured so far
        print(f"  {line['figure']} ({backend}): {line['value']}; {line['baseline']}", flush=True)
    return lines


def table(lines: list[dict]) -> str:
    """The lines as a Markdown table, with the date and the machine."""
    out = [
        f"{datetime.date.today().isoformat()}, {platform.node()}: {os.cpu_count()} cores, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}",
        "",
        "| figure | database | value | baseline (same run) | ratio | target | result |",
        "|---|---|---|---|---:|---|---|",
    ]
    for line in lines:
        out.append(
            f"| {line['figure']} | {line['backend']} | {line['value']} | {line['baseline']} | "
            f"{line['ratio']:.2f}x | {line['target']} | {'pass' if line['ok'] else 'FAIL'} |"
        )
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--only", nargs="+", choices=ALL, default=list(ALL))
    parser.add_argument("--rows", type=int, action="append", help="purge size (repeatable)")
    parser.add_argument("--duration", type=int, default=60, help="seconds of each load run")
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    sizes = args.rows or [1_000_000]
    folder = Path(tempfile.mkdtemp(prefix="disclosure-bench-"))
    lines = []
    try:
        with postgresql_server() if "postgresql" in backends else nullcontext() as server:
            for backend in backends:
                lines += run(
                    backend,
                    args.only,
                    sizes,
                    folder,
                    server if backend == "postgresql" else None,
                    args.duration,
                )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if "startup" in args.only:  # no database: measured once
        lines += [{**line, "backend": "none"} for line in startup.rows()]
    print()
    print(table(lines))
    return 0 if all(line["ok"] for line in lines) else 1


if __name__ == "__main__":
    sys.exit(main())
