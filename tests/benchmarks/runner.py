"""Running one side of the benchmark (the purge or the SQL baseline) in a process of its own."""

from __future__ import annotations

import os
import time
from datetime import datetime

from sqlalchemy import event, text

from disclosure import clock
from disclosure.db import make_engine
from disclosure.retention import purge
from tests.benchmarks import baseline
from tests.benchmarks.processes import in_own_process, sealed, status_mib

NOW = datetime(2026, 6, 15, 12, tzinfo=clock.UTC)


def _cpu_of(pid: int) -> float:
    """CPU seconds (user + system) process `pid` has used so far."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _server_cpu(engine):
    """A function giving the CPU seconds the PostgreSQL server processes of `engine`'s
    connections have used (0 on SQLite, whose work is this process's). The throwaway cluster
    runs on this machine, so its processes can be read; on a shared machine CPU seconds say
    more than wall time."""
    backends: set[int] = set()

    @event.listens_for(engine, "connect")
    def _remember(dbapi_connection, _record):
        if engine.dialect.name == "postgresql":
            with dbapi_connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                backends.add(cursor.fetchone()[0])

    return lambda: sum(_cpu_of(pid) for pid in backends if os.path.exists(f"/proc/{pid}"))


def _child(which: str, url: str, results) -> None:
    """Run one side in a fresh process: its time, and its peak memory (VmHWM) above where it
    started."""
    # the benchmarks' data key: the purge seals the copies it makes for holds (disclosure.vault)
    engine = sealed(make_engine(url))
    server_cpu = _server_cpu(engine)
    with engine.connect() as conn:  # connect and load the driver before measuring
        conn.execute(text("SELECT 1"))
    before = status_mib("VmRSS")
    clock.freeze(NOW)
    started, cpu = time.perf_counter(), time.process_time() + server_cpu()
    if which == "sql":
        baseline.run(engine, NOW)
    else:
        purge.run_purge(engine, trigger="command")
    elapsed = time.perf_counter() - started
    cpu = time.process_time() + server_cpu() - cpu
    peak = status_mib("VmHWM")
    started = time.perf_counter()
    if which != "sql":  # the nightly job's next step, timed apart: the holds' counts again
        purge.recount_holds(engine)
    recount = time.perf_counter() - started
    results.put((elapsed, max(0.0, peak - before), recount, cpu))
    engine.dispose()


def measure(which: str, url: str) -> tuple[float, float, float, float]:
    """(seconds, peak MiB, seconds recounting the holds after it, CPU seconds of this process and
    its database server processes) of the purge or the SQL baseline, run in a process of its
    own."""
    return in_own_process(_child, which, url)
