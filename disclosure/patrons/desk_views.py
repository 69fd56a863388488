"""The desk's side of patrons' own records: the queue (due soon, overdue), written requests
logged at the desk, ID verification, printing a report, corrections, consent releases. Routes on
the patrons blueprint (patrons/view_helpers.py)."""

from __future__ import annotations

from flask import jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from disclosure import work
from disclosure.audit import service as audit
from disclosure.auth import idle
from disclosure.auth.access import allow
from disclosure.db import db
from disclosure.patrons import consent as consents
from disclosure.patrons import pins, service
from disclosure.patrons.forms import (
    ConsentForm,
    CorrectionDoneForm,
    DeskPinForm,
    DeskRequestForm,
    VerifyForm,
    WithdrawForm,
)
from disclosure.patrons.models import ConsentRelease, CorrectionRequest, PatronRequest
from disclosure.patrons.view_helpers import bp, send_file_content
from disclosure.web import paging
from disclosure.web.forms import ConfirmForm
from disclosure.web.lifecycle import confirm, found, keep, shown, submit

DESK = ("staff", "supervisor", "director")


def _panel_context(session, _user) -> dict:
    waiting = service.waiting_requests(session)
    return {
        "patron_desk": {
            "waiting": len(waiting),
            "overdue": sum(1 for r in waiting if service.urgency(r) == "overdue"),
            "due_soon": sum(1 for r in waiting if service.urgency(r) == "due_soon"),
            "corrections": len(service.open_corrections(session)),
        }
    }


@bp.route("/desk/patron-requests")
@allow(*DESK)
def desk_queue():
    """Patrons' requests waiting for ID (due soon and overdue marked), answered ones,
    corrections."""
    return render_template(
        "patrons/desk_queue.html",
        waiting=paging.paginate(db.session, service.waiting_requests_query(), arg="waiting_page"),
        urgency=service.urgency,
        answered=paging.paginate(db.session, service.recently_answered(), arg="answered_page"),
        corrections=service.open_corrections(db.session),
        consents=paging.paginate(db.session, consents.every_consent(), arg="consents_page"),
        done_form=CorrectionDoneForm(),
    )


@bp.route("/desk/patron-requests/new", methods=["GET", "POST"])
@allow(*DESK)
def desk_new():
    """Log a written request a patron (or a minor's guardian) made at the desk."""
    form = DeskRequestForm()
    return submit(
        form,
        lambda: service.log_desk_request(
            db.session,
            current_user,
            card_number=form.card_number.data,
            for_minor=form.for_minor.data,
            kinds=form.kinds.data,
            covers_from=form.covers_from.data,
            covers_to=form.covers_to.data,
            proof=form.proof.data,
            scan=form.scan.data.read() if form.scan.data else b"",
            pin=form.pin.data or "",
        ),
        # a wrong PIN counts toward the card's lock (patrons/service.py _prove_desk_request)
        keep_refused=True,
        done=lambda logged: (
            f"Request {logged.reference} logged. Check photo ID now to compile the report."
        ),
        to=lambda logged: url_for("patrons.desk_request", request_id=logged.id),
        page=lambda: render_template("patrons/desk_new.html", form=form),
    )


@bp.route("/desk/patron-requests/<patron_request:request_id>", methods=["GET", "POST"])
@allow(*DESK)
def desk_request(request_id: int):
    """One request; while it waits, the ID check that compiles the report."""
    # a report withdrawn on the way (patrons/gagging.py) is kept
    asked = keep(found(service.load_request_at_desk(db.session, request_id)))
    if request.method == "GET":
        keep(
            audit.viewed(
                db.session,
                current_user,
                "patron_request.viewed_at_desk",
                "patron_request",
                asked.id,
            )
        )
    form = VerifyForm()
    return submit(
        form,
        lambda: service.verify_and_compile(
            db.session,
            current_user,
            asked,
            id_kind=form.id_kind.data,
            guardianship_proof=form.guardianship_proof.data,
        ),
        done=f"ID checked. The report for {asked.reference} is being compiled: this page says when "
        "it is ready to print, and the patron can then download it.",
        to=url_for("patrons.desk_request", request_id=asked.id),
        page=lambda: _request_page(asked, form),
    )


