"""The facts documents print, read from the other areas' tables (a case's production, its holds,
counsel's checklist). Each function takes a case already loaded through cases/visibility.py and
looks only at what hangs off that case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from disclosure.cases import guidance, productions
from disclosure.cases.models import Case, Production, ProductionItem
from disclosure.documents import holdwords
from disclosure.holds.models import Hold
from disclosure.records import kinds


def kind_label(kind: str) -> str:
    """'Subpoena', 'Search warrant', ... in the cases area's words."""
    return guidance.kind_label(kind)


def record_kind_label(kind: str) -> str:
    """'Loans (circulation history)' for 'loans' (or a former key such as 'loan'): the
    library's words from records/kinds.py."""
    spec = kinds.named(kind)
    return spec.label if spec else kind.replace("_", " ").capitalize()


# How the board report names the kinds of purged record where its words differ from the
# library's usual ones (records/kinds.py), keyed by the registry's key.
PURGE_KIND_LABELS = {
    kinds.LOANS.key: "Circulation history (returned loans)",
    kinds.COMPUTER_SESSIONS.key: "Computer sign-ups and sessions",
    kinds.ILL_EMAILS.key: "Interlibrary-loan e-mails",
    kinds.PATRONS.key: "Expired patron cards",
}


def purge_kind_label(kind: str) -> str:
    """'Computer sign-ups and sessions' for 'computer_sessions'."""
    return PURGE_KIND_LABELS.get(kind) or record_kind_label(kind)


def director_title(session: Session, user) -> str:
    """'Director' or 'Acting Director', as the signature line says it."""
    if user is None:
        return "Director"
    return "Director" if user.role == "director" else "Acting Director"


# ---- productions -----------------------------------------------------------------------------


def productions_of(session: Session, case: Case) -> list[Production]:
    """The productions of `case`, oldest first."""
    return list(
        session.scalars(
            select(Production).where(Production.case_id == case.id).order_by(Production.id)
        )
    )


def production_of(session: Session, case: Case, production_id) -> Production | None:
    """The production `production_id` of `case` (the newest when no id is given)."""
    query = select(Production).where(Production.case_id == case.id)
    if production_id:
        query = query.where(Production.id == int(production_id))
    return session.scalar(
        query.order_by(Production.produced_at.desc(), Production.id.desc()).limit(1)
    )


@dataclass
class ProductionSummary:
    """What a production released, for the certificate and the cover letter."""

    production: Production
    kinds: list[tuple[str, int]]  # (label, count)
    total: int
    span: tuple[datetime, datetime] | None
    files: list[tuple[str, str]]  # (file name, sha256)


def _instant(value) -> datetime | None:
    if not isinstance(value, str) or len(value) < 16:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else None


def production_summary(session: Session, production: Production) -> ProductionSummary:
    """Counts per kind (from the frozen copy), the time span the records cover, and the files."""
    counts = session.execute(
        select(ProductionItem.record_kind, func.count())
        .where(ProductionItem.production_id == production.id)
        .group_by(ProductionItem.record_kind)
        .order_by(ProductionItem.record_kind)
    ).all()
    moments = []
    rows = session.execute(
        select(ProductionItem.record_kind, ProductionItem.data).where(
            ProductionItem.production_id == production.id
        )
    )
    for kind, data in rows:
        # the field each kind is dated by, as the production picked it (a patron's registration has
        # none)
        key = productions.dated_by(kind)
        moment = _instant((data or {}).get(key)) if key else None
        if moment is not None:
            moments.append(moment)
    files = sorted(((production.manifest or {}).get("files") or {}).items())
    return ProductionSummary(
        production=production,
        kinds=[(record_kind_label(kind), count) for kind, count in counts],
        total=sum(count for _kind, count in counts),
        span=(min(moments), max(moments)) if moments else None,
        files=files,
    )


# ---- counsel's checklist -----------------------------------------------------------------------

# A failed item of counsel's legal-process checklist, as a refusal letter says it.


def refusal_reasons(session: Session, case: Case) -> list[str]:
    """Why the process is not in proper form: counsel's checklist defects, then the Director's
    reason."""
    reasons = []
    advice = getattr(case, "latest_advice", None)
    if advice is not None:
        reasons += advice.defects_in_words
    for line in (case.decision_reason or "").splitlines():
        line = line.strip().lstrip("-•* ").strip()
        if line:
            reasons.append(line if line.endswith((".", "!", "?")) else line + ".")
    # the Director's reason may repeat the checklist (a blank reason is made from it): once each
    return list(dict.fromkeys(reasons))


# ---- holds ----------------------------------------------------------------------------------


def hold_of(session: Session, case: Case, hold_id):
    """The hold `hold_id` of `case` (the newest when no id is given), or None."""
    query = select(Hold).where(Hold.case_id == case.id)
    if hold_id:
        query = query.where(Hold.id == int(hold_id))
    return session.scalar(query.order_by(Hold.placed_at.desc(), Hold.id.desc()).limit(1))


def hold_renewed(hold) -> bool:
    """True once the hold had its one 90-day extension."""
    return getattr(hold, "renewed_at", None) is not None


def hold_requested_at(hold) -> datetime:
    return hold.requested_at


def hold_renewal_requested_at(hold) -> datetime:
    return getattr(hold, "renewal_requested_at", None) or hold.renewed_at


def hold_until(hold) -> datetime:
    return hold.expires_at


def hold_summary(session: Session, hold) -> dict:
    """What a hold preserves, in words, for the preservation letters."""
    return holdwords.summary(session, hold)
