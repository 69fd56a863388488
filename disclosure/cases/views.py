"""Cases: the desk's intake and receipt, the Director's queue and case page, counsel's reviews.

Every case is loaded through cases.visibility.load_case; what a person may not see answers 404,
exactly like a missing case. Every view of a case page and every change writes an audit event."""

from __future__ import annotations

import io

from flask import abort, render_template, request, send_file, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.utils import secure_filename

from disclosure.audit import service as audit
from disclosure.auth.access import allow
from disclosure.auth.models import User
from disclosure.cases import (
    deadlines,
    find_views,
    gag_views,
    production_views,
    queries,
    service,
    uploads,
)
from disclosure.cases import intake as desk
from disclosure.cases.forms import (
    AdviceForm,
    AssignCounselForm,
    CloseForm,
    DecisionForm,
    DocumentForm,
    IntakeForm,
    KindForm,
    ReopenForm,
    WaiverForm,
    to_utc,
    utc_of,
)
from disclosure.cases.guidance import directors_to_call, guidance_for
from disclosure.cases.models import CHECKLIST, CaseDocument
from disclosure.cases.view_helpers import (
    bp,
    case_form,
    case_or_404,
    case_page_loads,
    detail_page,
    open_queue_of_page,
    with_counsel_choices,
    with_waiver_counsel,
)
from disclosure.db import db
from disclosure.errors import DomainError
from disclosure.web import paging
from disclosure.web.forms import lines, options
from disclosure.web.lifecycle import found, keep, submit

# The case page's other routes, put on this blueprint (cases/view_helpers.py) by their modules.
ROUTES_ELSEWHERE = (find_views, gag_views, production_views)
QUEUE_PER_PAGE = 25  # open cases a page of the Director's queue shows, most urgent first


# ---- the desk ------------------------------------------------------------------------------


@bp.route("/cases/new", methods=["GET", "POST"])
@allow("staff", "supervisor", "director")
def intake():
    """Step 1: what did the officer present? Step 2: what to do now, then the form."""
    guide = guidance_for(request.args.get("kind", ""))
    if guide is None:
        # "Continue" sends `chosen` even with no kind ticked: the page then says to choose one
        sent = "kind" in request.args or "chosen" in request.args
        kind_form = KindForm(request.args if sent else None)
        if sent:
            kind_form.validate()
        return render_template("cases/intake_kind.html", form=kind_form)
    contacts = directors_to_call(db.session)
    if not guide.is_case:
        return render_template("cases/intake.html", guide=guide, contacts=contacts, form=None)
    form = _intake_form()
    form.executed_at.flags.required = guide.kind == "search_warrant"
    return submit(
        form,
        lambda: desk.log_request(db.session, current_user, _intake_from(form, guide.kind)),
        lock=desk.take_write_lock,
        check=lambda: desk.problems(_intake_from(form, guide.kind, with_scans=False)),
        done="Sent to the Director. Give the officer the reference below.",
        to=lambda case: url_for("cases.receipt", case_id=case.id),
        page=lambda: render_template(
            "cases/intake.html",
            guide=guide,
            contacts=contacts,
            form=form,
            out_of_service=desk.workstations_out_of_service(db.session),
        ),
    )


def _intake_form() -> IntakeForm:
    form = IntakeForm()
    form.seized_workstations.choices = options(
        (w.id, f"{w.code} ({w.branch.name})") for w in desk.workstations_in_service(db.session)
    )
    return form


def _intake_from(form: IntakeForm, kind: str, with_scans: bool = True) -> desk.Intake:
    warrant = None
    if kind == "search_warrant":
        warrant = desk.WarrantFacts(
            executed_at=utc_of(form.executed_at),
            areas_searched=form.areas_searched.data or "",
            equipment_searched=form.equipment_searched.data or "",
            items_seized=form.items_seized.data or "",
            seized_workstation_ids=list(form.seized_workstations.data or []),
        )
    scans = [
        uploads.Scan(f.filename or "scan", f.read())
        for f in request.files.getlist(form.scans.name)
        if f and f.filename and with_scans
    ]
    return desk.Intake(
        kind=kind,
        officer_name=form.officer_name.data or "",
        officer_agency=form.officer_agency.data or "",
        records_sought=form.records_sought.data or "",
        received_at=utc_of(form.received_at),
        officer_badge=form.officer_badge.data,
        officer_jurisdiction=form.officer_jurisdiction.data,
        officer_contact=form.officer_contact.data,
        patron_cards=lines(form.patron_cards.data),
        workstation_codes=lines(form.workstation_codes.data),
        window_starts_at=utc_of(form.window_starts_at),
        window_ends_at=utc_of(form.window_ends_at),
        court=form.court.data,
        docket_number=form.docket_number.data,
        issued_on=form.issued_on.data,
        return_date=form.return_date.data,
        scans=scans,
        warrant=warrant,
    )


