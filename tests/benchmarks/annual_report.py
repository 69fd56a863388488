"""Benchmark: the annual report for a year with 500 cases and 2,000,000 purged records
renders in under 5 seconds. Not collected by pytest; run it:

    .venv/bin/python -m tests.benchmarks.annual_report            # SQLite, a fresh temporary file
    DISCLOSURE_BENCH_DATABASE_URL=postgresql+psycopg://... .venv/bin/python -m
    tests.benchmarks.annual_report

The purged records exist the way the purge leaves them: as per-run, per-kind counts (the records
themselves are gone). The year gets a nightly purge run (365 runs), 500 cases of every kind (some
gagged), holds and patrons' requests."""

from __future__ import annotations

import os
import random
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
from disclosure.holds import models as holds_models  # noqa: E402
from disclosure.patrons import models as patrons_models  # noqa: E402
from disclosure.retention import models as retention_models  # noqa: E402

YEAR = 2025
CASES = 500
PURGED = 2_000_000
LIMIT_SECONDS = 5.0
KINDS = [
    "informal",
    "subpoena",
    "search_warrant",
    "court_order",
    "fisa_order",
    "nsl",
    "preservation",
    "exigent",
]
DECISIONS = [
    "comply",
    "comply_in_part",
    "no_responsive_records",
    "refuse_improper",
    "challenge",
    "proper_process_required",
    None,
]
PURGE_SHARE = {
    "computer_sessions": 0.62,
    "loans": 0.30,
    "program_registrations": 0.04,
    "ill_emails": 0.02,
    "mailing_list_subscriptions": 0.015,
    "patrons": 0.005,
}


def _instant(rng: random.Random) -> datetime:
    start = clock.start_of_local_day(date(YEAR, 1, 1))
    return start + timedelta(seconds=rng.randrange(365 * 86400))


def fill(session, rng: random.Random) -> dict:
    """Write a busy year; returns what was written."""
    from disclosure.auth.models import User
    from disclosure.cases.models import Case

    now = clock.now()
    clerk = User(
        username="bench-clerk",
        full_name="Bench Clerk",
        role="staff",
        password_hash="x",
        is_enabled=True,
        session_version=1,
        created_at=now,
    )
    director = User(
        username="bench-director",
        full_name="Dana Whitfield",
        role="director",
        password_hash="x",
        is_enabled=True,
        session_version=1,
        created_at=now,
    )
    session.add_all([clerk, director])
    session.flush()
    cases = []
    for number in range(1, CASES + 1):
        kind = rng.choice(KINDS)
        received = _instant(rng)
        cases.append(
            dict(
                year=YEAR,
                number=number,
                kind=kind,
                status="decided",
                received_at=received,
                received_by_id=clerk.id,
                routed_at=received,
                officer_name="Officer",
                officer_agency="Agency",
                records_sought="records",
                court_order_received=False,
                decision=rng.choice(DECISIONS),
                gagged=kind in ("fisa_order", "nsl"),
            )
        )
    session.execute(insert(Case), cases)
    written = {"cases": CASES, "purged": _fill_purges(session, rng)}
    written.update(_fill_holds(session, rng, director))
    written.update(_fill_patron_requests(session, rng))
    session.commit()
    return {"director": director, **written}


def _fill_purges(session, rng: random.Random) -> int:
    Run, Count = retention_models.PurgeRun, retention_models.PurgeRunCount
    days = [
        clock.start_of_local_day(date(YEAR, 1, 1) + timedelta(days=d)) + timedelta(hours=2)
        for d in range(365)
    ]
    runs = [
        dict(
            started_at=day,
            heartbeat_at=day,
            finished_at=day + timedelta(minutes=3),
            status="finished",
            trigger="scheduler",
        )
        for day in days
    ]
    session.execute(insert(Run), runs)
    run_ids = [
        row[0]
        for row in session.execute(
            Run.__table__.select().with_only_columns(Run.id).order_by(Run.id)
        )
    ]
    counts, total = [], 0
    for kind, share in PURGE_SHARE.items():
        per_kind = round(PURGED * share)
        base, extra = divmod(per_kind, len(run_ids))
        for index, run_id in enumerate(run_ids):
            deleted = base + (1 if index < extra else 0)
            total += deleted
            counts.append(
                dict(
                    run_id=run_id,
                    kind=kind,
                    deleted=deleted,
                    anonymised=0,
                    kept_held=rng.randrange(0, 3),
                )
            )
    session.execute(insert(Count), counts)
    assert total == PURGED, total
    return total


