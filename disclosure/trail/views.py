"""The audit page: every event the viewer may see, filtered, paginated, and as CSV."""

from __future__ import annotations

import re
from datetime import date

from flask import Blueprint, Response, render_template, request
from flask_login import current_user

from disclosure import clock
from disclosure.audit.telling import label_of
from disclosure.auth.access import allow
from disclosure.db import db
from disclosure.trail import service
from disclosure.web import boundary, paging

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
    )


@bp.route("/audit.csv")
@allow("director", "admin")
def audit_csv():
    """The filtered events as CSV (every page), for the board or a court."""
    body = service.events_csv(db.session, current_user, _filters())
    name = f"audit-{clock.today().isoformat()}.csv"
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
