"""How the cases area's events read on a case's timeline (audit/telling.py)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from disclosure.audit.telling import Telling, count, day
from disclosure.auth.models import User
from disclosure.cases.forms import DOCUMENT_KIND_LABELS
from disclosure.cases.guidance import kind_label
from disclosure.cases.service import DECISION_LABELS, RECOMMENDATION_LABELS


def _name(session: Session, user_id: str | None) -> str:
    user = session.get(User, int(user_id)) if user_id and user_id.isdigit() else None
    return user.full_name if user else "a former user"


def _logged(f, detail, session):
    scans = count(f.get("scans", 0), "scan")
    return f"{kind_label(f.get('kind', ''))}. {scans[0].upper()}{scans[1:]} of the paper attached."


def _routed(f, detail, session):
    # `directors` is how many people with the Director's powers were notified: say exactly that.
    notified = int(f.get("directors", 1))
    told = {
        0: "No one with the Director's powers could be notified (no such account is active).",
        1: "The Director was notified.",
        2: "The Director and the acting Director were notified.",
    }.get(notified, f"{notified} people with the Director's powers were notified.")
    return f"Urgent. {told}" if f.get("urgent") == "True" else told


def _warrant(f, detail, session):
    seized = int(f.get("workstations_seized", 0))
    return (
        f"{count(seized, 'public computer')} seized and taken out of service."
        if seized
        else "No computers seized."
    )


EVENTS = {
    "case.logged": Telling("Logged at the desk", _logged),
    "case.routed": Telling("Routed to the Director", _routed),
    "case.warrant_recorded": Telling("Warrant execution recorded", _warrant),
    "case.viewed": Telling("Case page viewed"),
    "cases.exported": Telling("List of cases exported"),
    "case.counsel_assigned": Telling(
        "Counsel assigned",
        lambda f, d, s: f"{_name(s, f.get('counsel'))}; advice due {day(f.get('due', ''))}.",
    ),
    "case.advice_recorded": Telling(
        "Counsel's advice recorded",
        lambda f, d, s: f"Recommends: {RECOMMENDATION_LABELS.get(f.get('recommendation'), '—')}.",
    ),
    "case.decided": Telling(
        "Decision recorded", lambda f, d, s: f"{DECISION_LABELS.get(f.get('decision'), '—')}."
    ),
    "case.exigent_waiver": Telling(
        "Exigent waiver recorded",
        lambda f, d, s: "Given by phone." if f.get("by_phone") == "True" else "Given in writing.",
    ),
    "case.document_attached": Telling(
        "Document attached",
        lambda f, d, s: f"{DOCUMENT_KIND_LABELS.get(f.get('kind'), 'A document')}.",
    ),
    "case.document_viewed": Telling("Document opened"),
    "case.receipt_viewed": Telling("Receipt viewed at the desk"),
    "case.release_page_viewed": Telling("Release page opened"),
    "case.documents_viewed": Telling("Letters and certificates listed"),
    "case.production_recorded": Telling(
        "Production recorded", lambda f, d, s: f"{count(f.get('items', 0), 'record')} produced."
    ),
    "case.production_viewed": Telling("Production viewed"),
    "case.production_downloaded": Telling(
        "Production downloaded", lambda f, d, s: f"File {f['file']}." if "file" in f else None
    ),
    "case.closed": Telling("Closed"),
    "case.reopened": Telling("Reopened"),
    "case.gag_imposed": Telling(
        "Gag order recorded",
        lambda f, d, s: (
            "Until it is lifted."
            if f.get("until") in (None, "lifted")
            else f"Until {day(f['until'])}."
        ),
    ),
    # The detail is the reason and the authority, in the Director's words.
    "case.gag_lifted": Telling("Gag order lifted", lambda f, detail, s: detail),
    "case.circle_added": Telling(
        "Added to the need-to-know circle", lambda f, d, s: f"{_name(s, f.get('user'))}."
    ),
    "case.circle_removed": Telling(
        "Removed from the need-to-know circle", lambda f, d, s: f"{_name(s, f.get('user'))}."
    ),
}
