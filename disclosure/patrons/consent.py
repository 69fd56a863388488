"""Releases with the patron's written consent (docs/rules.md R-consent-release: no release to
anyone else without the written consent of the person identified, or of a minor's guardian).
Staff record the consent and its scan, then release exactly what it covers, once."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from disclosure import clock, vault, work
from disclosure.audit import service as audit
from disclosure.auth.models import User
from disclosure.auth.service import roles_of
from disclosure.db import begin_writing
from disclosure.errors import DomainError
from disclosure.patrons import gather, scans
from disclosure.patrons import report as reports
from disclosure.patrons.gather import KINDS, Scope
from disclosure.patrons.models import ConsentRelease, FrozenReport
from disclosure.patrons.service import normalise_card, scope_of
from disclosure.records.models import Patron
from disclosure.work import WorkItem

SCAN_MISSING = "Attach the scan of the signed consent."


def scan_type(content: bytes) -> tuple[str, str]:
    """(mimetype, extension) of a scan of a PDF, JPEG or PNG; DomainError for anything else."""
    return scans.scan_type(content, SCAN_MISSING)


def scan_folder() -> Path:
    """Where consent scans are kept: under the upload folder, outside static/."""
    return scans.folder("consents")


def record_consent(
    session: Session,
    staff,
    *,
    card_number: str,
    recipient: str,
    kinds: list[str],
    covers_from: date | None,
    covers_to: date | None,
    signed_on: date,
    valid_from: date,
    valid_until: date,
    signed_by_guardian: bool,
    scan: bytes,
    recipient_is_not_government: bool,
) -> ConsentRelease:
    """Record a signed consent brought by a third party: whose records, to whom, which kinds and
    dates, when it was signed and how long it is valid, and its scan (kept with a generated
    name)."""
    if not recipient_is_not_government:
        # docs/rules.md R-consent-release: a government agency needs legal process, never a
        # patron's consent brought to the desk
        raise DomainError(
            "A government agency needs legal process: log it as an officer's request for the "
            "Director.",
            field="not_government",
        )
    patron = session.scalar(select(Patron).where(Patron.card_number == normalise_card(card_number)))
    if patron is None:
        raise DomainError(
            "No patron has that card number. Check it against the consent.", field="card_number"
        )
    if signed_by_guardian and patron.guardian_id is None:
        raise DomainError(
            "This card has no guardian on file: only the patron can sign.",
            field="signed_by_guardian",
        )
    kinds = [k for k in kinds if k in KINDS]
    if not kinds:
        raise DomainError("Tick the kinds of record the consent names.", field="kinds")
    if covers_from and covers_to and covers_from > covers_to:
        raise DomainError("The start date must be on or before the end date.", field="covers_from")
    if valid_until < valid_from:
        raise DomainError(
            "The consent must end on or after the day it starts.", field="valid_until"
        )
    if signed_on > clock.today():
        raise DomainError("The signing date cannot be in the future.", field="signed_on")
    if signed_on > valid_until:
        # docs/rules.md R-form-dates: a consent signed after its validity ended never held.
        raise DomainError(
            f"The consent was signed on {signed_on:%-d %b %Y}, after it stopped being valid "
            f"({valid_until:%-d %b %Y}). Check the dates against the signed paper.",
            field="signed_on",
        )
    if not recipient.strip():
        raise DomainError("Name who receives the records.", field="recipient")
    kept = scans.keep_scan(session, "consents", scan, SCAN_MISSING)
    consent = ConsentRelease(
        patron_id=patron.id,
        recipient=recipient.strip()[:300],
        signed_by_guardian=signed_by_guardian,
        kinds=[k for k in KINDS if k in kinds],
        covers_from=covers_from,
        covers_to=covers_to,
        signed_on=signed_on,
        valid_from=valid_from,
        valid_until=valid_until,
        scan_name=kept.name,
        scan_type=kept.mimetype,
        scan_sha256=kept.sha256,
        scan_bytes=kept.size,
        recorded_at=clock.now(),
        recorded_by_id=staff.id,
    )
    session.add(consent)
    session.flush()
    audit.record(
        session,
        staff,
        "consent.recorded",
        "consent_release",
        consent.id,
        detail=f"kinds={len(kinds)}",
    )
    return consent


RELEASE_WORK = "consent_release"


def release(session: Session, staff, consent: ConsentRelease) -> WorkItem:
    """Queue the release of exactly what the consent covers, as a frozen copy (compiled by the
    scheduler: R-long-work-queued); it then appears in the patron's own report as a disclosure.
    Once only, and only while the consent is valid."""
    _check_releasable(consent)
    queued = release_work(session, consent)
    if queued is not None and queued.waiting:
        raise DomainError("These records are being released now: this page shows when they are.")
    if queued is not None and queued.status == "failed":
        work.retry(session, queued)
        return queued
    return work.enqueue(session, RELEASE_WORK, consent.id, requested_by=staff)


def would_release(session: Session, consent: ConsentRelease) -> list[tuple[str, int]]:
    """(kind in words, how many) of what releasing `consent` would hand over now, every kind it
    covers: shown before the release, which cannot be taken back. Refused like the release."""
    _check_releasable(consent)
    found = gather.records_of(session, consent.patron, scope_of(consent))
    return [(KINDS[kind], len(rows)) for kind, rows in found.items()]


def _check_releasable(consent: ConsentRelease) -> None:
    if consent.released_at is not None:
        raise DomainError(
            f"These records were already released on {consent.released_at:%-d %b %Y}."
        )
    today = clock.today()
    if not consent.valid_from <= today <= consent.valid_until:
        raise DomainError(
            f"This consent is valid from {consent.valid_from:%-d %b %Y} to "
            f"{consent.valid_until:%-d %b %Y}; it cannot be used today."
        )


def release_work(session: Session, consent: ConsentRelease) -> WorkItem | None:
    """The work item releasing `consent`, if there is one."""
    return work.latest_for(session, RELEASE_WORK, consent.id)


def release_queued(session: Session, item: WorkItem, progress) -> FrozenReport:
    """The scheduler's handler for RELEASE_WORK items (patrons/area.py): compile, freeze and
    record the release by the staff member who asked for it."""
    consent = session.get(ConsentRelease, item.subject_id)
    if consent is None:
        raise DomainError("The consent no longer exists.")
    _check_releasable(consent)
    progress(0, 2)
    document = reports.build_document(
        session,
        consent.patron,
        scope_of(consent),
        purpose="consent",
        reference=consent.reference,
        recipient=consent.recipient,
    )
    progress(1, 2)
    # a consent's copy is for its recipient: in the library's language
    files = reports.render(document, current_app.config["SETTINGS"].library_name, None)
    begin_writing(session)
    session.refresh(consent)
    _check_releasable(consent)  # again, under the write: not released twice meanwhile
    frozen = reports.store(session, document, files, consent=consent)
    staff = session.get(User, item.requested_by_id)
    consent.released_at, consent.released_by_id = clock.now(), staff.id
    audit.record(
        session,
        staff,
        "consent.released",
        "consent_release",
        consent.id,
        detail=f"records={sum(document['counts'].values())}",
    )
    return frozen


def scan_of(consent: ConsentRelease) -> tuple[bytes, str] | None:
    """(content, mimetype) of the consent's scan, or None when the file is missing."""
    path = scan_folder() / consent.scan_name
    return (vault.read_file(path), consent.scan_type) if path.is_file() else None


