"""Benchmark: the staff search and the Director's archive over 10,000 cases, each against the
plain SQL a person would write by hand for the same page. Not collected by pytest; run it:

    .venv/bin/python -m tests.benchmarks.search            # SQLite, a fresh temporary file
    DISCLOSURE_BENCH_DATABASE_URL=postgresql+psycopg://... .venv/bin/python -m
    tests.benchmarks.search

Each measurement is the best of five of one page of 50 (with its COUNT) through
disclosure.web.paging and cases/search.py, as the pages draw it, as the Director and as counsel
(whose visibility filter is the costlier one); the ratio says what the choke point and the
helper cost over the hand-written query."""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

os.environ.setdefault("DISCLOSURE_SECRET_KEY", "benchmark")
_TMP = Path(tempfile.mkdtemp(prefix="disclosure-bench-"))
os.environ.setdefault("DISCLOSURE_INSTANCE_PATH", str(_TMP))

from sqlalchemy import insert, select, text  # noqa: E402

from disclosure import clock, create_app, migrate  # noqa: E402
from disclosure.auth.models import User  # noqa: E402
from disclosure.cases import search  # noqa: E402
from disclosure.cases.models import Case, CaseSubject  # noqa: E402
from disclosure.db import db  # noqa: E402
from disclosure.web import paging  # noqa: E402

CASES = 10_000
LIMIT_SECONDS = 0.5  # one page, as a person waits for it
KINDS = ["informal", "subpoena", "search_warrant", "court_order", "preservation", "exigent"]
AGENCIES = ["Arnold Police Department", "Jefferson County Sheriff", "Festus Police", "FBI"]
NOW = datetime(2026, 12, 1, 15, tzinfo=clock.UTC)

PLAIN_WHERE = """
WHERE lower(c.docket_number) LIKE :pattern OR lower(c.officer_agency) LIKE :pattern
   OR lower(c.officer_name) LIKE :pattern OR lower(c.officer_badge) LIKE :pattern
   OR lower(c.records_sought) LIKE :pattern
   OR EXISTS (SELECT 1 FROM case_subjects s WHERE s.case_id = c.id AND lower(s.value) LIKE :pattern)
"""
PLAIN_SEARCH = (
    f"SELECT c.* FROM cases c {PLAIN_WHERE} ORDER BY c.received_at DESC, c.id DESC LIMIT 50"
)
PLAIN_COUNT = f"SELECT count(*) FROM cases c {PLAIN_WHERE}"
PLAIN_ARCHIVE = """
SELECT c.* FROM cases c WHERE c.kind = :kind AND c.status = :status
ORDER BY c.officer_agency, c.id LIMIT 50 OFFSET 50
"""
PLAIN_ARCHIVE_COUNT = "SELECT count(*) FROM cases c WHERE c.kind = :kind AND c.status = :status"


def fill(session, rng: random.Random) -> tuple[User, User]:
    """10,000 cases over five years, a card number named in each, some gagged; a Director and a
    counsel assigned to a tenth of them."""
    people = [
        User(
            username=name,
            full_name=name,
            role=role,
            password_hash="x",
            is_enabled=True,
            session_version=1,
            created_at=NOW,
        )
        for name, role in (("bench-director", "director"), ("bench-counsel", "counsel"))
    ]
    session.add_all(people)
    session.flush()
    director, counsel = people
    rows = []
    for number in range(1, CASES + 1):
        received = NOW - timedelta(minutes=rng.randrange(5 * 365 * 24 * 60))
        kind = rng.choice(KINDS)
        rows.append(
            dict(
                year=received.year,
                series="",
                number=number,
                kind=kind,
                status=rng.choice(["with_director", "counsel_review", "decided", "closed"]),
                received_at=received,
                received_by_id=director.id,
                routed_at=received,
                officer_name=f"Officer {rng.randrange(500)}",
                officer_badge=str(rng.randrange(10_000)),
                officer_agency=rng.choice(AGENCIES),
                records_sought=f"Loans and computer sessions of one patron, request {number}",
                docket_number=f"26JE-CR{number:05d}",
                court_order_received=False,
                gagged=rng.random() < 0.02,
                counsel_id=counsel.id if number % 10 == 0 else None,
                return_date=(received + timedelta(days=30)).date(),
            )
        )
    session.execute(insert(Case), rows)
    ids = session.scalars(select(Case.id)).all()
    session.execute(
        insert(CaseSubject),
        [dict(case_id=i, kind="patron", value=f"2100{i:010d}") for i in ids],
    )
    session.commit()
    return director, counsel


def best(action, times: int = 5) -> float:
    """The best wall time of `times` runs of `action`."""
    timings = []
    for _ in range(times):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return min(timings)


def main() -> int:
    url = os.environ.get("DISCLOSURE_BENCH_DATABASE_URL") or f"sqlite:///{_TMP / 'bench.sqlite3'}"
    migrate.upgrade(url)
    app = create_app({"database_url": url})
    worst = 0.0
    with app.test_request_context("/cases/all?page=2"):
        clock.freeze(NOW)
        session = db.session
        started = time.perf_counter()
        director, counsel = fill(session, random.Random(17))
        print(
            f"filled {CASES:,} cases in {time.perf_counter() - started:.1f} s "
            f"({session.get_bind().dialect.name})"
        )
        filters = search.Filters(kind="subpoena", status="decided", sort="agency", descending=False)
        measured = {
            "search a docket, Director": lambda: paging.paginate(
                session, search.search(session, director, "26JE-CR04242"), number=1
            ),
            "search a docket, counsel": lambda: paging.paginate(
                session, search.search(session, counsel, "26JE-CR04240"), number=1
            ),
            "search a card number, Director": lambda: paging.paginate(
                session, search.search(session, director, "21000000004242"), number=1
            ),
            "search two words, Director": lambda: paging.paginate(
                session, search.search(session, director, "patron request"), number=1
            ),
            "archive page 2, Director": lambda: paging.paginate(
                session, search.archive(session, director, filters), number=2
            ),
            "archive overdue, Director": lambda: paging.paginate(
                session, search.archive(session, director, search.Filters(deadline="overdue"))
            ),
        }

        def plain_search():
            params = {"pattern": "%26je-cr04242%"}  # lower case, as the search matches
            session.execute(text(PLAIN_SEARCH), params).all()
            session.execute(text(PLAIN_COUNT), params).scalar()

        def plain_archive():
            params = {"kind": "subpoena", "status": "decided"}
            session.execute(text(PLAIN_ARCHIVE), params).all()
            session.execute(text(PLAIN_ARCHIVE_COUNT), params).scalar()

        plain = {"search": best(plain_search), "archive": best(plain_archive)}
        print(
            f"plain SQL: search {plain['search'] * 1000:.1f} ms, archive page "
            f"{plain['archive'] * 1000:.1f} ms"
        )
        for name, action in measured.items():
            seconds = best(action)
            worst = max(worst, seconds)
            against = plain["archive" if name.startswith("archive") else "search"]
            print(f"{name}: {seconds * 1000:.1f} ms ({seconds / against:.1f}x plain SQL)")
        session.rollback()
    print(f"slowest {worst * 1000:.0f} ms (limit {LIMIT_SECONDS * 1000:.0f} ms)")
    return 0 if worst < LIMIT_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
