"""Benchmark: a patron's own report of 5,015 and of 259 records, end to end (reading the records,
laying out the PDF, the JSON and the CSV), each in a fresh process: its time and its peak memory
(VmHWM). The baseline, measured in the same run: WeasyPrint alone laying out the same finished
HTML. Not collected by pytest; run it:

    .venv/bin/python -m tests.benchmarks.patron_report
    DISCLOSURE_BENCH_DATABASE_URL=postgresql+psycopg://... .venv/bin/python -m \
tests.benchmarks.patron_report

Targets (issue of the benchmarks' README table): 5,015 records in at most 15 s and 300 MB, 259
records in at most 2 s."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

os.environ.setdefault("DISCLOSURE_SECRET_KEY", "benchmark")
_TMP = Path(tempfile.mkdtemp(prefix="disclosure-bench-"))
os.environ.setdefault("DISCLOSURE_INSTANCE_PATH", str(_TMP))

from sqlalchemy import insert  # noqa: E402

from disclosure import clock, create_app, migrate  # noqa: E402
from disclosure.db import db  # noqa: E402
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


def _child(url: str, patron_id: int, results) -> None:
    """In a fresh process: the whole report (as compile_report builds it), then WeasyPrint alone
    on the same HTML; time of each and the process's peak resident memory (VmHWM)."""
    from flask import template_rendered
    from weasyprint import HTML

    from disclosure.patrons import gather
    from disclosure.patrons import report as reports

    app = create_app({"database_url": url})
    rendered = []
    template_rendered.connect(
        lambda sender, template, context, **extra: rendered.append((template, context)),
        app,
        weak=False,
    )
    with app.app_context():
        clock.freeze(NOW)
        patron = db.session.get(m.Patron, patron_id)
        started, cpu = time.perf_counter(), time.process_time()
        document = reports.build_document(
            db.session, patron, gather.Scope(), purpose="request", reference="P-2026-0001"
        )
        frozen = reports.freeze(db.session, document, "Bench Library", request_id=None)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        peak = status_mib("VmHWM")
        records = sum(document["counts"].values())
        pdf_bytes = len(frozen.pdf)
        db.session.rollback()
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
                figure=f"patron report, {records:,} records",
                value=f"{elapsed:.1f} s ({cpu:.1f} s CPU), {peak:.0f} MB",
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
