"""Benchmark: importing 200,000 loans from CSV (records.importer, as `disclosure import loans` does)
against what a hand-written load of the same file does: the csv module, card numbers and branch
codes looked up once, times read in the library's zone, a dict per row and one executemany INSERT
through the app's engine settings (no checks, no upsert by natural key), each in a fresh process
into a copy of the same database; time and peak memory (VmHWM) of each. Target: at most 1.5x
executemany.

Then the same file through the nightly sync (the `ils-sync` job, records/dropfolder.py), which
imports a file all or nothing in one transaction: on SQLite that transaction holds the write lock
while it writes. Meanwhile a bystander writes a row every 50 ms, as a page's audit event would,
and the longest it waited is measured against a page's busy timeout (15 s, disclosure/db.py),
past which that page would fail with "database is locked".

    .venv/bin/python -m tests.benchmarks.loans_import
"""

from __future__ import annotations

import csv
import os
import shutil
import sys
import tempfile
import threading
import time
from datetime import date, datetime, timedelta
from pathlib import Path

os.environ.setdefault("DISCLOSURE_SECRET_KEY", "benchmark")
_TMP = Path(tempfile.mkdtemp(prefix="disclosure-bench-"))
os.environ.setdefault("DISCLOSURE_INSTANCE_PATH", str(_TMP))

from sqlalchemy import create_engine, insert, select, text  # noqa: E402

from disclosure import clock, create_app, migrate  # noqa: E402
from disclosure.db import db, make_engine  # noqa: E402
from disclosure.records import models as m  # noqa: E402
from tests.benchmarks.processes import (  # noqa: E402
    BENCH_DATA_KEY,
    in_own_process,
    sealed,
    status_mib,
)

LOANS = 200_000
PATRONS = 2_000
TARGET = 1.5
BUSY_TIMEOUT = 15.0  # seconds a page waits for SQLite's write lock (disclosure/db.py)
START = datetime(2026, 1, 1, 9)


