"""A preservation hold in words, for the letters that confirm or renew it (docs/rules.md
R-hold-names-its-scope: a hold names record categories and any of a patron, a workstation or
branch, a time window). Patrons are named only by the last digits of their card, as an officer
already knows them; the letter never carries a patron's name or address."""

from __future__ import annotations

from sqlalchemy.orm import Session

from disclosure.holds.models import Scope
from disclosure.records import kinds


def _card(number: str) -> str:
    return f"library card ending {number[-4:]}"


def summary(session: Session, hold) -> dict:
    """What the hold preserves, from when, until when, and after how many days in all."""
    narrowed = []
    if hold.patrons:
        narrowed.append(
            "Records of the patron"
            + ("s" if len(hold.patrons) > 1 else "")
            + " with "
            + ", ".join(_card(link.card_number) for link in hold.patrons)
        )
    if hold.workstations:
        narrowed.append(
            "Public computer"
            + ("s " if len(hold.workstations) > 1 else " ")
            + ", ".join(link.workstation.code for link in hold.workstations)
        )
    if hold.branch is not None:
        narrowed.append(f"At the {hold.branch.name} branch")
    if hold.scope == Scope.LIBRARY.value and not narrowed:
        narrowed.append("All records of these categories held by the library")
    return {
        "categories": [kinds.category(c).label for c in hold.categories],
        "narrowed": narrowed,
        "window": (hold.window_start, hold.window_end)
        if (hold.window_start or hold.window_end)
        else None,
        "requested_at": hold.requested_at,
        "requested_by": hold.requested_by,
        "placed_at": hold.placed_at,
        "renewed_at": hold.renewed_at,
        "expires_at": hold.expires_at,
        "days_in_all": (hold.expires_at - hold.requested_at).days,
        "until_case_closed": bool(hold.case.court_order_received and hold.case.closed_at is None),
    }
