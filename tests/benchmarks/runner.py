"""Running one side of the benchmark (the purge or the SQL baseline) in a process of its own."""

from __future__ import annotations

import multiprocessing
import os
import queue
import time
from datetime import datetime

from sqlalchemy import text

from disclosure import clock, vault
from disclosure.db import make_engine
from disclosure.retention import purge
from tests.benchmarks import baseline

NOW = datetime(2026, 6, 15, 12, tzinfo=clock.UTC)


def _status_mib(field: str) -> float:
    """A figure of /proc/self/status (VmRSS, VmHWM), in MiB."""
    with open("/proc/self/status") as status:
        line = next(x for x in status if x.startswith(f"{field}:"))
    return int(line.split()[1]) / 1024


def _child(which: str, url: str, results) -> None:
    """Run one side in a fresh process: its time, and its peak memory above where it started.
    The peak is VmHWM, which a new process starts afresh; not ru_maxrss, which Linux carries
    over from the parent through exec (a 400 MiB parent made an idle child report +400 MiB)."""
    engine = make_engine(url)
    # a data key of its own: the purge seals the copies it makes for holds (disclosure.vault)
    vault.arm(engine, vault.Keyring.of(os.urandom(32)))
    with engine.connect() as conn:  # connect and load the driver before measuring
        conn.execute(text("SELECT 1"))
    before = _status_mib("VmRSS")
    clock.freeze(NOW)
    started = time.perf_counter()
    if which == "sql":
        baseline.run(engine, NOW)
    else:
        purge.run_purge(engine, trigger="command")
    elapsed = time.perf_counter() - started
    peak = _status_mib("VmHWM")
    started = time.perf_counter()
    if which != "sql":  # the nightly job's next step, timed apart: the holds' counts again
        purge.recount_holds(engine)
    recount = time.perf_counter() - started
    results.put((elapsed, max(0.0, peak - before), recount))
    engine.dispose()


def measure(which: str, url: str) -> tuple[float, float, float]:
    """(seconds, peak MiB, seconds recounting the holds after it) of the purge or the SQL
    baseline, run in a process of its own."""
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