@bp.route("/cases/receipts/<case:case_id>")
@allow("staff", "supervisor", "director")
def receipt(case_id: int):
    """The printable receipt of a request the signed-in person logged (not the case itself)."""
    found_receipt = found(desk.receipt_for(db.session, current_user, case_id))
    keep(
        audit.viewed(
            db.session, current_user, "case.receipt_viewed", "case", case_id, case_id=case_id
        )
    )
    return render_template(
        "cases/receipt.html", receipt=found_receipt, guide=guidance_for(found_receipt.kind)
    )


# ---- the Director's queue and the case page -------------------------------------------------


@bp.route("/cases")
@allow("director")
def queue():
    """Open cases, most urgent first, with their deadlines; then the recently closed."""
    return render_template(
        "cases/queue.html",
        cases=paging.of_list(queries.open_queue(db.session, current_user), per_page=QUEUE_PER_PAGE),
        closed=queries.recently_closed(db.session, current_user),
        q=queries,
        dl=deadlines,
        status_labels=service.STATUS_LABELS,
        decision_labels=service.DECISION_LABELS,
    )


@bp.route("/cases/reviews")
@allow("counsel")
def counsel_queue():
    """The cases assigned to this counsel for review."""
    return render_template(
        "cases/counsel_queue.html",
        cases=queries.counsel_reviews(db.session, current_user),
        q=queries,
        dl=deadlines,
    )


@bp.route("/cases/<case:case_id>")
@allow(
    "staff-any"
)  # who may see it is the visibility rule's call: counsel, the Director, a gagged case's circle
def detail(case_id: int):
    """Everything about a case, and (for the Director) its timeline of every event."""
    case = case_or_404(case_id, *case_page_loads())
    keep(service.record_view(db.session, current_user, case))
    return detail_page(case)


@bp.route("/cases/<case:case_id>/counsel", methods=["POST"])
@allow("director")
def assign_counsel(case_id: int):
    """The Director asks counsel to review the case."""
    form = with_counsel_choices(AssignCounselForm())

    def act(case):
        counsel = db.session.get(User, form.counsel_id.data) if form.counsel_id.data else None
        service.assign_counsel(db.session, current_user, case, counsel, form.due_on.data)

    return case_form(
        case_id, "assign_form", form, act, "Counsel is asked to review the case.", "#counsel"
    )


@bp.route("/cases/<case:case_id>/decision", methods=["POST"])
@allow("director")
def decide(case_id: int):
    """The Director records the decision (only after counsel's advice)."""
    form = DecisionForm()
    return case_form(
        case_id,
        "decision_form",
        form,
        lambda case: service.decide(
            db.session, current_user, case, form.decision.data, form.reason.data
        ),
        "Decision recorded.",
        "#decision",
    )


@bp.route("/cases/<case:case_id>/exigent-waiver", methods=["POST"])
@allow("director")
def waive(case_id: int):
    """The Director records an exigent waiver, with counsel's advice."""
    form = with_waiver_counsel(WaiverForm())
    counsel_name = service.advising_counsel(
        db.session, form.counsel.data, form.outside_counsel.data
    )
    return case_form(
        case_id,
        "waiver_form",
        form,
        lambda case: service.record_exigent_waiver(
            db.session,
            current_user,
            case,
            counsel_name=counsel_name,
            advised_at=to_utc(form.advised_at.data),
            advice=form.advice.data,
            by_phone=form.by_phone.data,
            emergency=form.emergency.data,
            released=form.released.data,
        ),
        "Exigent waiver recorded. The officer's paper is now due.",
        "#decision",
        check=lambda: service.waiver_problems(
            counsel_name=counsel_name,
            advised_at=utc_of(form.advised_at),
            advice=form.advice.data,
            emergency=form.emergency.data,
            released=form.released.data,
        ),
    )