def write_file(folder: Path) -> Path:
    """The CSV of LOANS loans in the importer's own columns."""
    path = folder / "loans.csv"
    with path.open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(
            [
                "card_number",
                "branch_code",
                "item_barcode",
                "item_title",
                "checked_out_at",
                "due_at",
                "returned_at",
                "fine_settled",
            ]  # fmt: skip
        )
        for i in range(LOANS):
            # opening hours only (9:00 to 17:10): never a time the clocks skip at night
            out_at = START + timedelta(days=i // 50, minutes=10 * (i % 50))
            out.writerow(
                [
                    f"2100{i % PATRONS:010d}",
                    "MAIN",
                    f"3100{i:08d}",
                    f"A Library Book, Volume {i}",
                    out_at.strftime("%Y-%m-%dT%H:%M"),
                    (out_at + timedelta(days=21)).strftime("%Y-%m-%dT%H:%M"),
                    (out_at + timedelta(days=9)).strftime("%Y-%m-%dT%H:%M"),
                    "yes",
                ]
            )
    return path


def fill(url: str) -> None:
    """One branch and PATRONS patrons (the loans refer to them)."""
    migrate.upgrade(url)
    engine = sealed(create_engine(url))
    with engine.begin() as conn:
        conn.execute(insert(m.Branch), [{"code": "MAIN", "name": "Main Library"}])
        conn.execute(
            insert(m.Patron),
            [
                dict(
                    card_number=f"2100{i:010d}",
                    name="Bench Patron",
                    address="1 Elm St",
                    card_expires_on=date(2028, 1, 1),
                    registered_at=START.replace(tzinfo=clock.UTC),
                    session_version=1,
                    amount_owed=0,
                )
                for i in range(PATRONS)
            ],
        )
    engine.dispose()


def _importer(app, path: Path) -> None:
    from disclosure.records import importer

    with app.app_context():
        sheet = importer.read_csv("loans", path)
        importer.import_rows(db.session, sheet)
        db.session.commit()


def _executemany(engine, path: Path) -> None:
    zone = clock.library_zone()
    with engine.begin() as conn:
        patrons = dict(conn.execute(select(m.Patron.card_number, m.Patron.id)).all())
        branches = dict(conn.execute(select(m.Branch.code, m.Branch.id)).all())

        def moment(text_value: str) -> datetime:
            return datetime.fromisoformat(text_value).replace(tzinfo=zone)

        with path.open(newline="") as handle:
            rows = [
                dict(
                    patron_id=patrons[r["card_number"]],
                    branch_id=branches[r["branch_code"]],
                    item_barcode=r["item_barcode"],
                    item_title=r["item_title"],
                    checked_out_at=moment(r["checked_out_at"]),
                    due_at=moment(r["due_at"]),
                    returned_at=moment(r["returned_at"]),
                    fine_settled=r["fine_settled"] == "yes",
                )
                for r in csv.DictReader(handle)
            ]
        conn.execute(insert(m.Loan), rows)


def _child(which: str, url: str, path: Path, results) -> None:
    before = status_mib("VmRSS")
    # the app (or engine) is made before the clock starts: start-up is measured elsewhere. The
    # hand-written side gets the app's own engine settings (make_engine: on SQLite, WAL and
    # synchronous=NORMAL), so that both write to the database the same way.
    target = (
        create_app({"database_url": url, "data_key": BENCH_DATA_KEY})
        if which == "importer"
        else sealed(make_engine(url))
    )
    started = time.perf_counter()
    (_importer if which == "importer" else _executemany)(target, path)
    elapsed = time.perf_counter() - started
    peak = status_mib("VmHWM")
    engine = create_engine(url)
    with engine.connect() as conn:
        count = conn.scalar(text("SELECT count(*) FROM loans"))
    results.put((elapsed, peak - before, count))


def measure(which: str, url: str, path: Path) -> tuple[float, float, int]:
    """(seconds, peak MiB above the start, loans in the database) in a fresh process."""
    return in_own_process(_child, which, url, path)


def _sync_child(url: str, folder: Path, results) -> None:
    """The nightly sync job of the drop folder `folder`, in a process of its own."""
    from disclosure import jobs

    app = create_app({"database_url": url, "data_key": BENCH_DATA_KEY, "import_folder": folder})
    started = time.perf_counter()
    outcome = jobs.run_job(app, jobs.job_named(app, "ils-sync"))
    results.put((time.perf_counter() - started, outcome))


def _bystander(url: str, stop: threading.Event, waits: list[float]) -> None:
    """Write a row every 50 ms until `stop`, each in a transaction that begins as a page's does
    (with the write lock on SQLite), and note how long each took."""
    engine = make_engine(url).execution_options(sqlite_begin="IMMEDIATE")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE bench_bystander (at FLOAT)"))
    while not stop.is_set():
        started = time.perf_counter()
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO bench_bystander (at) VALUES (:at)"), {"at": started})
        waits.append(time.perf_counter() - started)
        stop.wait(0.05)
    engine.dispose()


def sync_wait(url: str, path: Path) -> tuple[float, float, int]:
    """(seconds the sync took, the bystander's longest wait, its writes) for the file `path`."""
    folder = Path(tempfile.mkdtemp(prefix="disclosure-bench-drop-"))
    shutil.copy(path, folder / "loans-nightly.csv")
    stop, waits = threading.Event(), []
    bystander = threading.Thread(target=_bystander, args=(url, stop, waits))
    bystander.start()
    try:
        took, outcome = in_own_process(_sync_child, url, folder)
    finally:
        stop.set()
        bystander.join()
        shutil.rmtree(folder, ignore_errors=True)
    assert outcome.startswith("1 file(s) imported, 0 failed"), outcome
    return took, max(waits), len(waits)


def rows(url_for) -> list[dict]:
    """The table's line: the importer against executemany, on two copies of one database."""
    folder = Path(tempfile.mkdtemp(prefix="disclosure-bench-"))
    try:
        path = write_file(folder)
        plain_url, import_url = url_for("plain"), url_for("importer")
        fill(plain_url)
        fill(import_url)
        plain, plain_mem, plain_count = measure("executemany", plain_url, path)
        took, mem, count = measure("importer", import_url, path)
        sync_url = url_for("sync")
        fill(sync_url)
        synced, longest, writes = sync_wait(sync_url, path)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    assert count == plain_count == LOANS, (count, plain_count)
    ratio = took / plain
    return [
        dict(
            figure=f"import of {LOANS:,} loans from CSV",
            value=f"{took:.1f} s, +{mem:.0f} MiB",
            baseline=f"executemany {plain:.1f} s, +{plain_mem:.0f} MiB",
            ratio=ratio,
            target=f"<= {TARGET}x",
            ok=ratio <= TARGET,
        ),
        dict(
            figure=f"a page's longest wait to write while the nightly sync imports {LOANS:,} loans",
            value=f"{longest:.2f} s ({writes} writes during the {synced:.1f} s sync)",
            baseline=f"a page's busy timeout {BUSY_TIMEOUT:.0f} s",
            ratio=longest / BUSY_TIMEOUT,
            target=f"< {BUSY_TIMEOUT:.0f} s",
            ok=longest < BUSY_TIMEOUT,
        ),
    ]


def main() -> int:
    global LOANS
    if len(sys.argv) > 1:  # a smaller run: python -m tests.benchmarks.loans_import 20000
        LOANS = int(sys.argv[1])
    found = rows(lambda name: f"sqlite:///{_TMP / (name + '.sqlite3')}")
    for row in found:
        print(f"{row['figure']}: {row['value']}; {row['baseline']} ({row['ratio']:.2f}x)")
    return 0 if all(r["ok"] for r in found) else 1


if __name__ == "__main__":
    sys.exit(main())
