"""The hand-written SQL the purge is measured against, per kind: one set-based INSERT that copies
the held rows past retention into the preservation store (the row as JSON), one set-based
INSERT that ties each copy to every active hold covering its record (as the purge does,
preserved_record_holds), then one DELETE of every row past retention; written out by hand (not
through holds.coverage), with the same index-driven shape per hold scope. What it does not do:
seal the copies' content (disclosure.vault; the purge seals in Python) or keep statistics."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import text

COVERS = "EXISTS (SELECT 1 FROM hold_categories hc WHERE hc.hold_id = h.id AND hc.category = '{}')"
IN_FORCE = (
    "h.released_at IS NULL AND {covers} AND (h.expires_at > :now OR (c.court_order_received AND "
    "c.closed_at IS NULL))"
)
WINDOW = (
    " AND (h.window_start IS NULL OR {ends} IS NULL OR {ends} >= h.window_start)"
    " AND (h.window_end IS NULL OR {starts} < h.window_end)"
)
CASE = "JOIN cases c ON c.id = h.case_id"
HOLDS = f"holds h {CASE}"


def _scopes(kind: str, starts: str, ends: str, branch: str, station: str | None) -> list:
    """(FROM, WHERE) per hold scope: a hold of that scope, in force, covers the row `r`."""
    active = IN_FORCE.format(covers=COVERS.format(kind)) + WINDOW.format(starts=starts, ends=ends)
    # A hold naming workstations cannot narrow loans (the hold form refuses it); if one did, it
    # would keep every loan.
    anywhere = IN_FORCE.format(covers=COVERS.format(kind))
    if station is None:
        stations = (HOLDS, f"h.scope = 'workstations' AND {anywhere}")
        station_ok = ""
    else:
        stations = (
            f"hold_workstations hw JOIN holds h ON h.id = hw.hold_id {CASE}",
            f"hw.workstation_id = {station} AND h.scope = 'workstations' AND {active}",
        )
        station_ok = (
            " AND (NOT EXISTS (SELECT 1 FROM hold_workstations x WHERE x.hold_id = h.id) OR "
            "EXISTS (SELECT 1 FROM hold_workstations x WHERE x.hold_id = h.id AND "
            f"x.workstation_id = {station}))"
        )
    return [
        (
            f"hold_patrons hp JOIN holds h ON h.id = hp.hold_id {CASE}",
            f"hp.patron_id = r.patron_id AND h.scope = 'patrons' AND {active}"
            f" AND (h.branch_id IS NULL OR h.branch_id = {branch}){station_ok}",
        ),
        stations,
        (HOLDS, f"h.scope = 'branch' AND h.branch_id = {branch} AND {active}"),
        (HOLDS, f"h.scope = 'library' AND {active}"),
    ]


def _copy(kind: str, due: str, scopes: list) -> str:
    """Copy the held rows past retention (the row as JSON: `{content}`)."""
    held = " OR ".join(f"EXISTS (SELECT 1 FROM {f} WHERE {w})" for f, w in scopes)
    return (
        "INSERT INTO preserved_records (kind, original_id, content, preserved_at, why) "
        f"SELECT '{kind}', r.id, {{content}}, :now, 'purge' FROM {kind} r WHERE {due} AND ({held})"
    )


def _tie(kind: str, scopes: list) -> str:
    """Tie each copy of the kind (the store starts empty: each one just made) to every hold in
    force that covers its record."""
    pairs = " UNION ALL ".join(
        f"SELECT p.id, h.id FROM preserved_records p JOIN {kind} r ON r.id = p.original_id, "
        f"{f} WHERE p.kind = '{kind}' AND {w}"
        for f, w in scopes
    )
    return f"INSERT INTO preserved_record_holds (preserved_id, hold_id) {pairs}"


LOANS_DUE = "r.returned_at IS NOT NULL AND r.fine_settled AND r.returned_at <= :cutoff"
LOAN_SCOPES = _scopes("loans", "r.checked_out_at", "r.returned_at", "r.branch_id", None)
SESSIONS_DUE = "r.started_at <= :cutoff"
SESSION_SCOPES = _scopes(
    "computer_sessions",
    "r.started_at",
    "coalesce(r.ended_at, r.started_at)",
    "(SELECT w.branch_id FROM workstations w WHERE w.id = r.workstation_id)",
    "r.workstation_id",
)


def _content(table: str, columns: list[str], sqlite: bool) -> str:
    """The row as JSON text, in SQL."""
    if sqlite:
        return "json_object(" + ", ".join(f"'{c}', r.{c}" for c in columns) + ")"
    return "row_to_json(r)::text"


LOAN_COLUMNS = [
    "id",
    "patron_id",
    "branch_id",
    "item_barcode",
    "item_title",
    "checked_out_at",
    "due_at",
    "returned_at",
    "fine_settled",
]
SESSION_COLUMNS = ["id", "workstation_id", "patron_id", "signup_name", "started_at", "ended_at"]


def run(engine, now) -> None:
    """Copy the held loans and computer sessions past retention into the preservation store, tie
    each copy to its holds, and delete every one the default schedule says goes."""
    sqlite = engine.dialect.name == "sqlite"

    def stamp(moment):
        return moment.strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else moment

    params_loans = {"now": stamp(now), "cutoff": stamp(now - timedelta(days=60))}
    params_sessions = {"now": stamp(now), "cutoff": stamp(now - timedelta(days=3))}
    with engine.begin() as conn:
        if not sqlite:  # the same planner settings as the purge (holds.locks.plan_for_probes)
            conn.execute(text("SET LOCAL jit = off"))
            conn.execute(text("SET LOCAL random_page_cost = 1.1"))
        for kind, due, scopes, columns, params in (
            ("loans", LOANS_DUE, LOAN_SCOPES, LOAN_COLUMNS, params_loans),
            ("computer_sessions", SESSIONS_DUE, SESSION_SCOPES, SESSION_COLUMNS, params_sessions),
        ):
            copy = _copy(kind, due, scopes).format(content=_content(kind, columns, sqlite))
            conn.execute(text(copy), params)
            conn.execute(text(_tie(kind, scopes)), params)
            conn.execute(text(f"DELETE FROM {kind} AS r WHERE {due}"), params)