@bp.route("/cases/<case:case_id>/documents", methods=["POST"])
@allow("director")
def attach(case_id: int):
    """Attach a scan to the case."""
    form = DocumentForm()
    return case_form(
        case_id,
        "document_form",
        form,
        lambda case: service.attach_document(
            db.session, current_user, case, _one_scan(form), form.kind.data
        ),
        "Document attached.",
        "#documents",
    )


def _one_scan(form: DocumentForm) -> uploads.Scan:
    files = [f for f in request.files.getlist(form.scan.name) if f and f.filename]
    if len(files) != 1:
        raise DomainError("Choose one file to attach.", field="scan")
    return uploads.Scan(files[0].filename, files[0].read())


@bp.route("/cases/<case:case_id>/close", methods=["POST"])
@allow("director")
def close(case_id: int):
    """Close the case with its outcome."""
    form = CloseForm()
    return case_form(
        case_id,
        "close_form",
        form,
        lambda case: service.close(db.session, current_user, case, form.outcome.data),
        "Case closed.",
    )


@bp.route("/cases/<case:case_id>/reopen", methods=["POST"])
@allow("director")
def reopen(case_id: int):
    """Reopen a closed case."""
    form = ReopenForm()
    return case_form(
        case_id,
        "reopen_form",
        form,
        lambda case: service.reopen(db.session, current_user, case, form.reason.data),
        "Case reopened.",
    )


@bp.route("/cases/<case:case_id>/documents/<scan:document_id>")
@allow("staff-any")  # the visibility rule decides (counsel, Director, a gagged case's circle)
def document(case_id: int, document_id: int):
    """A scan of the case, served only to those who may see the case."""
    case = case_or_404(case_id)
    scan = db.session.scalar(
        select(CaseDocument).where(CaseDocument.id == document_id, CaseDocument.case_id == case.id)
    )
    content = uploads.content_of(scan) if scan is not None else None
    if content is None:
        abort(404)
    keep(
        audit.record(
            db.session,
            current_user,
            "case.document_viewed",
            "case_document",
            scan.id,
            case_id=case.id,
        )
    )
    name = secure_filename(scan.original_name) or f"document-{scan.id}"
    response = send_file(
        io.BytesIO(content), mimetype=scan.content_type, download_name=name, max_age=0
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


# ---- counsel -------------------------------------------------------------------------------


@bp.route("/cases/<case:case_id>/advice", methods=["GET", "POST"])
@allow("counsel")
def advise(case_id: int):
    """Counsel records advice, a recommendation and the legal-process checklist."""
    case = case_or_404(case_id)
    form = AdviceForm(obj=case.latest_advice)
    if request.method == "GET":
        keep(service.record_view(db.session, current_user, case))
    return submit(
        form,
        lambda: service.record_advice(
            db.session,
            current_user,
            case,
            advice=form.advice.data,
            recommendation=form.recommendation.data,
            checklist={name: form[name].data for name, _label in CHECKLIST},
        ),
        done="Your advice is recorded and the Director is told.",
        to=url_for("cases.counsel_queue"),
        page=lambda: render_template(
            "cases/advice.html", case=case, form=form, checklist=CHECKLIST
        ),
    )


# ---- home-page panels ----------------------------------------------------------------------


def _director_panel(_session, user):
    cases = open_queue_of_page(user)
    return {
        "cases_queue": cases[:6],
        "cases_open": len(cases),
        "cases_dl": deadlines,
        "cases_urgent": sum(c.is_urgent for c in cases),
        "cases_overdue": sum(deadlines.is_overdue(c) for c in cases),
    }


def _desk_panel(session, user):
    return {"cases_receipts": desk.recent_receipts(session, user, limit=5)}


def _counsel_panel(session, user):
    return {"cases_reviews": queries.counsel_reviews(session, user), "cases_dl": deadlines}
