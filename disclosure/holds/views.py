"""The Director's holds pages: the list, placing a hold from a case, a hold's page, renew,
release."""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_login import current_user

from disclosure import clock
from disclosure.audit import service as audit
from disclosure.auth.access import allow
from disclosure.cases.visibility import load_case
from disclosure.db import db
from disclosure.holds import coverage, locks, preservation, service
from disclosure.holds.forms import HoldForm, ReleaseForm, RenewForm
from disclosure.holds.models import CATEGORY_LABELS
from disclosure.public_ids import NO_ROW
from disclosure.web import paging
from disclosure.web.forms import lines, options
from disclosure.web.lifecycle import found, keep, submit

bp = Blueprint("holds", __name__)
HOLDS_PER_PAGE = 25  # holds a page of each list shows


@bp.route("/holds")
@allow("director")
def index():
    """Holds: expiring soon, active, expired, released; each list a page at a time."""
    lists = {
        name: paging.paginate(db.session, query, arg=f"{name}_page", per_page=HOLDS_PER_PAGE)
        for name, query in service.hold_lists(db.session, current_user).items()
    }
    return render_template("holds/index.html", lists=lists, service=service)


def _hold_form() -> tuple[HoldForm, dict[str, int]]:
    """The form, with the cases it offers (public id -> database id)."""
    form = HoldForm()
    cases = service.cases_for_hold(db.session, current_user)
    form.case_id.choices = options(
        [("", "— choose a case —")] + [(c.public_id, case_label(c)) for c in cases]
    )
    form.branch_id.choices = options(
        [(0, "Any branch")] + [(b.id, b.name) for b in service.branches(db.session)]
    )
    if request.method == "GET":
        # ?case= names the case by its public id, as every address does (docs/rules.md
        # R-addresses-count-nothing); one the Director may not hold is simply not chosen
        named = request.args.get("case", "")
        case = next((c for c in cases if c.public_id == named), None)
        form.case_id.data = case.public_id if case is not None else ""
        form.requested_on.data = clock.today()
        if case is not None:
            _prefill(form, service.requested_in(case))
    return form, {c.public_id: c.id for c in cases}


def _prefill(form: HoldForm, asked: service.HoldRequest) -> None:
    """The form filled from what the case's request named (`cases` above came through the
    visibility rule, so only a case the Director may see fills it)."""
    form.requested_by.data = asked.requested_by
    form.requested_on.data = asked.requested_on
    form.patron_cards.data = "\n".join(asked.patron_cards)
    form.workstation_codes.data = "\n".join(asked.workstation_codes)
    form.window_from.data, form.window_from_time.data = asked.window_from, asked.window_from_time
    form.window_to.data, form.window_to_time.data = asked.window_to, asked.window_to_time


@bp.route("/holds/new", methods=["GET", "POST"])
@allow("director")
def new():
    """Place a hold for a case."""
    form, offered = _hold_form()
    return submit(
        form,
        lambda: service.place_hold(
            db.session,
            current_user,
            found(load_case(db.session, current_user, offered.get(form.case_id.data, NO_ROW))),
            _hold_request(form),
        ),
        lock=locks.begin_hold_change,
        done=lambda placed: f"Hold placed. It covers now: {covers_text(placed[1])}.",
        to=lambda placed: url_for("holds.detail", hold_id=placed[0].id),
        page=lambda: render_template("holds/new.html", form=form),
    )


def _hold_request(form: HoldForm) -> service.HoldRequest:
    return service.HoldRequest(
        categories=form.categories.data,
        requested_on=form.requested_on.data,
        requested_by=form.requested_by.data,
        patron_cards=lines(form.patron_cards.data),
        workstation_codes=lines(form.workstation_codes.data),
        branch_id=form.branch_id.data or None,
        window_from=form.window_from.data,
        window_to=form.window_to.data,
        window_from_time=form.window_from_time.data,
        window_to_time=form.window_to_time.data,
        note=form.note.data,
    )


