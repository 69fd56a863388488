"""Patrons' own records (docs/rules.md): portal sign-in, asking, verification by
staff, compiling and delivering the report, the patron's choices (e-mail, corrections)."""

from __future__ import annotations

from datetime import date, timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import Session, object_session

from disclosure import clock, dates, work
from disclosure.audit import service as audit
from disclosure.auth import throttle
from disclosure.auth.passwords import verify_secret
from disclosure.db import db
from disclosure.errors import DomainError
from disclosure.holds import preservation
from disclosure.holds.locks import hold_lock
from disclosure.patrons import gagging, mail, sip2
from disclosure.patrons import report as reports
from disclosure.patrons.gather import KINDS, Scope
from disclosure.patrons.models import (
    GUARDIANSHIP_PROOFS,
    ID_KINDS,
    CorrectionRequest,
    FrozenReport,
    PatronRequest,
    RequestStatus,
)
from disclosure.records.kinds import PATRONS
from disclosure.records.models import Patron
from disclosure.work import WorkItem

NO_MATCH = "That card number and PIN do not match. Check both and try again."
TOO_MANY_CARDS = (
    "Too many different card numbers have been tried from this computer. Try again in an hour, "
    "or ask at the desk."
)


def _settings():
    return current_app.config["SETTINGS"]


# ---- sign-in -----------------------------------------------------------------------------------


def normalise_card(card_number: str) -> str:
    """A card number as stored: digits and letters only (people type spaces and dashes)."""
    return "".join(ch for ch in (card_number or "") if ch.isalnum())


def sign_in(session: Session, card_number: str, pin: str, address: str | None = None) -> Patron:
    """The patron with this card and PIN. Raises DomainError with one message for an unknown
    card and a wrong PIN. A card is locked after PATRON_CARD's failures, and an address may try
    only so many different cards an hour (auth.throttle); the message says when to try again.
    The caller commits in both cases (failures count)."""
    card = normalise_card(card_number)
    card_key = throttle.keyed(card)
    until = throttle.locked_until(session, throttle.PATRON_CARD, card_key)
    if until is not None:
        raise DomainError(_locked_message(until), field="pin")
    if not throttle.card_allowed_from(session, address, card_key):
        raise DomainError(TOO_MANY_CARDS, field="card_number")
    patron = session.scalar(select(Patron).where(Patron.card_number == card)) if card else None
    if _pin_matches(patron, card, pin) and patron is not None:
        throttle.succeed(session, throttle.PATRON_CARD, card_key)
        audit.record(session, patron, "patron.signed_in", "patron", patron.id)
        return patron
    until = throttle.fail(session, throttle.PATRON_CARD, card_key)
    if until is not None:
        raise DomainError(_locked_message(until), field="pin")
    raise DomainError(NO_MATCH, field="pin")


SIP2_DOWN = (
    "The library's system cannot check your PIN just now. Try again in a few minutes, or ask "
    "at the desk."
)


def _pin_matches(patron: Patron | None, card: str, pin: str) -> bool:
    """The PIN check: by the library's own system over SIP2 when one is configured (patrons
    keep the PIN they already have), else against the PIN hash kept here. Either way the
    question is asked for an unknown card too, so the time taken does not tell a card exists."""
    settings = _settings()
    if not settings.sip2_host:
        return verify_secret(patron.pin_hash if patron else None, pin or "")
    try:
        return sip2.Sip2Client(_sip2_settings(settings)).check_patron(card, pin or "", clock.now())
    except sip2.Sip2Unavailable as err:
        # Not the patron's failure: it neither counts towards the lock nor says 'wrong PIN'.
        raise DomainError(SIP2_DOWN, field="pin") from err


def _sip2_settings(settings) -> sip2.Sip2Settings:
    return sip2.Sip2Settings(
        host=settings.sip2_host,
        port=settings.sip2_port,
        login=settings.sip2_login,
        password=settings.sip2_password,
        institution=settings.sip2_institution,
        location=settings.sip2_location,
        tls=settings.sip2_tls,
    )