def every_consent() -> Select:
    """SELECT of every consent recorded, those not yet released first, then the newest."""
    return select(ConsentRelease).order_by(
        ConsentRelease.released_at.is_not(None),
        ConsentRelease.recorded_at.desc(),
        ConsentRelease.id.desc(),
    )


def describe(consent: ConsentRelease) -> str:
    """What a consent covers, in words."""
    return Scope(tuple(consent.kinds), consent.covers_from, consent.covers_to).describe()


def download_until(consent: ConsentRelease) -> datetime | None:
    """The end of the period in which the released files can be downloaded (as for a patron's
    own report: settings.report_download_days after the release), None before the release."""
    if consent.released_at is None:
        return None
    days = current_app.config["SETTINGS"].report_download_days
    return consent.released_at + timedelta(days=days)


def may_reach_released(session: Session, user, consent: ConsentRelease) -> bool:
    """docs/rules.md R-consent-files: only a holder of the Director's powers and the staff
    member who released them reach the released files, and only until download_until."""
    until = download_until(consent)
    return (
        until is not None
        and clock.now() < until
        and consent.report is not None
        and consent.report.content_removed_at is None
        and (consent.released_by_id == user.id or "director" in roles_of(session, user))
    )


def released_file(
    session: Session, user, consent: ConsentRelease, fmt: str
) -> tuple[bytes, str] | None:
    """(content, mimetype) of a released file for `user`, or None (the view answers 404) when
    they may not reach it now; each download is an audit event."""
    if not may_reach_released(session, user, consent):
        return None
    found = reports.file_of(consent.report, fmt)
    if found is not None:
        audit.record(
            session,
            user,
            "consent.file_downloaded",
            "consent_release",
            consent.id,
            detail=f"format={fmt}",
        )
    return found
