"""Generating a large library in SQL (both backends): loans, computer sessions, and 1,000
active holds of mixed scopes."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import insert, text

from disclosure.auth.models import User
from disclosure.cases.models import Case
from disclosure.holds import coverage
from disclosure.holds.models import CoveredCategory, Hold, HoldPatron, HoldWorkstation
from disclosure.records.models import Branch, Workstation

BRANCHES, WORKSTATIONS, PATRONS, CASES = 10, 200, 50_000, 100


def _stamp(dialect: str, base: str, minutes: str) -> str:
    """SQL for the instant `base` minus `minutes`, in each backend's stored form."""
    if dialect == "sqlite":
        return f"(datetime({base}, '-' || ({minutes}) || ' minutes') || '.000000')"
    return f"({base} - make_interval(mins => ({minutes})::int))"


def load(engine, rows: int, now) -> None:
    """`rows` loans and `rows` computer sessions, spread over 200 and 10 days before `now`."""
    d = engine.dialect.name
    now_sql = (
        "'" + now.strftime("%Y-%m-%d %H:%M:%S") + "'"
        if d == "sqlite"
        else "CAST(:now AS timestamptz)"
    )
    series = (
        "WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < :n) SELECT "
        "{cols} FROM seq"
        if d == "sqlite"
        else "SELECT {cols} FROM generate_series(1, :n) AS seq(i)"
    )
    big = "i" if d == "sqlite" else "i::bigint"
    with engine.begin() as conn:
        conn.execute(
            insert(User.__table__).values(
                username="director",
                full_name="Director",
                role="director",
                password_hash="x",
                is_enabled=True,
                session_version=1,
                created_at=now,
            )
        )
        conn.execute(
            insert(Branch.__table__),
            [{"code": f"B{i}", "name": f"Branch {i}"} for i in range(1, BRANCHES + 1)],
        )
        conn.execute(
            insert(Workstation.__table__),
            [
                {"code": f"PC{i}", "branch_id": 1 + i % BRANCHES, "out_of_service": False}
                for i in range(1, WORKSTATIONS + 1)
            ],
        )
        expires = "'2099-01-01'" if d == "sqlite" else "DATE '2099-01-01'"
        conn.execute(
            text(
                "INSERT INTO patrons (card_number, name, address, card_expires_on, amount_owed, "
                "registered_at, session_version) "
                + series.format(
                    cols=f"'C' || i, 'Patron', 'Address', {expires}, 0, "
                    f"{_stamp(d, now_sql, '525600')}, 1"
                )
            ),
            {"n": PATRONS, "now": now},
        )
        out = _stamp(d, now_sql, f"(({big} * 13) % 200) * 1440 + i % 1440")
        back = _stamp(d, now_sql, f"(({big} * 13) % 200) * 1440 + i % 1440 - 20160")
        conn.execute(
            text(
                "INSERT INTO loans (patron_id, branch_id, item_barcode, item_title, "
                "checked_out_at, due_at, returned_at, fine_settled) "
                + series.format(
                    cols=f"1 + ({big} * 7919) % {PATRONS}, 1 + i % {BRANCHES}, 'I' || i, 'Title', "
                    f"{out}, {out}, CASE WHEN i % 20 = 0 THEN NULL ELSE {back} END, "
                    f"{'1' if d == 'sqlite' else 'true'}"
                )
            ),
            {"n": rows, "now": now},
        )
        start = _stamp(d, now_sql, f"({big} * 17) % 14400")
        end = _stamp(d, now_sql, f"({big} * 17) % 14400 - 45")
        conn.execute(
            text(
                "INSERT INTO computer_sessions (workstation_id, patron_id, signup_name, "
                "started_at, ended_at) "
                + series.format(
                    cols=f"1 + ({big} * 31) % {WORKSTATIONS}, CASE WHEN i % 3 = 0 THEN NULL ELSE 1 "
                    f"+ ({big} * 104729) % {PATRONS} END, CASE WHEN i % 3 = 0 THEN 'Walk In' ELSE "
                    f"NULL END, {start}, {end}"
                )
            ),
            {"n": rows, "now": now},
        )
        _holds(conn, now)
    if d == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    else:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    # counted, as placing a hold counts it: the recount after the purge then costs what a
    # night's does
    with engine.begin() as conn:
        coverage.refresh_counts(conn, list(range(1, 1001)), now)


def _holds(conn, now) -> None:
    """1,000 active holds: 600 on two patrons each (loans and computer logs), 200 on a computer,
    150 on a branch for a day (20 of them loans too), 50 on the computer logs of the whole
    library for two hours."""
    conn.execute(
        insert(Case.__table__),
        [
            dict(
                year=2026,
                number=i,
                kind="preservation",
                status="with_director",
                received_at=now,
                received_by_id=1,
                routed_at=now,
                officer_name="Officer",
                officer_agency="Agency",
                records_sought="",
                court_order_received=False,
                gagged=False,
            )
            for i in range(1, CASES + 1)
        ],
    )
    holds, categories, patrons, stations = [], [], [], []
    for k in range(1, 1001):
        h = dict(
            id=k,
            case_id=1 + k % CASES,
            requested_at=now - timedelta(days=10),
            requested_by="Det.",
            expires_at=now + timedelta(days=80),
            placed_at=now,
            placed_by_id=1,
            branch_id=None,
            window_start=None,
            window_end=None,
            scope="library",
        )
        covers_loans = True
        if k <= 600:
            h["scope"] = "patrons"
            patrons += [
                dict(hold_id=k, patron_id=n, card_number=f"C{n}")
                for n in (1 + (k * 37) % PATRONS, 1 + (k * 53 + 7) % PATRONS)
            ]
        elif k <= 800:
            day = now - timedelta(days=2 + k % 8)
            covers_loans = False
            h.update(
                scope="workstations",
                window_start=day,
                window_end=day + timedelta(days=2),
            )
            stations.append(dict(hold_id=k, workstation_id=1 + (k * 7) % WORKSTATIONS))
        elif k <= 950:
            day = now - timedelta(days=1 + k % 200)
            h.update(
                scope="branch",
                branch_id=1 + k % BRANCHES,
                window_start=day,
                window_end=day + timedelta(days=1),
            )
            covers_loans = k <= 820
        else:
            moment = now - timedelta(days=k % 10, hours=k % 24)
            h.update(window_start=moment, window_end=moment + timedelta(minutes=30))
            covers_loans = False
        holds.append(h)
        categories.append(dict(hold_id=k, category="computer_sessions"))
        if covers_loans:
            categories.append(dict(hold_id=k, category="loans"))
    conn.execute(insert(Hold.__table__), holds)
    conn.execute(insert(CoveredCategory.__table__), categories)
    conn.execute(insert(HoldPatron.__table__), patrons)
    conn.execute(insert(HoldWorkstation.__table__), stations)
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT setval('holds_id_seq', 1000)"))