def _locked_message(until) -> str:
    when = dates.local_datetime(until, "%-I:%M %p")
    return (
        f"Too many attempts with this card number. For your safety, try again after {when}, or ask "
        "at the desk."
    )


# ---- asking ------------------------------------------------------------------------------------


def minors_of(session: Session, guardian: Patron) -> list[Patron]:
    """The minors whose guardian on file is `guardian`."""
    return list(
        session.scalars(
            select(Patron).where(Patron.guardian_id == guardian.id).order_by(Patron.name)
        )
    )


def _scope(kinds, covers_from: date | None, covers_to: date | None) -> Scope:
    kinds = [k for k in (kinds or []) if k]
    unknown = set(kinds) - KINDS.keys()
    if unknown:
        raise DomainError("Choose kinds of record from the list.", field="kinds")
    if covers_from and covers_to and covers_from > covers_to:
        raise DomainError("The start date must be on or before the end date.", field="covers_from")
    # All kinds ticked is the same as "everything": store None so new kinds are included too.
    chosen = (
        None if not kinds or set(kinds) == KINDS.keys() else tuple(k for k in KINDS if k in kinds)
    )
    return Scope(chosen, covers_from, covers_to)


def scope_of(item) -> Scope:
    """The Scope of a stored request or consent."""
    return Scope(
        tuple(item.kinds) if item.kinds is not None else None, item.covers_from, item.covers_to
    )


def ask_for_records(
    session: Session,
    requester: Patron,
    *,
    subject_id: int | None = None,
    kinds=None,
    covers_from: date | None = None,
    covers_to: date | None = None,
    channel: str = "portal",
    logged_by=None,
) -> PatronRequest:
    """A patron asks for their own records, or a guardian for a minor's (R-patron-sees-own). It
    waits for staff to see photo ID; it is due in settings.patron_request_days."""
    subject = requester
    if subject_id not in (None, requester.id):
        subject = session.get(Patron, subject_id)
        if subject is None or subject.guardian_id != requester.id:
            raise DomainError(
                "You may ask for your own records or those of a minor in your care.",
                field="subject_id",
            )
    scope = _scope(kinds, covers_from, covers_to)
    waiting = session.scalar(
        select(PatronRequest).where(
            PatronRequest.subject_id == subject.id,
            PatronRequest.requester_id == requester.id,
            PatronRequest.status == RequestStatus.AWAITING_ID.value,
        )
    )
    if waiting is not None:
        raise DomainError(
            f"Request {waiting.reference} for these records is already waiting for a photo ID "
            "check. Bring photo ID to any branch desk.",
            field="subject_id",
        )
    request = PatronRequest(
        subject_id=subject.id,
        requester_id=requester.id,
        for_minor=subject.id != requester.id,
        channel=channel,
        logged_by_id=logged_by.id if logged_by is not None else None,
        kinds=list(scope.kinds) if scope.kinds is not None else None,
        covers_from=covers_from,
        covers_to=covers_to,
        status=RequestStatus.AWAITING_ID.value,
        received_at=clock.now(),
        due_on=clock.today() + timedelta(days=_settings().patron_request_days),
    )
    session.add(request)
    session.flush()
    audit.record(
        session,
        logged_by or requester,
        "patron_request.received",
        "patron_request",
        request.id,
        detail=f"channel={channel} for_minor={request.for_minor}",
    )
    mail.tell(session, requester, "request_received")
    return request


def log_desk_request(
    session: Session,
    staff,
    *,
    card_number: str,
    for_minor: bool = False,
    kinds=None,
    covers_from: date | None = None,
    covers_to: date | None = None,
) -> PatronRequest:
    """Staff log a written request made at the desk: by the patron, or by a minor's guardian on
    file."""
    patron = session.scalar(select(Patron).where(Patron.card_number == normalise_card(card_number)))
    if patron is None:
        raise DomainError(
            "No patron has that card number. Check it against the card.", field="card_number"
        )
    if for_minor:
        if patron.guardian is None:
            raise DomainError(
                "This card has no guardian on file. Link the guardian to the minor's card first.",
                field="card_number",
            )
        return ask_for_records(
            session,
            patron.guardian,
            subject_id=patron.id,
            kinds=kinds,
            covers_from=covers_from,
            covers_to=covers_to,
            channel="desk",
            logged_by=staff,
        )
    return ask_for_records(
        session,
        patron,
        kinds=kinds,
        covers_from=covers_from,
        covers_to=covers_to,
        channel="desk",
        logged_by=staff,
    )


