"""Running one side of the benchmark (the purge or the SQL baseline) in a process of its own."""

from __future__ import annotations

import os
import time
from datetime import datetime

from sqlalchemy import text

from disclosure import clock, vault
from disclosure.db import make_engine
from disclosure.retention import purge
from tests.benchmarks import baseline
from tests.benchmarks.processes import in_own_process, status_mib

NOW = datetime(2026, 6, 15, 12, tzinfo=clock.UTC)


def _child(which: str, url: str, results) -> None:
    """Run one side in a fresh process: its time, and its peak memory (VmHWM) above where it
    started."""
    engine = make_engine(url)
    # a data key of its own: the purge seals the copies it makes for holds (disclosure.vault)
    vault.arm(engine, vault.Keyring.of(os.urandom(32)))
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
