"""Cases: the desk's intake and receipt, the Director's queue and case page, counsel's reviews.

Every case is loaded through cases.visibility.load_case; what a person may not see answers 404,
exactly like a missing case. Every view of a case page and every change writes an audit event."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.utils import secure_filename

from disclosure.audit import service as audit
from disclosure.auth import service as auth
from disclosure.auth.access import allow
from disclosure.auth.models import User
from disclosure.cases import intake as desk
from disclosure.cases import queries, service, uploads
from disclosure.cases.forms import (
    DOCUMENT_KIND_LABELS,
    AdviceForm,
    AssignCounselForm,
    CloseForm,
    DecisionForm,
    DocumentForm,
    IntakeForm,
    KindForm,
    ReopenForm,
    WaiverForm,
    lines,
    to_utc,
)
from disclosure.cases.guidance import directors_to_call, guidance_for, kind_label
from disclosure.cases.models import CHECKLIST, CaseDocument
from disclosure.cases.visibility import load_case
from disclosure.db import db
from disclosure.errors import DomainError
from disclosure.records.models import Workstation
from disclosure.web.filters import local_datetime
from disclosure.web.forms import options
from disclosure.web.util import show_domain_error

bp = Blueprint("cases", __name__)


@bp.app_template_filter("case_kind")
def _case_kind(kind: str) -> str:
    return kind_label(kind)


@bp.app_template_filter("iso_local")
def _iso_local(value: str | None) -> str:
    """An ISO 8601 instant from a frozen record, shown in library time."""
    if not value:
        return "—"
    return local_datetime(datetime.fromisoformat(value))


def _case_or_404(case_id: int):
    return load_case(db.session, current_user, case_id) or abort(404)


# ---- the desk ------------------------------------------------------------------------------


@bp.route("/cases/new", methods=["GET", "POST"])
@allow("staff", "supervisor", "director")
def intake():
    """Step 1: what did the officer present? Step 2: what to do now, then the form."""
    guide = guidance_for(request.args.get("kind", ""))
    if guide is None:
        kind_form = KindForm(request.args if "kind" in request.args else None)
        if "kind" in request.args:
            kind_form.validate()
        return render_template("cases/intake_kind.html", form=kind_form)
    contacts = directors_to_call(db.session)
    if not guide.is_case:
        return render_template("cases/intake.html", guide=guide, contacts=contacts, form=None)
    form = IntakeForm()
    form.seized_workstations.choices = options(
        (w.id, f"{w.code} ({w.branch.name})")
        for w in db.session.scalars(select(Workstation).order_by(Workstation.code))
    )
    if form.validate_on_submit():
        try:
            desk.take_write_lock(db.session)
            case = desk.log_request(db.session, current_user, _intake_from(form, guide.kind))
            db.session.commit()
        except DomainError as err:
            db.session.rollback()
            show_domain_error(form, err)
        else:
            flash("Sent to the Director. Give the officer the reference below.", "success")
            return redirect(url_for("cases.receipt", case_id=case.id))
    return render_template("cases/intake.html", guide=guide, contacts=contacts, form=form)


def _intake_from(form: IntakeForm, kind: str) -> desk.Intake:
    warrant = None
    if kind == "search_warrant":
        warrant = desk.WarrantFacts(
            executed_at=to_utc(form.executed_at.data),
            areas_searched=form.areas_searched.data or "",
            equipment_searched=form.equipment_searched.data or "",
            items_seized=form.items_seized.data or "",
            seized_workstation_ids=list(form.seized_workstations.data or []),
        )
    scans = [
        uploads.Scan(f.filename or "scan", f.read())
        for f in request.files.getlist(form.scans.name)
        if f and f.filename
    ]
    return desk.Intake(
        kind=kind,
        officer_name=form.officer_name.data,
        officer_agency=form.officer_agency.data,
        records_sought=form.records_sought.data,
        received_at=to_utc(form.received_at.data),
        officer_badge=form.officer_badge.data,
        officer_jurisdiction=form.officer_jurisdiction.data,
        officer_contact=form.officer_contact.data,
        patron_cards=lines(form.patron_cards.data),
        workstation_codes=lines(form.workstation_codes.data),
        window_starts_at=to_utc(form.window_starts_at.data),
        window_ends_at=to_utc(form.window_ends_at.data),
        court=form.court.data,
        docket_number=form.docket_number.data,
        issued_on=form.issued_on.data,
        return_date=form.return_date.data,
        scans=scans,
        warrant=warrant,
    )


@bp.route("/cases/receipts/<int:case_id>")
@allow("staff", "supervisor", "director")
def receipt(case_id: int):
    """The printable receipt of a request the signed-in person logged (not the case itself)."""
    found = desk.receipt_for(db.session, current_user, case_id) or abort(404)
    return render_template("cases/receipt.html", receipt=found, guide=guidance_for(found.kind))


# ---- the Director's queue and the case page -------------------------------------------------


@bp.route("/cases")
@allow("director")
def queue():
    """Open cases, most urgent first, with their deadlines; then the recently closed."""
    return render_template(
        "cases/queue.html",
        cases=queries.open_queue(db.session, current_user),
        closed=queries.recently_closed(db.session, current_user),
        q=queries,
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
    )


def _detail_page(case, status: int = 200, **forms):
    is_director = "director" in auth.roles_of(db.session, current_user)
    if is_director:
        forms.setdefault(
            "assign_form",
            AssignCounselForm(due_on=case.counsel_due_on, counsel_id=case.counsel_id or 0),
        )
        forms["assign_form"].counsel_id.choices = options(
            [(0, "— choose —")]
            + [(u.id, u.full_name) for u in auth.staff_by_role(db.session, "counsel")]
        )
        forms.setdefault("decision_form", DecisionForm())
        forms.setdefault("waiver_form", WaiverForm())
        forms.setdefault("document_form", DocumentForm())
        forms.setdefault("close_form", CloseForm())
        forms.setdefault("reopen_form", ReopenForm())
        from disclosure.cases.gag_views import (
            gag_forms,
        )  # same blueprint; imported late to avoid a cycle
        from disclosure.holds.service import end_of_hold, holds_of_case

        forms.update(gag_forms(case, **forms))
        case_holds = holds_of_case(db.session, current_user, case.id)
        forms.update(
            case_holds=case_holds,
            end_of_hold=end_of_hold,
            active_holds=[h for h in case_holds if h.is_active()],
        )
    return render_template(
        "cases/detail.html",
        case=case,
        is_director=is_director,
        q=queries,
        checklist=CHECKLIST,
        decision_labels=service.DECISION_LABELS,
        recommendation_labels=service.RECOMMENDATION_LABELS,
        status_labels=service.STATUS_LABELS,
        document_labels=DOCUMENT_KIND_LABELS,
        timeline_entries=queries.timeline(db.session, current_user, case.id) if is_director else [],
        not_in_records=queries.subjects_not_in_records(db.session, case) if is_director else set(),
        seized=_seized(case),
        **forms,
    ), status


def _seized(case):
    ids = case.warrant.seized_workstation_ids if case.warrant else []
    return (
        list(db.session.scalars(select(Workstation).where(Workstation.id.in_(ids)))) if ids else []
    )


@bp.route("/cases/<int:case_id>")
@allow(
    "staff-any"
)  # who may see it is the visibility rule's call: counsel, the Director, a gagged case's circle
def detail(case_id: int):
    """Everything about a case, and (for the Director) its timeline of every event."""
    case = _case_or_404(case_id)
    service.record_view(db.session, current_user, case)
    db.session.commit()
    return _detail_page(case)


def _act(case_id: int, form_class, form_key: str, action, success: str, anchor: str = ""):
    """The shape of every action on a case page: load through visibility, validate, one service
    call, commit, flash, redirect; on a refusal, the page again with the message beside the
    field."""
    case = _case_or_404(case_id)
    form = form_class()
    if form_key == "assign_form":
        form.counsel_id.choices = options(
            [(0, "")] + [(u.id, u.full_name) for u in auth.staff_by_role(db.session, "counsel")]
        )
    if form.validate_on_submit():
        try:
            action(case, form)
            db.session.commit()
            flash(success, "success")
            return redirect(url_for("cases.detail", case_id=case.id) + anchor)
        except DomainError as err:
            db.session.rollback()
            show_domain_error(form, err)
    return _detail_page(case, 422, **{form_key: form})


@bp.route("/cases/<int:case_id>/counsel", methods=["POST"])
@allow("director")
def assign_counsel(case_id: int):
    """The Director asks counsel to review the case."""

    def act(case, form):
        counsel = db.session.get(User, form.counsel_id.data) if form.counsel_id.data else None
        service.assign_counsel(db.session, current_user, case, counsel, form.due_on.data)

    return _act(
        case_id,
        AssignCounselForm,
        "assign_form",
        act,
        "Counsel is asked to review the case.",
        "#counsel",
    )


@bp.route("/cases/<int:case_id>/decision", methods=["POST"])
@allow("director")
def decide(case_id: int):
    """The Director records the decision (only after counsel's advice)."""

    def act(case, form):
        service.decide(db.session, current_user, case, form.decision.data, form.reason.data)

    return _act(case_id, DecisionForm, "decision_form", act, "Decision recorded.", "#decision")


@bp.route("/cases/<int:case_id>/exigent-waiver", methods=["POST"])
@allow("director")
def waive(case_id: int):
    """The Director records an exigent waiver, with counsel's advice."""

    def act(case, form):
        service.record_exigent_waiver(
            db.session,
            current_user,
            case,
            counsel_name=form.counsel_name.data,
            advised_at=to_utc(form.advised_at.data),
            advice=form.advice.data,
            by_phone=form.by_phone.data,
            emergency=form.emergency.data,
            released=form.released.data,
        )

    return _act(
        case_id,
        WaiverForm,
        "waiver_form",
        act,
        "Exigent waiver recorded. The officer's paper is now due.",
        "#decision",
    )


@bp.route("/cases/<int:case_id>/documents", methods=["POST"])
@allow("director")
def attach(case_id: int):
    """Attach a scan to the case."""

    def act(case, form):
        files = [f for f in request.files.getlist(form.scan.name) if f and f.filename]
        if len(files) != 1:
            raise DomainError("Choose one file to attach.", field="scan")
        service.attach_document(
            db.session,
            current_user,
            case,
            uploads.Scan(files[0].filename, files[0].read()),
            form.kind.data,
        )

    return _act(case_id, DocumentForm, "document_form", act, "Document attached.", "#documents")


@bp.route("/cases/<int:case_id>/close", methods=["POST"])
@allow("director")
def close(case_id: int):
    """Close the case with its outcome."""

    def act(case, form):
        service.close(db.session, current_user, case, form.outcome.data)

    return _act(case_id, CloseForm, "close_form", act, "Case closed.")


@bp.route("/cases/<int:case_id>/reopen", methods=["POST"])
@allow("director")
def reopen(case_id: int):
    """Reopen a closed case."""

    def act(case, form):
        service.reopen(db.session, current_user, case, form.reason.data)

    return _act(case_id, ReopenForm, "reopen_form", act, "Case reopened.")


@bp.route("/cases/<int:case_id>/documents/<int:document_id>")
@allow("staff-any")  # the visibility rule decides (counsel, Director, a gagged case's circle)
def document(case_id: int, document_id: int):
    """A scan of the case, served only to those who may see the case."""
    case = _case_or_404(case_id)
    found = db.session.scalar(
        select(CaseDocument).where(CaseDocument.id == document_id, CaseDocument.case_id == case.id)
    )
    if found is None or not uploads.path_of(found).is_file():
        abort(404)
    audit.record(
        db.session, current_user, "case.document_viewed", "case_document", found.id, case_id=case.id
    )
    db.session.commit()
    name = secure_filename(found.original_name) or f"document-{found.id}"
    response = send_file(
        uploads.path_of(found), mimetype=found.content_type, download_name=name, max_age=0
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


# ---- counsel -------------------------------------------------------------------------------


@bp.route("/cases/<int:case_id>/advice", methods=["GET", "POST"])
@allow("counsel")
def advise(case_id: int):
    """Counsel records advice, a recommendation and the legal-process checklist."""
    case = _case_or_404(case_id)
    form = AdviceForm(obj=case.latest_advice)
    if form.validate_on_submit():
        try:
            service.record_advice(
                db.session,
                current_user,
                case,
                advice=form.advice.data,
                recommendation=form.recommendation.data,
                checklist={name: form[name].data for name, _label in CHECKLIST},
            )
            db.session.commit()
            flash("Your advice is recorded and the Director is told.", "success")
            return redirect(url_for("cases.counsel_queue"))
        except DomainError as err:
            db.session.rollback()
            show_domain_error(form, err)
    elif request.method == "GET":
        service.record_view(db.session, current_user, case)
        db.session.commit()
    return render_template("cases/advice.html", case=case, form=form, checklist=CHECKLIST)


# ---- home-page panels ----------------------------------------------------------------------


def _director_panel(session, user):
    cases = queries.open_queue(session, user)
    return {
        "cases_queue": cases[:6],
        "cases_open": len(cases),
        "cases_q": queries,
        "cases_urgent": sum(c.is_urgent for c in cases),
        "cases_overdue": sum(queries.is_overdue(c) for c in cases),
    }


def _desk_panel(session, user):
    return {"cases_receipts": desk.recent_receipts(session, user, limit=5)}


def _counsel_panel(session, user):
    return {"cases_reviews": queries.counsel_reviews(session, user), "cases_q": queries}


from disclosure.cases import gag_views, production_views  # noqa: E402,F401  (routes on the same blueprint)
