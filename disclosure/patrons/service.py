"""Patrons' own records (docs/rules.md): portal sign-in, asking, verification by
staff, compiling and delivering the report, the patron's choices (e-mail, corrections)."""

from __future__ import annotations

from datetime import date, timedelta

from flask import current_app
from flask_babel import gettext
from sqlalchemy import Select, or_, select, update
from sqlalchemy.orm import Session, object_session

from disclosure import clock, dates, i18n, vault, work
from disclosure.audit import service as audit
from disclosure.auth import throttle
from disclosure.auth.passwords import verify_secret
from disclosure.auth.service import roles_of
from disclosure.db import begin_writing, db
from disclosure.errors import DomainError
from disclosure.holds import preservation
from disclosure.i18n import N_
from disclosure.patrons import gagging, mail, scans, sip2
from disclosure.patrons import report as reports
from disclosure.patrons.gather import KINDS, Scope
from disclosure.patrons.models import (
    GUARDIANSHIP_PROOFS,
    ID_KINDS,
    ConsentRelease,
    CorrectionRequest,
    FrozenReport,
    PatronRequest,
    RequestStatus,
)
from disclosure.records.kinds import PATRONS
from disclosure.records.models import Patron
from disclosure.work import WorkItem

NO_MATCH = N_("That card number and PIN do not match. Check both and try again.")
TOO_MANY_CARDS = N_(
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
        raise DomainError(gettext(TOO_MANY_CARDS), field="card_number")
    patron = session.scalar(select(Patron).where(Patron.card_number == card)) if card else None
    if _pin_matches(patron, card, pin) and patron is not None:
        throttle.succeed(session, throttle.PATRON_CARD, card_key)
        audit.record(session, patron, "patron.signed_in", "patron", patron.id)
        return patron
    until = throttle.fail(session, throttle.PATRON_CARD, card_key)
    if until is not None:
        raise DomainError(_locked_message(until), field="pin")
    raise DomainError(gettext(NO_MATCH), field="pin")


SIP2_DOWN = N_(
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
        raise DomainError(gettext(SIP2_DOWN), field="pin") from err


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
    return gettext(
        "Too many attempts with this card number. For your safety, try again after %(when)s, or "
        "ask at the desk.",
        when=when,
    )


# ---- asking ------------------------------------------------------------------------------------


def minors_of(session: Session, guardian: Patron) -> list[Patron]:
    """The minors whose guardian on file is `guardian`."""
    minors = session.scalars(select(Patron).where(Patron.guardian_id == guardian.id))
    # names are sealed at rest (docs/rules.md R-encrypted-at-rest): sorted here, not in SQL
    return sorted(minors, key=lambda minor: minor.name)


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
    _check_none_waiting(session, subject, requester)
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


def _check_none_waiting(session: Session, subject: Patron, requester: Patron) -> None:
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


DESK_PROOFS = ("scan", "pin")
REQUEST_SCAN_MISSING = "Attach the scan of the patron's signed request."


def log_desk_request(
    session: Session,
    staff,
    *,
    card_number: str,
    for_minor: bool = False,
    kinds=None,
    covers_from: date | None = None,
    covers_to: date | None = None,
    proof: str | None = None,
    scan: bytes = b"",
    pin: str = "",
) -> PatronRequest:
    """Staff log a written request made at the desk: by the patron, or by a minor's guardian on
    file. It is proved by the signed request, scanned, or by the PIN of the person asking, typed
    by them on the desk's screen (docs/rules.md R-desk-request-proved)."""
    patron = session.scalar(select(Patron).where(Patron.card_number == normalise_card(card_number)))
    if patron is None:
        raise DomainError(
            "No patron has that card number. Check it against the card.", field="card_number"
        )
    if for_minor and patron.guardian is None:
        raise DomainError(
            "This card has no guardian on file. Link the guardian to the minor's card first.",
            field="card_number",
        )
    requester = patron.guardian if for_minor else patron
    # Everything else is checked before the proof: a wrong PIN is committed (it counts toward
    # the card's lock), and nothing else may be committed with it.
    _scope(kinds, covers_from, covers_to)
    _check_none_waiting(session, patron, requester)
    kept = _prove_desk_request(session, requester, proof, scan, pin)
    request = ask_for_records(
        session,
        requester,
        subject_id=patron.id if for_minor else None,
        kinds=kinds,
        covers_from=covers_from,
        covers_to=covers_to,
        channel="desk",
        logged_by=staff,
    )
    request.desk_proof = proof
    if kept is not None:
        request.signed_scan_name, request.signed_scan_type = kept.name, kept.mimetype
        request.signed_scan_sha256 = kept.sha256
    return request


def signed_request_scan(request: PatronRequest) -> tuple[bytes, str] | None:
    """(content, mimetype) of the scanned signed request of a desk-logged request, or None."""
    if request.signed_scan_name is None:
        return None
    path = scans.folder("requests") / request.signed_scan_name
    return (vault.read_file(path), request.signed_scan_type) if path.is_file() else None


def _prove_desk_request(session: Session, requester: Patron, proof, scan: bytes, pin: str):
    """The kept scan of the signed request, or None once the requester's PIN matched. A wrong
    PIN counts toward the card's lock like one in the portal (the caller commits it)."""
    if proof not in DESK_PROOFS:
        raise DomainError(
            "Scan the patron's signed request, or turn the screen to the patron to type their PIN.",
            field="proof",
        )
    if proof == "scan":
        return scans.keep_scan(session, "requests", scan, REQUEST_SCAN_MISSING)
    card_key = throttle.keyed(requester.card_number)
    until = throttle.locked_until(session, throttle.PATRON_CARD, card_key)
    if until is not None:
        raise DomainError(_locked_message(until), field="pin")
    if not _pin_matches(requester, requester.card_number, pin):
        until = throttle.fail(session, throttle.PATRON_CARD, card_key)
        raise DomainError(
            _locked_message(until)
            if until
            else "That PIN does not match this card. The patron "
            "can try again, or the desk can scan their signed request instead.",
            field="pin",
        )
    throttle.succeed(session, throttle.PATRON_CARD, card_key)
    return None


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
    `progress(done, total)` hears each step (the scheduler's work item shows it). What was read
    is committed before the report is kept (db.begin_writing)."""
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
    # the patron's own report is in their language
    files = reports.render(document, _settings().library_name, request.requester.language)
    begin_writing(session)
    session.refresh(request)
    if request.status != RequestStatus.COMPILING.value:  # withdrawn while it was compiled
        raise DomainError("This request was closed while its report was being compiled.")
    frozen = reports.store(session, document, files, request=request)
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


def withdraw(session: Session, actor, request: PatronRequest, reason: str) -> None:
    """Close a request that will not be answered (the patron withdrew it, or never came with
    ID), saying why: the request's page shows the reason and when."""
    if request.status != RequestStatus.AWAITING_ID.value:
        raise DomainError("Only a request waiting for ID can be withdrawn.")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Say why the request is withdrawn.", field="reason")
    request.status = RequestStatus.WITHDRAWN.value
    request.withdrawn_at, request.withdrawn_reason = clock.now(), reason
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


# docs/rules.md R-desk-print: the desk prints a report only for the patron standing there, in
# the minutes after their ID was checked; later, the patron downloads it, or the Director prints.
DESK_PRINT_MINUTES = 30


def desk_print_closes_at(request: PatronRequest):
    """When the staff member who checked ID may no longer print the report (None: not checked)."""
    if request.verified_at is None:
        return None
    return request.verified_at + timedelta(minutes=DESK_PRINT_MINUTES)


def may_print_at_desk(session: Session, staff, request: PatronRequest) -> bool:
    """True for a holder of the Director's powers; for the staff member who checked ID, within
    DESK_PRINT_MINUTES of the check; for nobody else."""
    if "director" in roles_of(session, staff):
        return True
    closes = desk_print_closes_at(request)
    return request.verified_by_id == staff.id and closes is not None and clock.now() <= closes


def print_at_desk(session: Session, staff, request: PatronRequest) -> bytes | None:
    """The frozen PDF for staff to print for the patron at the desk, or None when there is none
    or `staff` may not print it now (may_print_at_desk). Each print is an audit event the patron
    sees on their request."""
    if (
        request.report is None
        or reports.file_of(request.report, "pdf") is None
        or not may_print_at_desk(session, staff, request)
        or gagging.lists_a_gagged_matter(session, request.report)
    ):
        return None
    audit.record(session, staff, DESK_PRINTED, "patron_request", request.id)
    mail.tell(session, request.requester, "report_printed")
    return request.report.pdf


DESK_PRINTED = "patron_report.printed"


def desk_prints(session: Session, request: PatronRequest) -> list:
    """When the report of `request` was printed at the desk, oldest first."""
    return [
        e.at
        for e in audit.events_for(session, "patron_request", request.id)
        if e.action == DESK_PRINTED
    ]


# ---- choices -----------------------------------------------------------------------------------


def keep_prior_version(session: Session, patron: Patron, why: str) -> None:
    """Before a change the patron asked for, copy their registration record as it stands into
    the preservation store when a hold covers it (docs/rules.md R-hold-preserved-apart): the
    change takes effect either way, so the patron and the desk see the same answer whether or
    not a hold exists (preserve_one takes the holds-versus-purge lock)."""
    preservation.preserve_one(session, PATRONS.key, patron.id, why)


def remove_email(session: Session, patron: Patron) -> None:
    """Remove the patron's e-mail address at once (R-patron-choices); a held record's prior
    version goes to the preservation store first."""
    if patron.email is None:
        raise DomainError("There is no e-mail address on your card.")
    keep_prior_version(session, patron, "email_removed")
    patron.email = None
    audit.record(session, patron, "patron.email_removed", "patron", patron.id)


def choose_language(session: Session, patron: Patron | None, code: str) -> str:
    """The portal's language a patron (or a visitor, before signing in) chose; kept on the
    patron's card, so that their report and e-mails follow it."""
    if not i18n.known(code):
        raise DomainError(gettext("Choose one of the languages offered."), field="language")
    if patron is not None:
        patron.language = code
    return code


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
    # A consent release's files, likewise, once report_download_days have passed since the
    # release (docs/rules.md R-consent-files).
    released_long_ago = select(ConsentRelease.id).where(
        ConsentRelease.released_at < now - timedelta(days=_settings().report_download_days)
    )
    result = session.execute(
        update(FrozenReport)
        .where(
            or_(
                FrozenReport.request_id.in_(expired),
                FrozenReport.consent_id.in_(released_long_ago),
            ),
            FrozenReport.content_removed_at.is_(None),
        )
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


def waiting_requests_query() -> Select:
    """SELECT of the requests waiting for ID, the soonest due first."""
    return (
        select(PatronRequest)
        .where(PatronRequest.status == RequestStatus.AWAITING_ID.value)
        .order_by(PatronRequest.due_on, PatronRequest.id)
    )


def waiting_requests(session: Session) -> list[PatronRequest]:
    """Requests waiting for ID, the soonest due first."""
    return list(session.scalars(waiting_requests_query()))


def recently_answered(days: int = 30) -> Select:
    """SELECT of the requests answered in the last `days` days, newest first."""
    since = clock.now() - timedelta(days=days)
    return (
        select(PatronRequest)
        .where(
            PatronRequest.status == RequestStatus.READY.value,
            PatronRequest.compiled_at >= since,
        )
        .order_by(PatronRequest.compiled_at.desc(), PatronRequest.id.desc())
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
