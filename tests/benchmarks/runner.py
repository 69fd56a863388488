"""Running one side of the benchmark (the purge or the SQL baseline) in a process of its own."""

from __future__ import annotations

import multiprocessing
import os
import queue
import time
from datetime import datetime

from sqlalchemy import text

from disclosure import clock
from disclosure.db import make_engine
from disclosure.retention import purge
from tests.benchmarks import baseline

NOW = datetime(2026, 6, 15, 12, tzinfo=clock.UTC)
PAGE = os.sysconf("SC_PAGE_SIZE")


def _rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE / 2**20


def _child(which: str, url: str, results) -> None:
    """Run one side in a fresh process: its time, and its peak memory above where it started
    (ru_maxrss of a clean process, so earlier phases do not hide or inflate it)."""
    import resource

    engine = make_engine(url)
    with engine.connect() as conn:  # connect and load the driver before measuring
        conn.execute(text("SELECT 1"))
    before = _rss_mib()
    clock.freeze(NOW)
    started = time.perf_counter()
    if which == "sql":
        baseline.run(engine, NOW)
    else:
        purge.run_purge(engine, trigger="command")
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    results.put((elapsed, max(0.0, peak - before)))
    engine.dispose()


def measure(which: str, url: str) -> tuple[float, float]:
    """(seconds, peak MiB) of the purge or the SQL baseline, run in a process of its own."""
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    child = context.Process(target=_child, args=(which, url, results))
    child.start()
    while True:
        try:
            outcome = results.get(timeout=5)
            break
        except queue.Empty as empty:
            if not child.is_alive():
                died = f"the {which} process died (exit code {child.exitcode})"
                raise SystemExit(died) from empty
    child.join()
    return outcome