def _request_page(asked: PatronRequest, form: VerifyForm, withdraw_form=None):
    return render_template(
        "patrons/desk_request.html",
        req=asked,
        work=service.report_work(db.session, asked),
        work_words=work.words,
        form=form,
        urgency=service.urgency(asked),
        scope=service.scope_of(asked).describe(),
        confirm=ConfirmForm(),
        withdraw_form=withdraw_form or WithdrawForm(),
        may_print=service.may_print_at_desk(db.session, current_user, asked),
        print_closes=service.desk_print_closes_at(asked),
        print_minutes=service.DESK_PRINT_MINUTES,
        printed=service.desk_prints(db.session, asked),
    )


@bp.route("/desk/patron-requests/<patron_request:request_id>/progress")
@allow(*DESK)
@idle.passive
def desk_progress(request_id: int):
    """Where the compiling of a request's report stands (the request's page polls it)."""
    asked = keep(found(service.load_request_at_desk(db.session, request_id)))
    item = service.report_work(db.session, asked)
    return jsonify(work.as_json(item, asked.status == "ready"))


@bp.route("/desk/patron-requests/<patron_request:request_id>/retry", methods=["POST"])
@allow(*DESK)
def desk_retry(request_id: int):
    """Queue again the compiling of a report that failed."""
    asked = found(db.session.get(PatronRequest, request_id))
    return confirm(
        lambda: service.retry_report(db.session, current_user, asked),
        done=f"The report for {asked.reference} is queued again.",
        to=url_for("patrons.desk_request", request_id=request_id),
    )


@bp.route("/desk/patron-requests/<patron_request:request_id>/withdraw", methods=["POST"])
@allow(*DESK)
def desk_withdraw(request_id: int):
    """Close a request that will not be answered, saying why (a refusal keeps what was typed)."""
    asked = found(db.session.get(PatronRequest, request_id))
    form = WithdrawForm()
    return submit(
        form,
        lambda: service.withdraw(db.session, current_user, asked, form.reason.data),
        done=f"Request {asked.reference} withdrawn.",
        to=url_for("patrons.desk_request", request_id=request_id),
        page=lambda: _request_page(asked, VerifyForm(formdata=None), form),
    )


@bp.route("/desk/patron-requests/<patron_request:request_id>/report.pdf")
@allow(*DESK)
def desk_print(request_id: int):
    """The frozen PDF, to print for the patron at the desk."""
    # a report withdrawn on the way (patrons/gagging.py) is kept, even when there is none to print
    asked = keep(found(service.load_request_at_desk(db.session, request_id)))
    pdf = keep(found(service.print_at_desk(db.session, current_user, asked)))
    return send_file_content(
        pdf, "application/pdf", f"library-records-{asked.reference}.pdf", inline=True
    )


@bp.route("/desk/patron-requests/<patron_request:request_id>/signed-request")
@allow(*DESK)
def desk_signed_request(request_id: int):
    """The scan of the signed request that proved a request logged at the desk."""
    asked = keep(found(service.load_request_at_desk(db.session, request_id)))
    scan = found(service.signed_request_scan(asked))
    extension = asked.signed_scan_name.rsplit(".", 1)[-1]
    return send_file_content(
        *scan, filename=f"signed-request-{asked.reference}.{extension}", inline=True
    )


@bp.route("/desk/patron-pin", methods=["GET", "POST"])
@allow(*DESK)
def desk_pin():
    """Start setting a patron's PIN: the patron types it on this screen, or gets a link by
    e-mail. Staff never see it (patrons/pins.py)."""
    form = DeskPinForm()
    return submit(
        form,
        lambda: _start_pin(form),
        done=lambda token: (
            "Turn the screen to the patron: they type their PIN twice."
            if token
            else "A link to set the PIN was e-mailed to the address on the card. It works once, "
            "for 24 hours."
        ),
        to=lambda token: (
            url_for("patrons.set_pin", token=token) if token else url_for("patrons.desk_queue")
        ),
        page=lambda: render_template("patrons/desk_pin.html", form=form),
    )


def _start_pin(form: DeskPinForm) -> str | None:
    if form.how.data == "email":
        return pins.send_link(db.session, current_user, card_number=form.card_number.data)
    return pins.start_at_desk(
        db.session, current_user, card_number=form.card_number.data, id_kind=form.id_kind.data
    )


@bp.route("/desk/corrections/<int:correction_id>/done", methods=["POST"])
@allow(*DESK)
def desk_correction_done(correction_id: int):
    """Mark a patron's correction done."""
    item = found(db.session.get(CorrectionRequest, correction_id))
    form = CorrectionDoneForm()
    return confirm(
        lambda: service.complete_correction(db.session, current_user, item, form.staff_note.data),
        form=form,
        done="Correction marked done.",
        to=url_for("patrons.desk_queue"),
    )


