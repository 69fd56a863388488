"""Benchmark: what encryption at rest (disclosure/vault.py) costs, as a ratio of times with and
without it. Not collected by pytest; run it:

    .venv/bin/python -m tests.benchmarks.encryption              # SQLite, fresh temporary files
    .venv/bin/python -m tests.benchmarks.encryption --patrons 5000 --loans 10000

Two libraries are filled alike, one sealing (the default) and one storing plaintext (a setting
only benchmarks use). On each it times, as the median of several runs:
- the patron's own portal page (GET /patron, the patron signed in: name, address, e-mail shown);
- reading every patron's contact details (what an export of card numbers or the importer reads);
- compiling a patron's report of many loans (gather, PDF, JSON, CSV, frozen and stored);
- reading the frozen report back (a download).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("DISCLOSURE_SECRET_KEY", "benchmark-only-secret-key-of-enough-length")
_TMP = Path(tempfile.mkdtemp(prefix="disclosure-bench-"))
os.environ.setdefault("DISCLOSURE_INSTANCE_PATH", str(_TMP / "instance"))

from sqlalchemy import insert, select  # noqa: E402

from disclosure import clock, create_app, migrate  # noqa: E402
from disclosure.db import db  # noqa: E402
from disclosure.patrons import gather, report  # noqa: E402
from disclosure.patrons.models import FrozenReport  # noqa: E402
from disclosure.records import models as m  # noqa: E402
from tests import factories  # noqa: E402


def _median(work, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _library(sealed: bool, patrons: int, loans: int):
    name = "sealed" if sealed else "plaintext"
    url = f"sqlite:///{_TMP / (name + '.sqlite3')}"
    migrate.upgrade(url)
    app = create_app(
        {
            "database_url": url,
            "upload_folder": _TMP / f"uploads-{name}",
            "smtp_host": None,
            "extra": {
                "ratelimit": False,
                "insecure_cookies": True,
                "plaintext_at_rest": not sealed,
            },
        }
    )
    app.config["WTF_CSRF_ENABLED"] = False  # the benchmark signs in without reading a form first
    with app.app_context():
        session = db.new_session(app)
        branch = factories.branch(session)
        reader = factories.patron(session)
        for _ in range(patrons - 1):
            factories.patron(session)
        now = clock.now()
        session.execute(
            insert(m.Loan),
            [
                dict(
                    patron_id=reader.id,
                    branch_id=branch.id,
                    item_barcode=f"31{n:010d}",
                    item_title=f"A book of {n} pages",
                    checked_out_at=now,
                    due_at=now,
                    returned_at=None,
                    fine_settled=True,
                )
                for n in range(loans)
            ],
        )
        session.commit()
        card = reader.card_number
        session.close()
    return app, card


def _timings(app, card: str, runs: int) -> dict[str, float]:
    client = app.test_client()
    client.post("/patron/login", data={"card_number": card, "pin": factories.PIN})
    assert client.get("/patron").status_code == 200, "the patron could not sign in"
    timings = {"portal page (GET /patron)": _median(lambda: client.get("/patron"), runs * 5)}
    with app.app_context():
        session = db.new_session(app)

        def contacts():
            session.expire_all()
            return [
                (p.name, p.address, p.phone, p.email) for p in session.scalars(select(m.Patron))
            ]

        timings["every patron's contact details"] = _median(contacts, runs)
        patron = session.scalar(select(m.Patron).where(m.Patron.card_number == card))

        def compile_report():
            document = report.build_document(
                session, patron, gather.Scope(), purpose="request", reference="PR-BENCH"
            )
            report.store(session, document, report.render(document, "Bench Library", None))
            session.flush()

        timings["a report of many loans compiled"] = _median(compile_report, runs)
        session.commit()
        frozen_id = session.scalar(select(FrozenReport.id).limit(1))

        def download():
            session.expire_all()
            report.file_of(session.get(FrozenReport, frozen_id), "pdf")

        timings["a frozen report read back"] = _median(download, runs * 5)
        session.close()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patrons", type=int, default=2000)
    parser.add_argument("--loans", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    results = {}
    for sealed in (False, True):
        app, card = _library(sealed, args.patrons, args.loans)
        results[sealed] = _timings(app, card, args.runs)
        db.engine_for(app).dispose()
    print(f"{args.patrons} patrons, a report of {args.loans} loans; median of runs (seconds)")
    print(f"{'':38} {'plaintext':>10} {'sealed':>10} {'ratio':>7}")
    for what, plain in results[False].items():
        sealed = results[True][what]
        print(f"{what:38} {plain:10.4f} {sealed:10.4f} {sealed / plain:7.2f}")


if __name__ == "__main__":
    main()
