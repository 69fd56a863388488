"""What a gag imposed after the fact means for patrons' reports.

A report is frozen when it is compiled, with the productions it lists as disclosures. If the
case of one of them is gagged later, the copy still waiting in the portal would go on telling
the patron of a matter that, from now on, does not exist for them (docs/rules.md
R-gag-patron-reports). So its download ends, as when the download period runs out: the patron
sees the usual "the download period has ended" and may ask again; a new report leaves the
matter out.

Three paths, so that no order of events lets a copy through: case_gagged answers the gag's hook
(cases.gag.case_gagged, connected in patrons/area.py) when the gag is recorded; download_open
asks lists_a_gagged_matter before every download (a report compiled while the gag was being
recorded); the nightly job withdraws any such report."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure import clock
from disclosure.audit import service as audit
from disclosure.cases.models import Case, Production, ProductionItem
from disclosure.cases.visibility import not_gagged
from disclosure.patrons.models import FrozenReport, PatronRequest


def case_gagged(session: Session, case: Case) -> int:
    """Withdraw the reports that list one of `case`'s productions (and take it out of their
    counts, also on reports whose download had already ended); returns how many changed."""
    produced = set(session.scalars(select(Production.id).where(Production.case_id == case.id)))
    if not produced:
        return 0
    touched = select(ProductionItem.patron_id).where(ProductionItem.production_id.in_(produced))
    first_produced = min(
        session.scalars(select(Production.produced_at).where(Production.id.in_(produced)))
    )
    reports = session.scalars(
        select(FrozenReport)
        .join(PatronRequest, PatronRequest.id == FrozenReport.request_id)
        .where(PatronRequest.subject_id.in_(touched))
    ).all()
    changed = 0
    for report in reports:
        if report.production_ids is None:
            # Made before migration 0009, it did not keep its list: if it may list the case, its
            # copy goes, and so does its disclosures count, which can no longer be corrected.
            if report.content_removed_at is None and report.compiled_at >= first_produced:
                _end_download(report)
                report.counts = {
                    k: v for k, v in (report.counts or {}).items() if k != "disclosures"
                }
                changed += 1
        elif produced & set(report.production_ids):
            _withdraw(report, produced)
            changed += 1
    if changed:
        audit.record(
            session,
            None,
            "patron_report.withdrawn",
            "case",
            case.id,
            case_id=case.id,
            detail=f"reports={changed}",
        )
    return changed


def gagged_productions(session: Session, report: FrozenReport) -> dict[int, int]:
    """{production id: case id} of the productions `report` lists whose case is gagged now."""
    if not report.production_ids:
        return {}
    return dict(
        session.execute(
            select(Production.id, Production.case_id)
            .join(Case, Case.id == Production.case_id)
            .where(Production.id.in_(report.production_ids), ~not_gagged())
        ).all()
    )


def lists_a_gagged_matter(session: Session, report: FrozenReport) -> bool:
    return bool(gagged_productions(session, report))


def withdraw_if_gagged(session: Session, report: FrozenReport | None) -> bool:
    """Withdraw `report` if it lists a matter gagged since it was compiled (a report compiled
    while the gag was being recorded); the pages that show a report call this first."""
    found = gagged_productions(session, report) if report is not None else {}
    if not found:
        return False
    _withdraw(report, set(found))
    for case_id in sorted(set(found.values())):
        audit.record(
            session,
            None,
            "patron_report.withdrawn",
            "case",
            case_id,
            case_id=case_id,
            detail="reports=1",
        )
    return True


def withdraw_reports_listing_gagged_matters(session: Session) -> int:
    """The nightly sweep: withdraw every report still offered that lists a gagged matter."""
    offered = session.scalars(
        select(FrozenReport).where(
            FrozenReport.content_removed_at.is_(None), FrozenReport.request_id.is_not(None)
        )
    )
    return sum(withdraw_if_gagged(session, report) for report in offered)


def _withdraw(report: FrozenReport, gagged: set[int]) -> None:
    """End the copy's download (if it still has one) and take the gagged productions out of its
    list and its disclosures count (the desk sees the counts). Safe to run twice."""
    hidden = set(report.production_ids or []) & gagged
    if report.content_removed_at is None:
        _end_download(report)
    if hidden:
        counts = dict(report.counts or {})
        counts["disclosures"] = max(0, counts.get("disclosures", 0) - len(hidden))
        report.counts = counts  # new objects: a JSON column notices a replaced value, not an edit
        report.production_ids = [p for p in report.production_ids if p not in hidden]


def _end_download(report: FrozenReport) -> None:
    """Drop the copy and end its download now, as when the download period runs out."""
    now = clock.now()
    report.pdf = report.json_data = report.csv_data = None
    report.content_removed_at = now
    if report.request is not None:
        report.request.download_until = min(report.request.download_until or now, now)
