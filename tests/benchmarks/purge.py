"""`python -m tests.benchmarks.purge`: the purge against hand-written SQL that copies, ties and
deletes the same rows (`python -m tests.benchmarks` runs it with every other benchmark, in one
table).

For each backend and size: N loans + N computer sessions and 1,000 active holds of mixed scopes;
the same database copied twice; on one copy the purge (retention.purge.run_purge: batches, each
its own transaction, statistics kept), on the other the hand-written SQL (baseline.py).
Each side runs in a process of its own; it prints the wall time, the CPU seconds (the
process's and its PostgreSQL server processes') and the peak memory (the process's peak
resident set above where it started) of each, and checks that both leave exactly the same rows,
the same copies and the same ties of copies to holds.

    python -m tests.benchmarks.purge                 # 100,000 and 1,000,000 rows, SQLite and
    PostgreSQL
    python -m tests.benchmarks.purge --rows 200000 --backend sqlite
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path

os.environ.setdefault("DISCLOSURE_SECRET_KEY", "benchmark-only")
os.environ.setdefault("DISCLOSURE_INSTANCE_PATH", tempfile.mkdtemp(prefix="disclosure-bench-"))

from sqlalchemy import create_engine, select, text  # noqa: E402

from disclosure import migrate  # noqa: E402
from disclosure.db import make_engine  # noqa: E402
from disclosure.holds.models import PreservedRecord, PreservedRecordHold  # noqa: E402
from disclosure.records.models import ComputerSession, Loan  # noqa: E402
from tests.benchmarks import data  # noqa: E402
from tests.benchmarks.processes import postgresql_server, sealed  # noqa: E402
from tests.benchmarks.runner import NOW, measure  # noqa: E402

PRH = PreservedRecordHold.__table__


def remaining(engine) -> dict[str, list[int]]:
    """The ids left in ordinary use, the (kind, original id) of every preserved copy, and the
    (kind, original id, hold id) of every tie of a copy to a hold."""
    with engine.connect() as conn:
        found = {
            t.__tablename__: list(conn.scalars(select(t.id).order_by(t.id)))
            for t in (Loan, ComputerSession)
        }
        found["preserved"] = sorted(
            conn.execute(select(PreservedRecord.kind, PreservedRecord.original_id)).all()
        )
        found["ties"] = sorted(
            conn.execute(
                select(PreservedRecord.kind, PreservedRecord.original_id, PRH.c.hold_id).join(
                    PRH, PRH.c.preserved_id == PreservedRecord.id
                )
            ).all()
        )
        return found


def copies(backend: str, rows: int, folder: Path, server: str | None):
    """Build one database of `rows` and return two identical copies (URLs)."""
    if backend == "sqlite":
        base = folder / f"base-{rows}.sqlite3"
        url = f"sqlite:///{base}"
    else:
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            for name in (f"bench_base_{rows}", f"bench_purge_{rows}", f"bench_sql_{rows}"):
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(text(f'CREATE DATABASE "bench_base_{rows}"'))
        url = server.replace("/postgres?", f"/bench_base_{rows}?")
    migrate.upgrade(url)
    engine = sealed(make_engine(url))
    started = time.perf_counter()
    data.load(engine, rows, NOW)
    print(
        f"  loaded {rows:,} loans + {rows:,} computer sessions + 1,000 holds in "
        f"{time.perf_counter() - started:.0f} s"
    )
    engine.dispose()
    if backend == "sqlite":
        targets = []
        for name in ("purge", "sql"):
            target = folder / f"{name}-{rows}.sqlite3"
            shutil.copyfile(base, target)
            targets.append(f"sqlite:///{target}")
        return targets
    with admin.connect() as conn:
        for name in ("purge", "sql"):
            conn.execute(
                text(f'CREATE DATABASE "bench_{name}_{rows}" TEMPLATE "bench_base_{rows}"')
            )
    admin.dispose()
    return [server.replace("/postgres?", f"/bench_{name}_{rows}?") for name in ("purge", "sql")]


def _drop_copies(backend: str, rows: int, folder: Path, server: str | None) -> None:
    """Drop the three databases of `rows` once measured. Left in the cluster, their million
    deleted rows kept autovacuum and checkpoints busy through the benchmarks after this one:
    the load benchmark, last, measured 196 requests a second beside them and 222 alone."""
    if backend == "sqlite":
        for name in ("base", "purge", "sql"):
            (folder / f"{name}-{rows}.sqlite3").unlink(missing_ok=True)
        return
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for name in (f"bench_base_{rows}", f"bench_purge_{rows}", f"bench_sql_{rows}"):
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text("CHECKPOINT"))
    admin.dispose()


def bench(backend: str, rows: int, folder: Path, server: str | None) -> dict:
    print(f"{backend}, {rows:,} rows of each kind:")
    purge_url, sql_url = copies(backend, rows, folder, server)
    sql_time, sql_mem, _, sql_cpu = measure("sql", sql_url)
    purge_time, purge_mem, recount, purge_cpu = measure("purge", purge_url)
    purge_engine, sql_engine = sealed(make_engine(purge_url)), sealed(make_engine(sql_url))
    left_purge, left_sql = remaining(purge_engine), remaining(sql_engine)
    same = left_purge == left_sql
    kept = {k: len(v) for k, v in left_purge.items()}
    purge_engine.dispose()
    sql_engine.dispose()
    ratio = purge_time / sql_time if sql_time else float("inf")
    cpu_ratio = purge_cpu / sql_cpu if sql_cpu else float("inf")
    print(
        f"  hand-written SQL copy, ties, DELETE: {sql_time:7.1f} s ({sql_cpu:.1f} s CPU)   "
        f"peak memory +{sql_mem:6.1f} MiB"
    )
    print(
        f"  purge (batches, stats):  {purge_time:7.1f} s ({purge_cpu:.1f} s CPU)   peak memory "
        f"+{purge_mem:6.1f} MiB   = {ratio:.2f}x the SQL ({cpu_ratio:.2f}x its CPU)"
    )
    print(f"  then the 1,000 holds' counts again (retention.purge.recount_holds): {recount:.1f} s")
    print(f"  rows left: {kept}; same rows, copies and ties by both: {'yes' if same else 'NO'}")
    if not same:
        raise SystemExit("the purge and the SQL baseline left different rows, copies or ties")
    _drop_copies(backend, rows, folder, server)
    return dict(
        backend=backend,
        rows=rows,
        sql=sql_time,
        purge=purge_time,
        ratio=ratio,
        sql_cpu=sql_cpu,
        purge_cpu=purge_cpu,
        cpu_ratio=cpu_ratio,
        sql_mem=sql_mem,
        purge_mem=purge_mem,
        recount=recount,
    )


TARGET = 1.2  # the purge at most this many times the hand-written SQL


def row(result: dict) -> dict:
    """The result of bench() as a line of the benchmarks' table."""
    return dict(
        figure=f"purge, {result['rows']:,} loans + {result['rows']:,} sessions, 1,000 holds",
        value=f"{result['purge']:.1f} s ({result['purge_cpu']:.1f} s CPU), "
        f"+{result['purge_mem']:.0f} MiB (then holds recounted: {result['recount']:.1f} s)",
        baseline=f"SQL copy, ties, DELETE {result['sql']:.1f} s ({result['sql_cpu']:.1f} s CPU), "
        f"+{result['sql_mem']:.0f} MiB; CPU ratio {result['cpu_ratio']:.2f}x",
        ratio=result["ratio"],
        target=f"<= {TARGET}x",
        ok=result["ratio"] <= TARGET,
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--rows",
        type=int,
        action="append",
        help="rows of each kind (repeatable); default 100000 and 1000000",
    )
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    sizes = args.rows or [100_000, 1_000_000]
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    folder = Path(tempfile.mkdtemp(prefix="disclosure-bench-"))
    results = []
    try:
        with postgresql_server() if "postgresql" in backends else nullcontext() as server:
            for backend in backends:
                for rows in sizes:
                    results.append(bench(backend, rows, folder, server))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(
        "\n| backend | rows of each kind | SQL copy, ties, DELETE | purge | ratio | CPU ratio | "
        "peak memory SQL | peak memory purge |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r['backend']} | {r['rows']:,} | {r['sql']:.1f} s | {r['purge']:.1f} s | "
            f"{r['ratio']:.2f}x | {r['cpu_ratio']:.2f}x | +{r['sql_mem']:.0f} MiB | "
            f"+{r['purge_mem']:.0f} MiB |"
        )


if __name__ == "__main__":
    main()
