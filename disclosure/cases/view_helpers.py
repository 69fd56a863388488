"""What the case pages share: the cases blueprint, loading a case through the visibility rule,
the case page itself (drawn again with a refused form as typed), and a form of the case page run
through the request lifecycle. cases/views.py, gag_views.py and production_views.py put their
routes on this blueprint and import only this module, never each other."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from disclosure.areas import Hook
from disclosure.auth import service as auth
from disclosure.auth.models import Role, User
from disclosure.cases import deadlines, gag, queries, service
from disclosure.cases.forms import (
    DOCUMENT_KIND_LABELS,
    AssignCounselForm,
    CircleForm,
    CloseForm,
    DecisionForm,
    DocumentForm,
    GagForm,
    LiftGagForm,
    ReopenForm,
    WaiverForm,
)
from disclosure.cases.guidance import kind_label
from disclosure.cases.models import CHECKLIST, Case
from disclosure.cases.visibility import load_case
from disclosure.db import db
from disclosure.records.models import Workstation
from disclosure.web.filters import local_datetime
from disclosure.web.forms import options
from disclosure.web.lifecycle import found, submit
from disclosure.web.util import once_per_request

bp = Blueprint("cases", __name__)

# The case page shows the case's preservation holds, which belong to the holds area (above this
# one in the layers): it answers with the page's holds section, (session, user, case) -> dict.
case_page_holds = Hook("case_page_holds", default=lambda session, user, case: {})


@bp.app_template_filter("case_kind")
def _case_kind(kind: str) -> str:
    return kind_label(kind)


@bp.app_template_filter("iso_local")
def _iso_local(value: str | None) -> str:
    """An ISO 8601 instant from a frozen record, shown in library time."""
    if not value:
        return "—"
    return local_datetime(datetime.fromisoformat(value))


def case_or_404(case_id: int, *loads):
    """The case if the signed-in person may see it; else 404, the same as for a missing case
    (`loads`: what to read with it, as for visibility.load_case)."""
    return found(load_case(db.session, current_user, case_id, *loads))


def case_page_loads() -> tuple:
    """What the case page shows of the case's one-to-one records, read with the case (a join
    each) instead of a query apiece while the page is drawn. Made when asked: a loader option
    made at import configures every mapper, 0.04 s of every command's start-up."""
    return (joinedload(Case.warrant), joinedload(Case.waiver), joinedload(Case.received_by))


def case_form(
    case_id: int, key: str, form: FlaskForm, act, done: str, anchor: str = "", check=None
):
    """A form of the case page through the request lifecycle: `act(case)` is its one service
    call; a refusal draws the page again (422) with this form as typed under `key` (with every
    refusal `check()` names, when given, in the same round)."""
    case = case_or_404(case_id)
    return submit(
        form,
        lambda: act(case),
        check=check,
        done=done,
        to=url_for("cases.detail", case_id=case.id) + anchor,
        page=lambda: detail_page(case, 422, **{key: form}),
    )


def open_queue_of_page(user) -> list:
    """The open cases `user` may see, read once for the page (the Director's home shows them in
    two panels: the queue and this week's deadlines)."""
    return once_per_request(("open-queue", user.id), lambda: queries.open_queue(db.session, user))


def _counsel_accounts() -> list[User]:
    # The case page offers them in two forms (assigning counsel, a waiver): read once.
    return once_per_request(("counsel",), lambda: auth.staff_by_role(db.session, "counsel"))


def with_counsel_choices(form: AssignCounselForm) -> AssignCounselForm:
    """The assignment form offering every enabled counsel."""
    form.counsel_id.choices = options(
        [(0, "— choose —")] + [(u.id, u.full_name) for u in _counsel_accounts()]
    )
    return form


def with_waiver_counsel(form: WaiverForm) -> WaiverForm:
    """The waiver form offering every enabled counsel account, and outside counsel by name."""
    form.counsel.choices = options(
        [("", "— choose —")]
        + [(str(u.id), u.full_name) for u in _counsel_accounts()]
        + [(service.OUTSIDE_COUNSEL, "Outside counsel (name below)")]
    )
    return form


def detail_page(case, status: int = 200, **forms):
    """The case page; for the Director, with its forms (those given keep what was typed)."""
    is_director = "director" in auth.roles_of(db.session, current_user)
    if is_director:
        forms = _director_forms(case, forms)
    return render_template(
        "cases/detail.html",
        case=case,
        is_director=is_director,
        q=queries,
        dl=deadlines,
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


def _director_forms(case, given: dict) -> dict:
    forms = {
        "assign_form": AssignCounselForm(
            due_on=case.counsel_due_on, counsel_id=case.counsel_id or 0
        ),
        "decision_form": DecisionForm(),
        "waiver_form": WaiverForm(counsel=str(case.counsel_id or "")),
        "document_form": DocumentForm(),
        "close_form": CloseForm(),
        "reopen_form": ReopenForm(),
        **given,
    }
    with_counsel_choices(forms["assign_form"])
    with_waiver_counsel(forms["waiver_form"])
    forms.update(gag_forms(case, **forms))
    return {**forms, **case_page_holds.answer()(db.session, current_user, case)}


def _seized(case):
    ids = case.warrant.seized_workstation_ids if case.warrant else []
    return (
        list(db.session.scalars(select(Workstation).where(Workstation.id.in_(ids)))) if ids else []
    )


def circle_candidates(case) -> list[User]:
    """Who the Director may add: enabled staff, supervisors and counsel not already in the circle
    (never an administrator: separation of duties)."""
    taken = {u.id for u in gag.members(db.session, case)} | (
        {case.counsel_id} if case.counsel_id else set()
    )
    users = db.session.scalars(
        select(User)
        .where(
            User.is_enabled.is_(True),
            User.role.in_([Role.STAFF.value, Role.SUPERVISOR.value, Role.COUNSEL.value]),
        )
        .order_by(User.full_name)
    )
    return [u for u in users if u.id not in taken]


def gag_forms(case, **given) -> dict:
    """The forms the gag section of the case page needs, for the Director."""
    circle_form = given.get("circle_form") or CircleForm()
    # The circle is drawn for a gagged case only: an open case's page reads no candidates.
    candidates = circle_candidates(case) if case.gagged else []
    circle_form.user_id.choices = options(
        [(0, "— choose —")] + [(u.id, f"{u.full_name} ({u.role_label})") for u in candidates]
    )
    return {
        "gag_form": given.get("gag_form") or GagForm(),
        "lift_form": given.get("lift_form") or LiftGagForm(),
        "circle_form": circle_form,
        "circle_members": gag.members(db.session, case) if case.gagged else [],
    }