# ---- verification and compiling ----------------------------------------------------------------


REPORT_WORK = "patron_report"


def verify_and_compile(
    session: Session,
    staff,
    request: PatronRequest,
    *,
    id_kind: str,
    guardianship_proof: str | None = None,
) -> WorkItem:
    """Staff have seen photo ID (and, for a guardian, proof of guardianship): record the KIND of
    ID only, never its number, and queue the report's compiling (compile_report, run by the
    scheduler: R-long-work-queued). Nothing is compiled before."""
    if request.status != RequestStatus.AWAITING_ID.value:
        raise DomainError("This request has already been verified.")
    if id_kind not in ID_KINDS:
        raise DomainError("Choose the kind of photo ID you saw.", field="id_kind")
    if request.for_minor:
        if guardianship_proof not in GUARDIANSHIP_PROOFS:
            raise DomainError(
                "A guardian must show legal proof of guardianship: choose what you saw.",
                field="guardianship_proof",
            )
        if request.subject.guardian_id != request.requester_id:
            raise DomainError("The person asking is no longer the guardian on file for this card.")
    request.verified_at, request.verified_by_id = clock.now(), staff.id
    request.id_kind, request.guardianship_proof = (
        id_kind,
        guardianship_proof if request.for_minor else None,
    )
    request.status = RequestStatus.COMPILING.value
    audit.record(
        session,
        staff,
        "patron_request.verified",
        "patron_request",
        request.id,
        detail=f"id_kind={id_kind} guardianship_proof={bool(request.guardianship_proof)}",
    )
    return work.enqueue(session, REPORT_WORK, request.id, requested_by=staff)


def compile_report(session: Session, request: PatronRequest, progress=None) -> FrozenReport:
    """Compile and freeze the report of a verified request; the download period starts now.
    `progress(done, total)` hears each step (the scheduler's work item shows it)."""
    if request.status != RequestStatus.COMPILING.value:
        raise DomainError("This request is not waiting to be compiled.")
    tell = progress or (lambda done, total: None)
    tell(0, 2)
    document = reports.build_document(
        session,
        request.subject,
        scope_of(request),
        purpose="request",
        reference=request.reference,
        for_minor=request.for_minor,
    )
    tell(1, 2)
    frozen = reports.freeze(session, document, _settings().library_name, request=request)
    now = clock.now()
    request.status, request.compiled_at = RequestStatus.READY.value, now
    request.download_until = now + timedelta(days=_settings().report_download_days)
    mail.tell(session, request.requester, "report_ready")
    return frozen


def compile_queued_report(session: Session, item: WorkItem, progress) -> None:
    """The scheduler's handler for REPORT_WORK items (patrons/area.py)."""
    request = session.get(PatronRequest, item.subject_id)
    if request is None:
        raise DomainError("The request no longer exists.")
    compile_report(session, request, progress)


def report_work(session: Session, request: PatronRequest) -> WorkItem | None:
    """The work item compiling `request`'s report, if there is one."""
    return work.latest_for(session, REPORT_WORK, request.id)


def retry_report(session: Session, staff, request: PatronRequest) -> WorkItem:
    """Queue the compiling of a report again after it failed."""
    item = report_work(session, request)
    if request.status != RequestStatus.COMPILING.value or item is None:
        raise DomainError("This report is not waiting to be compiled.")
    work.retry(session, item)
    audit.record(session, staff, "patron_request.retried", "patron_request", request.id)
    return item


def withdraw(session: Session, actor, request: PatronRequest) -> None:
    """Close a request that will not be answered (the patron withdrew it, or never came with ID)."""
    if request.status != RequestStatus.AWAITING_ID.value:
        raise DomainError("Only a request waiting for ID can be withdrawn.")
    request.status = RequestStatus.WITHDRAWN.value
    audit.record(session, actor, "patron_request.withdrawn", "patron_request", request.id)


