"""Benchmark: a patron's own report of 5,015 and of 259 records, end to end as the patron waits
for it once the scheduler takes up its work item (claiming the item, reading the records, laying
out the PDF, the JSON and the CSV, storing them sealed, committing), each in a fresh process: its
time, its CPU seconds (the process's and its children's) and its peak memory (VmHWM). The
baseline, measured in the same run: WeasyPrint alone laying out the same finished
HTML. Not collected by pytest; run it:

    .venv/bin/python -m tests.benchmarks.patron_report
    DISCLOSURE_BENCH_DATABASE_URL=postgresql+psycopg://... .venv/bin/python -m \
tests.benchmarks.patron_report

Targets (issue of the benchmarks' README table): 5,015 records in at most 15 s and 300 MB, 259
records in at most 2 s."""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

os.environ.setdefault("DISCLOSURE_SECRET_KEY", "benchmark")
_TMP = Path(tempfile.mkdtemp(prefix="disclosure-bench-"))
os.environ.setdefault("DISCLOSURE_INSTANCE_PATH", str(_TMP))

from sqlalchemy import insert  # noqa: E402

from disclosure import clock, create_app, migrate, work  # noqa: E402
from disclosure.db import db  # noqa: E402
from disclosure.patrons.models import PatronRequest, RequestStatus  # noqa: E402
from disclosure.patrons.service import REPORT_WORK  # noqa: E402
from disclosure.records import models as m  # noqa: E402
from tests.benchmarks.processes import in_own_process, status_mib  # noqa: E402

NOW = datetime(2026, 6, 15, 15, tzinfo=clock.UTC)
SIZES = {"large": (4_000, 1_014), "small": (200, 58)}  # loans, computer sessions (+ registration)
TARGETS = {"large": (15.0, 300.0), "small": (2.0, 300.0)}  # seconds, MB


def fill(url: str) -> dict[str, int]:
    """Two patrons, each with the loans and computer sessions of their size; their ids."""
    app = create_app({"database_url": url})
    ids = {}
    with app.app_context():
        session = db.session
        branch = m.Branch(code="MAIN", name="Main Library")
        session.add(branch)
        session.flush()
        station = m.Workstation(code="PC-1", branch_id=branch.id, out_of_service=False)
        session.add(station)
        session.flush()
        for which, (loans, sessions) in SIZES.items():
            patron = m.Patron(
                card_number=f"2900000000{len(ids):04d}",
                name="Bench Patron",
                address="1 Elm St",
                card_expires_on=date(2028, 1, 1),
                registered_at=NOW - timedelta(days=900),
            )
            session.add(patron)
            session.flush()
            ids[which] = patron.id
            session.execute(
                insert(m.Loan),
                [
                    dict(
                        patron_id=patron.id,
                        branch_id=branch.id,
                        item_barcode=f"3100{i:08d}",
                        item_title=f"A Reasonably Long Title of a Library Book, Volume {i}",
                        checked_out_at=NOW - timedelta(hours=3 * i + 30),
                        due_at=NOW - timedelta(hours=3 * i - 300),
                        returned_at=NOW - timedelta(hours=3 * i),
                        fine_settled=True,
                    )
                    for i in range(loans)
                ],
            )
            session.execute(
                insert(m.ComputerSession),
                [
                    dict(
                        workstation_id=station.id,
                        patron_id=patron.id,
                        started_at=NOW - timedelta(hours=2 * i + 1),
                        ended_at=NOW - timedelta(hours=2 * i),
                    )
                    for i in range(sessions)
                ],
            )
        session.commit()
    return ids


def _queued(patron_id: int) -> int:
    """A verified request for `patron_id`'s every record, its work item queued as the desk's
    check of ID queues it; the request's id."""
    request = PatronRequest(
        subject_id=patron_id,
        requester_id=patron_id,
        channel="portal",
        status=RequestStatus.COMPILING.value,
        received_at=NOW,
        due_on=NOW.date() + timedelta(days=30),
        verified_at=NOW,
    )
    db.session.add(request)
    db.session.flush()
    work.enqueue(db.session, REPORT_WORK, request.id)
    db.session.commit()
    return request.id


def _cpu_seconds() -> float:
    """CPU seconds of this process and of the children it waited for."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _child(url: str, patron_id: int, results) -> None:
    """In a fresh process: what the patron waits for once the scheduler takes up their request
    (claiming the work item, reading the records, the PDF, JSON and CSV, storing them sealed,
    committing), then WeasyPrint alone on the same HTML; time of each, CPU seconds (process and
    children) and the process's peak resident memory (VmHWM)."""
    from flask import template_rendered
    from weasyprint import HTML  # imported before timing, as in the scheduler's process

    from disclosure.patrons import area

    app = create_app({"database_url": url})
    rendered = []
    template_rendered.connect(
        lambda sender, template, context, **extra: rendered.append((template, context)),
        app,
        weak=False,
    )
    with app.app_context():
        clock.freeze(NOW)
        request_id = _queued(patron_id)
        started, cpu = time.perf_counter(), _cpu_seconds()
        outcome = area.run_queued_work(db.session)
        elapsed, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
        peak = status_mib("VmHWM")
        frozen = db.session.get(PatronRequest, request_id).report
        if frozen is None:
            raise SystemExit(f"the report was not compiled: {outcome}")
        records = sum(v for k, v in frozen.counts.items() if k != "disclosures")
        pdf_bytes = len(frozen.pdf)
        template, context = rendered[-1]
        with app.test_request_context():
            html = template.render(context)
        started = time.perf_counter()
        HTML(string=html, base_url=app.static_folder).write_pdf()
        alone = time.perf_counter() - started
    results.put((records, elapsed, cpu, peak, alone, pdf_bytes))


def measure(url: str, patron_id: int) -> tuple:
    """(records, seconds, CPU seconds, peak MB, WeasyPrint-alone seconds, PDF bytes), measured in
    a fresh process. The CPU seconds say what the time would be on a machine not shared."""
    return in_own_process(_child, url, patron_id)


def rows(url: str) -> list[dict]:
    """One result row per size: figure, baseline, ratio, target, pass."""
    migrate.upgrade(url)
    ids = fill(url)
    found = []
    for which, patron_id in ids.items():
        records, elapsed, cpu, peak, alone, _ = measure(url, patron_id)
        seconds, megabytes = TARGETS[which]
        found.append(
            dict(
                figure=f"patron report, {records:,} records, end to end (work item)",
                value=f"{elapsed:.1f} s ({cpu:.1f} s CPU with children), {peak:.0f} MB",
                baseline=f"WeasyPrint alone {alone:.1f} s",
                ratio=elapsed / alone,
                target=f"<= {seconds:.0f} s, <= {megabytes:.0f} MB",
                ok=elapsed <= seconds and peak <= megabytes,
            )
        )
    return found


def main() -> int:
    url = os.environ.get("DISCLOSURE_BENCH_DATABASE_URL") or f"sqlite:///{_TMP / 'bench.sqlite3'}"
    found = rows(url)
    for row in found:
        print(
            f"{row['figure']}: {row['value']}; {row['baseline']} ({row['ratio']:.2f}x); "
            f"target {row['target']}: {'pass' if row['ok'] else 'FAIL'}"
        )
    return 0 if all(r["ok"] for r in found) else 1


if __name__ == "__main__":
    sys.exit(main())
