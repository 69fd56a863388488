"""Running one side of the benchmark (the purge or the SQL baseline) in a process of its own."""

from __future__ import annotations

import time
from datetime import datetime

from sqlalchemy import text

from disclosure import clock
from disclosure.db import make_engine
from disclosure.retention import purge
from tests.benchmarks import baseline
from tests.benchmarks.processes import in_own_process, sealed, status_mib

NOW = datetime(2026, 6, 15, 12, tzinfo=clock.UTC)


def _child(which: str, url: str, results) -> None:
    """Run one side in a fresh process: its time, and its peak memory (VmHWM) above where it
    started."""
    # the benchmarks' data key: the purge seals the copies it makes for holds (disclosure.vault)
    engine = sealed(make_engine(url))
    with engine.connect() as conn:  # connect and load the driver before measuring
        conn.execute(text("SELECT 1"))
    before = status_mib("VmRSS")
    clock.freeze(NOW)
    started = time.perf_counter()
    if which == "sql":
        baseline.run(engine, NOW)
    else:
        purge.run_purge(engine, trigger="command")
    elapsed = time.perf_counter() - started
    peak = status_mib("VmHWM")
    started = time.perf_counter()
    if which != "sql":  # the nightly job's next step, timed apart: the holds' counts again
        purge.recount_holds(engine)
    recount = time.perf_counter() - started
    results.put((elapsed, max(0.0, peak - before), recount))
    engine.dispose()


def measure(which: str, url: str) -> tuple[float, float, float]:
    """(seconds, peak MiB, seconds recounting the holds after it) of the purge or the SQL
    baseline, run in a process of its own."""
    return in_own_process(_child, which, url)