@bp.route("/desk/consents/new", methods=["GET", "POST"])
@allow(*DESK)
def consent_new():
    """Record a signed consent brought by a third party, with its scan."""
    form = ConsentForm()
    return submit(
        form,
        lambda: consents.record_consent(
            db.session,
            current_user,
            card_number=form.card_number.data,
            recipient=form.recipient.data,
            kinds=form.kinds.data,
            covers_from=form.covers_from.data,
            covers_to=form.covers_to.data,
            signed_on=form.signed_on.data,
            valid_from=form.valid_from.data,
            valid_until=form.valid_until.data,
            signed_by_guardian=form.signed_by_guardian.data,
            recipient_is_not_government=form.not_government.data,
            scan=form.scan.data.read() if form.scan.data else b"",
        ),
        done=lambda recorded: (
            f"Consent {recorded.reference} recorded. Check what it covers, then release."
        ),
        to=lambda recorded: url_for("patrons.consent_detail", consent_id=recorded.id),
        page=lambda: render_template("patrons/consent_new.html", form=form),
    )


@bp.route("/desk/consents/<consent:consent_id>")
@allow(*DESK)
def consent_detail(consent_id: int):
    """A recorded consent: what it covers; release it, or download what was released."""
    consent = found(db.session.get(ConsentRelease, consent_id))
    keep(audit.viewed(db.session, current_user, "consent.viewed", "consent_release", consent.id))
    return render_template(
        "patrons/consent_detail.html",
        consent=consent,
        work=consents.release_work(db.session, consent),
        work_words=work.words,
        covers=consents.describe(consent),
        confirm=ConfirmForm(),
        files_open=consents.may_reach_released(db.session, current_user, consent),
        files_until=consents.download_until(consent),
    )


@bp.route("/desk/consents/<consent:consent_id>/release", methods=["GET", "POST"])
@allow(*DESK)
def consent_release(consent_id: int):
    """Release exactly what the consent covers, as a frozen copy, once the counts per kind of
    what goes have been shown and confirmed."""
    consent = found(db.session.get(ConsentRelease, consent_id))
    if request.method == "GET":
        form = ConfirmForm()
        going = shown(form, lambda: consents.would_release(db.session, consent))
        if going is None:  # released already, or not valid today: the consent's page says so
            return redirect(url_for("patrons.consent_detail", consent_id=consent_id))
        return render_template(
            "patrons/consent_release.html",
            consent=consent,
            going=going,
            covers=consents.describe(consent),
            confirm=form,
        )
    return confirm(
        lambda: consents.release(db.session, current_user, consent),
        done="The release is being compiled: this page says when the PDF is ready to print and "
        "hand over.",
        to=url_for("patrons.consent_detail", consent_id=consent_id),
    )


@bp.route("/desk/consents/<consent:consent_id>/progress")
@allow(*DESK)
@idle.passive
def consent_progress(consent_id: int):
    """Where the compiling of a consent release stands (the consent's page polls it)."""
    consent = found(db.session.get(ConsentRelease, consent_id))
    item = consents.release_work(db.session, consent)
    return jsonify(work.as_json(item, consent.released_at is not None))


@bp.route("/desk/consents/<consent:consent_id>/scan")
@allow(*DESK)
def consent_scan(consent_id: int):
    """The scan of the signed consent."""
    consent = found(db.session.get(ConsentRelease, consent_id))
    scan = found(consents.scan_of(consent))
    keep(
        audit.viewed(db.session, current_user, "consent.scan_viewed", "consent_release", consent.id)
    )
    extension = consent.scan_name.rsplit(".", 1)[-1]
    return send_file_content(
        *scan, filename=f"consent-{consent.reference}.{extension}", inline=True
    )


@bp.route("/desk/consents/<consent:consent_id>/released.<fmt>")
@allow(*DESK)
def consent_file(consent_id: int, fmt: str):
    """What was released, frozen, as PDF, JSON or CSV: for the Director and the staff member who
    released it, during the download period (consent.may_reach_released)."""
    consent = found(db.session.get(ConsentRelease, consent_id))
    released = keep(found(consents.released_file(db.session, current_user, consent, fmt)))
    return send_file_content(
        *released, filename=f"released-{consent.reference}.{fmt}", inline=fmt == "pdf"
    )
