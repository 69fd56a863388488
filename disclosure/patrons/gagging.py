"""What a gag imposed after the fact means for patrons' reports (cases/gag.py calls this).

A report is frozen when it is compiled. If a case whose production it lists is gagged later,
the copy still waiting in the portal would go on telling the patron of a matter that, from now
on, does not exist for them (DOMAIN.md, "Gag orders"). Its download ends now, exactly as when
the download period runs out: the patron sees the usual "the download period has ended" and
may ask again; a new report is compiled without the gagged matter."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from disclosure import clock
from disclosure.cases.models import Case, Production, ProductionItem
from disclosure.patrons.models import FrozenReport, PatronRequest


def case_gagged(session: Session, case: Case) -> int:
    """End the downloads of reports that may list `case`'s productions: reports of a patron
    the case's productions touched, compiled after its first production (a report compiled
    while the case was still open is caught too: ending a download early is safe, leaving one
    is not). Returns how many were ended."""
    produced = select(Production.id).where(Production.case_id == case.id)
    touched = select(ProductionItem.patron_id).where(ProductionItem.production_id.in_(produced))
    first_produced = select(func.min(Production.produced_at)).where(Production.case_id == case.id).scalar_subquery()
    reports = session.scalars(
        select(FrozenReport)
        .join(PatronRequest, PatronRequest.id == FrozenReport.request_id)
        .where(PatronRequest.subject_id.in_(touched), FrozenReport.content_removed_at.is_(None),
               FrozenReport.compiled_at >= first_produced)
    ).all()
    now = clock.now()
    for report in reports:
        report.pdf = report.json_data = report.csv_data = None
        report.content_removed_at = now
        report.request.download_until = min(report.request.download_until or now, now)
    return len(reports)