def _detail(hold, renew_form=None, release_form=None, status=200):
    counts, counted_at = coverage.stored_counts(db.session, hold)
    return render_template(
        "holds/detail.html",
        hold=hold,
        counts=counts,
        preserved=preservation.counts_for_hold(db.session, hold),
        counted_at=counted_at,
        kinds=coverage.RECORD_KINDS,
        service=service,
        category_labels=CATEGORY_LABELS,
        events=service.timeline(db.session, hold),
        renew_form=renew_form or _renew_form(),
        release_form=release_form or ReleaseForm(formdata=None),
    ), status


def _renew_form(formdata=None) -> RenewForm:
    form = RenewForm(formdata=formdata)
    if formdata is None:
        form.requested_on.data = clock.today()
    return form


@bp.route("/holds/<hold:hold_id>")
@allow("director")
def detail(hold_id: int):
    """A hold's scope, what it covers now, its timeline; renew and release."""
    hold = _hold_or_404(hold_id)
    keep(
        audit.viewed(db.session, current_user, "hold.viewed", "hold", hold.id, case_id=hold.case_id)
    )
    return _detail(hold)


@bp.route("/holds/<hold:hold_id>/preserved/<kind>")
@allow("director")
def preserved(hold_id: int, kind: str):
    """The copies of one kind of record the hold keeps in the preservation store (audited)."""
    hold = _hold_or_404(hold_id)
    found(kind if kind in coverage.RECORD_KINDS else None)
    copies = keep(
        preservation.view_copies(db.session, current_user, hold, kind, paging.page_number())
    )
    return render_template(
        "holds/preserved.html",
        hold=hold,
        kind=coverage.RECORD_KINDS[kind],
        copies=copies,
        why=preservation.WHY,
    )


def _hold_or_404(hold_id: int):
    return found(service.load_hold(db.session, current_user, hold_id))


@bp.route("/holds/<hold:hold_id>/renew", methods=["POST"])
@allow("director")
def renew(hold_id: int):
    """Record the agency's renewal request."""
    hold = _hold_or_404(hold_id)
    form = _renew_form(request.form)
    return submit(
        form,
        # visibility checked again, inside the transaction the lock began
        lambda: service.renew_hold(
            db.session,
            current_user,
            _hold_or_404(hold_id),
            requested_on=form.requested_on.data,
            requested_by=form.requested_by.data,
            days=form.days.data,
        ),
        lock=locks.begin_hold_change,
        done=lambda renewed: f"Hold renewed: it now ends {service.end_of_hold(renewed)}.",
        to=url_for("holds.detail", hold_id=hold.id),
        page=lambda: _detail(hold, renew_form=form, status=422),
    )


@bp.route("/holds/<hold:hold_id>/release", methods=["POST"])
@allow("director")
def release(hold_id: int):
    """Release a hold early, with a reason."""
    hold = _hold_or_404(hold_id)
    form = ReleaseForm()
    return submit(
        form,
        lambda: service.release_hold(db.session, current_user, hold, form.reason.data),
        done="Hold released. The normal retention schedule applies to its records again.",
        to=url_for("holds.detail", hold_id=hold.id),
        page=lambda: _detail(hold, release_form=form, status=422),
    )


# ---- helpers for templates and the home panel ---------------------------------------------------


def case_label(case) -> str:
    """'2026-0042 · Preservation request · Jefferson County Sheriff' (no patron data)."""
    kind = case.kind.replace("_", " ").capitalize()
    return (
        f"{case.reference} · {kind}{' request' if case.kind == 'preservation' else ''} · "
        f"{case.officer_agency}"
    )


def covers_text(counts: dict[str, int]) -> str:
    """'3 loans, 1 computer session log' style summary of counts per kind."""
    return (
        ", ".join(
            f"{n} × {coverage.RECORD_KINDS[kind].label.lower()}" for kind, n in counts.items()
        )
        or "nothing yet"
    )


def case_page_section(session, user, case) -> dict:
    """The holds section of a case page (cases.view_helpers.case_page_holds)."""
    case_holds = service.holds_of_case(session, user, case.id)
    return {
        "case_holds": case_holds,
        "end_of_hold": service.end_of_hold,
        "active_holds": [h for h in case_holds if h.is_active()],
    }


def _panel(session, user) -> dict:
    return {"expiring_holds": service.expiring_soon(session, user)}
