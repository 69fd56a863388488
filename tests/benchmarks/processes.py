"""What every benchmark shares: measuring in a process of its own, its memory read from
/proc/self/status, and the PostgreSQL server the runs use."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue

from sqlalchemy import create_engine, text

from disclosure import vault
from tests.pgcluster import Cluster, server_bin

# One data key for every benchmark process: what one process seals (patrons' names, preserved
# copies) another opens. Fixed on purpose: benchmark data is made up.
BENCH_DATA_KEY = "YmVuY2htYXJrLWRhdGEta2V5LW5vdC1hLXNlY3JldCE="


def sealed(engine):
    """`engine`, made outside create_app, given the benchmarks' data key (disclosure.vault)."""
    vault.arm(engine, vault.Keyring.of(vault.decode_key(BENCH_DATA_KEY)))
    return engine


def status_mib(field: str) -> float:
    """A figure of /proc/self/status (VmRSS, VmHWM), in MiB. VmHWM is the peak resident set,
    which a new process starts afresh; not ru_maxrss, which Linux carries over from the parent
    through exec (a 400 MiB parent made an idle child report +400 MiB)."""
    with open("/proc/self/status") as status:
        line = next(x for x in status if x.startswith(f"{field}:"))
    return int(line.split()[1]) / 1024


def wait_for(child, results):
    """The child's result; SystemExit as soon as it dies without one."""
    while True:
        try:
            return results.get(timeout=5)
        except queue.Empty as empty:
            if not child.is_alive():
                raise SystemExit(
                    f"the measured process died (exit code {child.exitcode})"
                ) from empty


def in_own_process(target, *args):
    """What `target(*args, results)` puts on its results queue, run in a fresh (spawned)
    process, so that its memory is its own."""
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    child = context.Process(target=target, args=(*args, results))
    child.start()
    outcome = wait_for(child, results)
    child.join()
    return outcome


@contextlib.contextmanager
def postgresql_server():
    """The URL of the PostgreSQL server to measure on: DISCLOSURE_TEST_DATABASE_URL's, else a
    throwaway cluster (as in the tests), stopped on leaving."""
    server = os.environ.get("DISCLOSURE_TEST_DATABASE_URL")
    if server:
        yield server
        return
    cluster = Cluster(server_bin())
    cluster.start()
    try:
        yield cluster.url()
    finally:
        cluster.stop()


def new_database(server: str, name: str) -> str:
    """The URL of a new, empty database `name` on the PostgreSQL `server`."""
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return server.replace("/postgres?", f"/{name}?")