# ---- access --------------------------------------------------------------------------------------


def _settled(session: Session, request: PatronRequest | None) -> PatronRequest | None:
    """A report listing a matter gagged since it was compiled is withdrawn before anyone sees
    the request (patrons/gagging.py); the view commits."""
    if request is not None:
        gagging.withdraw_if_gagged(session, request.report)
    return request


def requests_of(session: Session, patron: Patron) -> list[PatronRequest]:
    """The requests `patron` made (for themselves or a minor in their care), newest first."""
    query = select(PatronRequest).where(PatronRequest.requester_id == patron.id)
    return [
        _settled(session, r)
        for r in session.scalars(
            query.order_by(PatronRequest.received_at.desc(), PatronRequest.id.desc())
        )
        if _still_theirs(r, patron)
    ]


def load_request_at_desk(session: Session, request_id: int) -> PatronRequest | None:
    """A request as the desk sees it (the view answers 404 for None)."""
    return _settled(session, session.get(PatronRequest, request_id))


def _still_theirs(request: PatronRequest, patron: Patron) -> bool:
    # A guardian loses a minor's report when the link on the minor's card is removed.
    return request.requester_id == patron.id and (
        not request.for_minor or request.subject.guardian_id == patron.id
    )


def load_request_for_patron(
    session: Session, patron: Patron, request_id: int
) -> PatronRequest | None:
    """The request if `patron` made it (and, for a minor's, is still the guardian), else None:
    the view answers 404, the same as for a request that does not exist."""
    request = session.get(PatronRequest, request_id)
    return (
        _settled(session, request)
        if request is not None and _still_theirs(request, patron)
        else None
    )


def download_open(request: PatronRequest) -> bool:
    """True while the patron may download the report (settings.report_download_days), and
    while it lists no matter gagged since it was compiled (patrons/gagging.py)."""
    return (
        request.status == RequestStatus.READY.value
        and request.report is not None
        and request.download_until is not None
        and clock.now() < request.download_until
        and request.report.content_removed_at is None
        and not gagging.lists_a_gagged_matter(object_session(request) or db.session, request.report)
    )


def download_for_patron(
    session: Session, patron: Patron, request: PatronRequest, fmt: str
) -> tuple[bytes, str] | None:
    """(content, mimetype) of the report for its requester within the download period, else None."""
    if not _still_theirs(request, patron) or not download_open(request):
        return None
    found = reports.file_of(request.report, fmt)
    if found is not None:
        audit.record(
            session,
            patron,
            "patron_report.downloaded",
            "patron_request",
            request.id,
            detail=f"format={fmt}",
        )
    return found


def print_at_desk(session: Session, staff, request: PatronRequest) -> bytes | None:
    """The frozen PDF for staff to print for the patron at the desk, or None when there is none."""
    if (
        request.report is None
        or request.report.pdf is None
        or gagging.lists_a_gagged_matter(session, request.report)
    ):
        return None
    audit.record(session, staff, "patron_report.printed", "patron_request", request.id)
    mail.tell(session, request.requester, "report_printed")
    return request.report.pdf


# ---- choices -----------------------------------------------------------------------------------


def keep_prior_version(session: Session, patron: Patron, why: str) -> None:
    """Before a change the patron asked for, copy their registration record as it stands into
    the preservation store when a hold covers it (docs/rules.md R-hold-preserved-apart): the
    change takes effect either way, so the patron and the desk see the same answer whether or
    not a hold exists. It takes the holds-versus-purge lock first, so a hold being placed now
    cannot slip between the copy and the change."""
    hold_lock(session)
    preservation.preserve_one(session, PATRONS.key, patron.id, why)


def remove_email(session: Session, patron: Patron) -> None:
    """Remove the patron's e-mail address at once (R-patron-choices); a held record's prior
    version goes to the preservation store first."""
    if patron.email is None:
        raise DomainError("There is no e-mail address on your card.")
    keep_prior_version(session, patron, "email_removed")
    patron.email = None
    audit.record(session, patron, "patron.email_removed", "patron", patron.id)


