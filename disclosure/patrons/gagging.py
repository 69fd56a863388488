"""What a gag imposed after the fact means for patrons' reports.

A report is frozen when it is compiled, with the productions it lists as disclosures. If the
case of one of them is gagged later, the copy still waiting in the portal would go on telling
the patron of a matter that, from now on, does not exist for them (DOMAIN.md, "Gag orders").
So its download ends, as when the download period runs out: the patron sees the usual "the
download period has ended" and may ask again; a new report leaves the matter out.

Three paths, so that no order of events lets a copy through: cases/gag.py calls case_gagged
when the gag is recorded; download_open asks lists_a_gagged_matter before every download (a
report compiled while the gag was being recorded); the nightly job withdraws any such report."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure import clock
from disclosure.audit import service as audit
from disclosure.cases.models import Case, Production, ProductionItem
from disclosure.cases.visibility import not_gagged
from disclosure.patrons.models import FrozenReport, PatronRequest


def case_gagged(session: Session, case: Case) -> int:
    """End the downloads of reports that list one of `case`'s productions; returns how many."""
    produced = set(session.scalars(select(Production.id).where(Production.case_id == case.id)))
    if not produced:
        return 0
    touched = select(ProductionItem.patron_id).where(ProductionItem.production_id.in_(produced))
    candidates = session.scalars(
        select(FrozenReport).join(PatronRequest, PatronRequest.id == FrozenReport.request_id)
        .where(PatronRequest.subject_id.in_(touched), FrozenReport.content_removed_at.is_(None))
    ).all()
    # A report from before migration 0009 did not keep its list: it may list the case.
    listing = [r for r in candidates if r.production_ids is None or produced & set(r.production_ids)]
    for report in listing:
        _withdraw(report, produced)
    if listing:
        audit.record(session, None, "patron_report.withdrawn", "case", case.id, case_id=case.id,
                     detail=f"reports={len(listing)}")
    return len(listing)


def gagged_productions(session: Session, report: FrozenReport) -> dict[int, int]:
    """{production id: case id} of the productions `report` lists whose case is gagged now."""
    if not report.production_ids:
        return {}
    return dict(session.execute(
        select(Production.id, Production.case_id).join(Case, Case.id == Production.case_id)
        .where(Production.id.in_(report.production_ids), ~not_gagged())
    ).all())


def lists_a_gagged_matter(session: Session, report: FrozenReport) -> bool:
    return bool(gagged_productions(session, report))


def withdraw_reports_listing_gagged_matters(session: Session) -> int:
    """The nightly sweep: withdraw every report still offered that lists a gagged matter."""
    withdrawn = 0
    for report in session.scalars(select(FrozenReport).where(FrozenReport.content_removed_at.is_(None),
                                                            FrozenReport.request_id.is_not(None))):
        found = gagged_productions(session, report)
        if found:
            _withdraw(report, set(found))
            for case_id in set(found.values()):
                audit.record(session, None, "patron_report.withdrawn", "case", case_id, case_id=case_id, detail="reports=1")
            withdrawn += 1
    return withdrawn


def _withdraw(report: FrozenReport, gagged: set[int]) -> None:
    """Drop the copy and end its download now; the gagged matter no longer counts among its
    disclosures (the desk sees the counts)."""
    now = clock.now()
    report.pdf = report.json_data = report.csv_data = None
    report.content_removed_at = now
    listed = set(report.production_ids or [])
    hidden = len(listed & gagged) if report.production_ids is not None else 1
    counts = dict(report.counts or {})
    counts["disclosures"] = max(0, counts.get("disclosures", 0) - hidden)
    report.counts = counts  # a new dict: the JSON column notices a replaced value, not an edit
    if report.request is not None:
        report.request.download_until = min(report.request.download_until or now, now)
