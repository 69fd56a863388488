"""The audit page: every event the viewer may see, filtered, paginated, and as CSV."""

from __future__ import annotations

import re
from datetime import date

from flask import Blueprint, Response, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from disclosure import clock, work
from disclosure.audit.telling import label_of
from disclosure.auth import idle
from disclosure.auth.access import allow
from disclosure.db import db
from disclosure.trail import service
from disclosure.web import boundary, paging
from disclosure.web.forms import ConfirmForm
from disclosure.web.lifecycle import confirm, keep

bp = Blueprint("trail", __name__)


def _day(name: str) -> date | None:
    """A date from the query string; none for anything that is not a date the trail can hold."""
    try:
        day = date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None
    return day if FIRST_DAY <= day <= LAST_DAY else None


def _number(name: str) -> int | None:
    value = request.args.get(name, type=int)
    return value if value is not None and boundary.id_in_range(value) else None


FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2999, 12, 31)
ACTION = re.compile(r"[a-z_.]{1,64}")


def _action(value: str) -> str | None:
    """A kind of event as the trail spells them ('case.viewed'); anything else filters nothing."""
    return value if ACTION.fullmatch(value) else None


def _filters() -> service.Filters:
    return service.Filters(
        person=_number("person"),
        action=_action(request.args.get("action", "")),
        since=_day("since"),
        until=_day("until"),
    )


@bp.route("/audit")
@allow("director", "admin")
def audit():
    """Every event the viewer may see, newest first, one page at a time."""
    filters = _filters()
    page = paging.paginate(
        db.session,
        service.events(db.session, current_user, filters),
        number=_number("page") or 1,
        per_page=service.PAGE_SIZE,
        scalars=False,
    )
    people, actions = service.choices(db.session, current_user)
    return render_template(
        "trail/audit.html",
        rows=page.items,
        page=page.number,
        pages=page.pages,
        total=page.total,
        filters=filters,
        people=people,
        actions=sorted(actions, key=label_of),
        label_of=label_of,
        verification=service.last_verification(db.session),
        csrf_form=ConfirmForm(),
    )


@bp.route("/audit/export", methods=["GET", "POST"])
@allow("director", "admin")
def export():
    """POST: ask for the filtered events as CSV (written by the scheduler's process); GET: where
    the signed-in person's newest export stands, and its file once written."""
    if request.method == "POST":
        filters = _filters()
        return confirm(
            lambda: service.start_export(db.session, current_user, filters),
            done="The CSV is being written: this page says when it is ready to download.",
            to=url_for("trail.export"),
            back=url_for("trail.audit"),
        )
    item = service.latest_export(db.session, current_user)
    return render_template(
        "trail/export.html",
        item=item,
        words=work.words(item) if item is not None else "",
        filters=service.describe(db.session, service.filters_of(item)) if item else "",
        kept_until=service.export_kept_until(item) if item is not None else None,
        confirm=ConfirmForm(),
    )


@bp.route("/audit/export/progress")
@allow("director", "admin")
@idle.passive
def export_progress():
    """Where the signed-in person's newest export stands (its page polls it)."""
    item = service.latest_export(db.session, current_user)
    return jsonify(work.as_json(item, item is not None and item.status == "done"))


@bp.route("/audit/export/retry", methods=["POST"])
@allow("director", "admin")
def export_retry():
    """Queue again an export that failed."""
    return confirm(
        lambda: service.retry_export(db.session, current_user),
        done="The CSV is queued again.",
        to=url_for("trail.export"),
    )


@bp.route("/audit/export/audit.csv")
@allow("director", "admin")
def export_file():
    """The CSV the signed-in person's newest export wrote; until it is written, or once it is
    deleted, the export's own page, which says where it stands (a saved link goes stale)."""
    body = keep(service.export_file(db.session, current_user))
    if body is None:
        return redirect(url_for("trail.export"))
    name = f"audit-{clock.today().isoformat()}.csv"
    return Response(
        body,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "private, no-store",
        },
    )