def ask_for_correction(session: Session, patron: Patron, details: str) -> CorrectionRequest:
    """A patron asks staff to correct their details (R-patron-choices): a task on the desk queue."""
    details = (details or "").strip()
    if not details:
        raise DomainError("Say what is wrong and what it should be.", field="details")
    correction = CorrectionRequest(
        patron_id=patron.id, asked_at=clock.now(), details=details[:2000]
    )
    session.add(correction)
    session.flush()
    audit.record(session, patron, "patron_correction.asked", "patron_correction", correction.id)
    return correction


def open_corrections_of(session: Session, patron: Patron) -> list[CorrectionRequest]:
    """The patron's corrections not yet done."""
    return list(
        session.scalars(
            select(CorrectionRequest)
            .where(CorrectionRequest.patron_id == patron.id, CorrectionRequest.done_at.is_(None))
            .order_by(CorrectionRequest.asked_at)
        )
    )


def complete_correction(session: Session, staff, correction: CorrectionRequest, note: str) -> None:
    """Staff mark a correction done, saying what they changed (a held record's prior version
    goes to the preservation store first)."""
    if correction.done_at is not None:
        raise DomainError("This correction is already done.")
    keep_prior_version(session, correction.patron, "corrected")
    correction.done_at, correction.done_by_id, correction.staff_note = (
        clock.now(),
        staff.id,
        (note or "").strip() or None,
    )
    audit.record(session, staff, "patron_correction.done", "patron_correction", correction.id)


# ---- housekeeping ------------------------------------------------------------------------------


def drop_expired_report_content(session: Session) -> int:
    """After the download period, delete the frozen files' content (the hashes and counts stay):
    a copy of every record must not outlive its purpose. Safe to run twice."""
    now = clock.now()
    expired = select(PatronRequest.id).where(PatronRequest.download_until < now)
    result = session.execute(
        update(FrozenReport)
        .where(FrozenReport.request_id.in_(expired), FrozenReport.content_removed_at.is_(None))
        .values(pdf=None, json_data=None, csv_data=None, content_removed_at=now)
    )
    return result.rowcount or 0


def forget_old_sign_in_failures(session: Session, older_than: timedelta = timedelta(days=1)) -> int:
    """Delete sign-in counts nobody has added to for a day (they exist only to slow guessing),
    staff accounts' included."""
    return throttle.forget_old(session, older_than)


# ---- the desk queue ------------------------------------------------------------------------------

DUE_SOON_DAYS = 7


def urgency(request: PatronRequest) -> str | None:
    """'overdue' past its due date, 'due_soon' within DUE_SOON_DAYS, while not yet answered."""
    if request.status != RequestStatus.AWAITING_ID.value:
        return None
    days_left = (request.due_on - clock.today()).days
    if days_left < 0:
        return "overdue"
    return "due_soon" if days_left <= DUE_SOON_DAYS else None


def waiting_requests(session: Session) -> list[PatronRequest]:
    """Requests waiting for ID, the soonest due first."""
    return list(
        session.scalars(
            select(PatronRequest)
            .where(PatronRequest.status == RequestStatus.AWAITING_ID.value)
            .order_by(PatronRequest.due_on, PatronRequest.id)
        )
    )


def recently_answered(session: Session, days: int = 30) -> list[PatronRequest]:
    """Requests answered in the last `days` days, newest first."""
    since = clock.now() - timedelta(days=days)
    return list(
        session.scalars(
            select(PatronRequest)
            .where(
                PatronRequest.status == RequestStatus.READY.value,
                PatronRequest.compiled_at >= since,
            )
            .order_by(PatronRequest.compiled_at.desc())
        )
    )


def open_corrections(session: Session) -> list[CorrectionRequest]:
    """Every correction not yet done, oldest first."""
    return list(
        session.scalars(
            select(CorrectionRequest)
            .where(CorrectionRequest.done_at.is_(None))
            .order_by(CorrectionRequest.asked_at, CorrectionRequest.id)
        )
    )
