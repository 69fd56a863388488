"""The certificate of production (README, "Documents"): what was produced (record kinds and counts,
time span, the files and their SHA-256), to whom, under what authority, by whom and when, with the
Director's signature line (docs/rules.md R-production-exact)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from disclosure import clock
from disclosure.cases.models import Production
from disclosure.documents import facts as F
from disclosure.pdf import render_pdf


def render(session: Session, production: Production, signer) -> bytes:
    """The certificate as PDF bytes."""
    case = production.case
    return render_pdf(
        "documents/production_certificate.html",
        case=case,
        reference=case.reference,
        process=F.kind_label(case.kind)
        + (f", docket {case.docket_number}" if case.docket_number else ""),
        production=F.production_summary(session, production),
        signer=signer,
        signer_title=F.director_title(session, signer),
        dated=clock.today(),
    )
