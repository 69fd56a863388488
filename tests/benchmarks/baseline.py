"""The hand-written SQL the purge is measured against, per kind: one set-based INSERT that copies
the held rows past retention into the preservation store (the row as JSON), then one DELETE of
every row past retention; written out by hand (not through holds.coverage), with the same
index-driven shape per hold scope. (It does not tie the copies to their holds: the purge does
that too, so the ratio includes that work on the purge's side only.)"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import text

COVERS = "EXISTS (SELECT 1 FROM hold_categories hc WHERE hc.hold_id = h.id AND hc.category = '{}')"
ACTIVE = (
    "h.released_at IS NULL AND {covers} AND (h.expires_at > :now OR (c.court_order_received AND "
    "c.closed_at IS NULL)) AND (h.window_start IS NULL OR {ends} IS NULL OR {ends} >= "
    "h.window_start) AND (h.window_end IS NULL OR {starts} < h.window_end)"
)

# A hold naming workstations cannot narrow loans (the hold form refuses it); if one did, it
# would keep every loan: evaluated once, not per row.
ANYWHERE = (
    "h.released_at IS NULL AND {covers} AND (h.expires_at > :now OR (c.court_order_received AND "
    "c.closed_at IS NULL))"
)

LOANS_DUE = "returned_at IS NOT NULL AND fine_settled AND returned_at <= :cutoff"
LOANS = """
INSERT INTO preserved_records (kind, original_id, content, preserved_at, why)
SELECT 'loans', id, {content}, :now, 'purge' FROM loans WHERE {due} AND (
  EXISTS (SELECT 1 FROM hold_patrons hp JOIN holds h ON h.id = hp.hold_id JOIN cases c ON c.id = h.case_id
          WHERE hp.patron_id = loans.patron_id AND h.scope = 'patrons' AND {active}
            AND (h.branch_id IS NULL OR h.branch_id = loans.branch_id))
  OR EXISTS (SELECT 1 FROM holds h JOIN cases c ON c.id = h.case_id WHERE h.scope = 'workstations' AND {anywhere})
  OR EXISTS (SELECT 1 FROM holds h JOIN cases c ON c.id = h.case_id
             WHERE h.scope = 'branch' AND h.branch_id = loans.branch_id AND {active})
  OR EXISTS (SELECT 1 FROM holds h JOIN cases c ON c.id = h.case_id WHERE h.scope = 'library' AND {active}))
""".format(
    active=ACTIVE.format(
        covers=COVERS.format("loans"), starts="loans.checked_out_at", ends="loans.returned_at"
    ),
    anywhere=ANYWHERE.format(covers=COVERS.format("loans")),
    due=LOANS_DUE,
    content="{content}",
)

SESSIONS_DUE = "started_at <= :cutoff"
SESSIONS = """
INSERT INTO preserved_records (kind, original_id, content, preserved_at, why)
SELECT 'computer_sessions', id, {content}, :now, 'purge' FROM computer_sessions WHERE {due} AND (
  EXISTS (SELECT 1 FROM hold_patrons hp JOIN holds h ON h.id = hp.hold_id JOIN cases c ON c.id = h.case_id
          WHERE hp.patron_id = computer_sessions.patron_id AND h.scope = 'patrons' AND {active}
            AND (h.branch_id IS NULL OR h.branch_id = (SELECT w.branch_id FROM workstations w WHERE w.id = computer_sessions.workstation_id))
            AND (NOT EXISTS (SELECT 1 FROM hold_workstations x WHERE x.hold_id = h.id)
                 OR EXISTS (SELECT 1 FROM hold_workstations x WHERE x.hold_id = h.id AND x.workstation_id = computer_sessions.workstation_id)))
  OR EXISTS (SELECT 1 FROM hold_workstations hw JOIN holds h ON h.id = hw.hold_id JOIN cases c ON c.id = h.case_id
             WHERE hw.workstation_id = computer_sessions.workstation_id AND h.scope = 'workstations' AND {active})
  OR EXISTS (SELECT 1 FROM holds h JOIN cases c ON c.id = h.case_id
             WHERE h.scope = 'branch' AND {active}
               AND h.branch_id = (SELECT w.branch_id FROM workstations w WHERE w.id = computer_sessions.workstation_id))
  OR EXISTS (SELECT 1 FROM holds h JOIN cases c ON c.id = h.case_id WHERE h.scope = 'library' AND {active}))
""".format(
    active=ACTIVE.format(
        covers=COVERS.format("computer_sessions"),
        starts="computer_sessions.started_at",
        ends="coalesce(computer_sessions.ended_at, computer_sessions.started_at)",
    ),
    due=SESSIONS_DUE,
    content="{content}",
)


def _content(table: str, columns: list[str], sqlite: bool) -> str:
    """The row as JSON text, in SQL."""
    if sqlite:
        return "json_object(" + ", ".join(f"'{c}', {c}" for c in columns) + ")"
    return f"row_to_json({table})::text"


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
    """Copy the held loans and computer sessions past retention into the preservation store, and
    delete every one the default schedule says goes."""
    sqlite = engine.dialect.name == "sqlite"

    def stamp(moment):
        return moment.strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else moment

    params_loans = {"now": stamp(now), "cutoff": stamp(now - timedelta(days=60))}
    params_sessions = {"now": stamp(now), "cutoff": stamp(now - timedelta(days=3))}
    with engine.begin() as conn:
        if not sqlite:  # the same planner settings as the purge (holds.locks.plan_for_probes)
            conn.execute(text("SET LOCAL jit = off"))
            conn.execute(text("SET LOCAL random_page_cost = 1.1"))
        loans = LOANS.format(content=_content("loans", LOAN_COLUMNS, sqlite))
        sessions = SESSIONS.format(content=_content("computer_sessions", SESSION_COLUMNS, sqlite))
        conn.execute(text(loans), params_loans)
        conn.execute(text(f"DELETE FROM loans WHERE {LOANS_DUE}"), params_loans)
        conn.execute(text(sessions), params_sessions)
        conn.execute(text(f"DELETE FROM computer_sessions WHERE {SESSIONS_DUE}"), params_sessions)