def _fill_holds(session, rng, director) -> dict:
    from sqlalchemy import select

    from disclosure.cases.models import Case

    case_ids = session.scalars(select(Case.id).where(Case.kind == "preservation")).all()
    holds = []
    for case_id in case_ids:
        placed = _instant(rng)
        holds.append(
            dict(
                case_id=case_id,
                requested_at=placed,
                requested_by="Agency",
                placed_at=placed,
                placed_by_id=director.id,
                expires_at=placed + timedelta(days=90),
                scope="library",
            )
        )
    if holds:
        ids = session.scalars(
            insert(holds_models.Hold).returning(holds_models.Hold.id), holds
        ).all()
        session.execute(
            insert(holds_models.CoveredCategory), [dict(hold_id=i, category="loans") for i in ids]
        )
    return {"holds": len(holds)}


def _fill_patron_requests(session, rng) -> dict:
    from disclosure.records.models import Patron

    patron = Patron(
        card_number="29000000000001",
        name="Bench Patron",
        address="1 Elm St",
        card_expires_on=date(YEAR + 2, 1, 1),
        session_version=1,
    )
    session.add(patron)
    session.flush()
    requests = []
    for _ in range(120):
        received = _instant(rng)
        answered = received + timedelta(days=rng.uniform(0.5, 35))
        requests.append(
            dict(
                subject_id=patron.id,
                requester_id=patron.id,
                for_minor=False,
                channel="portal",
                status="ready",
                received_at=received,
                due_on=(received + timedelta(days=30)).date(),
                compiled_at=answered,
            )
        )
    session.execute(insert(patrons_models.PatronRequest), requests)
    return {"patron_requests": len(requests)}


def main() -> int:
    url = os.environ.get("DISCLOSURE_BENCH_DATABASE_URL") or f"sqlite:///{_TMP / 'bench.sqlite3'}"
    migrate.upgrade(url)
    app = create_app({"database_url": url})
    rng = random.Random(2025)
    with app.app_context():
        clock.freeze(datetime(YEAR + 1, 1, 20, 15, tzinfo=clock.UTC))
        started = time.perf_counter()
        written = fill(db.session, rng)
        print(
            f"filled {written['cases']} cases, {written['purged']:,} purged records, "
            f"{written.get('holds', 0)} holds, {written.get('patron_requests', 0)} patron requests "
            f"in {time.perf_counter() - started:.1f} s ({db.session.get_bind().dialect.name})"
        )
        from flask import template_rendered

        from disclosure.documents import service

        # (template, context) of each page rendered: the baseline lays out the same HTML
        rendered = []
        template_rendered.connect(
            lambda sender, template, context, **extra: rendered.append((template, context)),
            app,
            weak=False,
        )
        timings = []  # the first run is cold (WeasyPrint loads its fonts), and counts
        for _ in range(3):
            started = time.perf_counter()
            document = service.annual_report(db.session, written["director"], YEAR)
            timings.append(time.perf_counter() - started)
        db.session.rollback()
        baseline = _weasyprint_alone(app, *rendered[-1])
    best, worst = min(timings), max(timings)
    print(
        f"annual report {YEAR}: {len(document.pdf):,} bytes; cold {timings[0]:.2f} s, best "
        f"{best:.2f} s, worst {worst:.2f} s (limit {LIMIT_SECONDS:.0f} s)"
    )
    print(
        f"baseline, WeasyPrint alone laying out the same finished HTML: best {baseline:.2f} s; the "
        f"whole report (queries, figures, charts, layout) takes {best / baseline:.2f}x that"
    )
    return 0 if worst < LIMIT_SECONDS else 1


def _weasyprint_alone(app, template, context) -> float:
    """Best of 3: the plain library turning the report's finished HTML into a PDF (no queries)."""
    from weasyprint import HTML

    with app.test_request_context():
        html = template.render(context)
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        HTML(string=html, base_url=app.static_folder).write_pdf()
        timings.append(time.perf_counter() - started)
    return min(timings)


if __name__ == "__main__":
    sys.exit(main())
