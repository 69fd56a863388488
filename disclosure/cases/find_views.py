"""Finding cases: the staff search and the Director's archive of every case (with its CSV).
Both list only what cases.visibility lets the signed-in person see (cases/search.py)."""

from __future__ import annotations

from flask import Response, render_template, request, url_for
from flask_login import current_user

from disclosure import clock
from disclosure.auth import service as auth
from disclosure.auth.access import allow
from disclosure.cases import deadlines, search
from disclosure.cases.forms import ArchiveForm, SearchForm
from disclosure.cases.guidance import KIND_LABELS
from disclosure.cases.service import DECISION_LABELS, STATUS_LABELS
from disclosure.cases.view_helpers import bp
from disclosure.db import db
from disclosure.web import paging
from disclosure.web.forms import options
from disclosure.web.lifecycle import keep


@bp.route("/search", methods=["GET", "POST"])
@allow("staff-any")  # the visibility rule decides what each person finds
def search_cases():
    """Search the cases the signed-in person may see (typed words travel by POST only)."""
    form = SearchForm()
    page = None
    if form.validate_on_submit():
        page = paging.paginate(
            db.session,
            search.search(db.session, current_user, form.q.data),
            number=paging.page_number(source=request.form),
        )
    return render_template(
        "cases/search.html", form=form, page=page, dl=deadlines, status_labels=STATUS_LABELS
    )


@bp.route("/cases/all")
@allow("director")
def archive():
    """Every case, filtered, ordered and a page at a time."""
    form, filters = _archive_filters()
    return render_template(
        "cases/archive.html",
        form=form,
        filters=filters,
        page=paging.paginate(db.session, search.archive(db.session, current_user, filters)),
        sorts=search.SORTS,
        sort_url=_sort_url,
        dl=deadlines,
        status_labels=STATUS_LABELS,
        decision_labels=DECISION_LABELS,
        csv_url=url_for("cases.archive_csv", **request.args.to_dict()),
    )


@bp.route("/cases/all.csv")
@allow("director")
def archive_csv():
    """The archive's cases, every page, as a CSV file."""
    _form, filters = _archive_filters()
    body = keep(search.archive_csv(db.session, current_user, filters))
    name = f"cases-{clock.today().isoformat()}.csv"
    return Response(
        body,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "private, no-store",
        },
    )


def _archive_filters() -> tuple[ArchiveForm, search.Filters]:
    """The filter form as the address has it, and the filters its valid fields make."""
    form = ArchiveForm(request.args)
    any_ = [("", "Any")]
    form.status.choices = options(any_ + list(STATUS_LABELS.items()))
    form.kind.choices = options(any_ + list(KIND_LABELS.items()))
    form.year.choices = options(
        any_ + [(str(y), str(y)) for y in search.years(db.session, current_user)]
    )
    form.decision.choices = options(any_ + list(DECISION_LABELS.items()))
    form.counsel.choices = options(
        any_
        + [("none", "No counsel yet")]
        + [(str(u.id), u.full_name) for u in auth.staff_by_role(db.session, "counsel")]
    )
    form.deadline.choices = options(any_ + list(search.DEADLINE_STATES.items()))
    form.validate()

    def chosen(field) -> str:
        """The field's value when it is one of its choices (an address may say anything)."""
        return field.data if field.data in {choice.value for choice in field.choices} else ""

    return form, search.Filters(
        status=chosen(form.status),
        kind=chosen(form.kind),
        year=int(chosen(form.year)) if chosen(form.year) else None,
        decision=chosen(form.decision),
        counsel=chosen(form.counsel),
        deadline=chosen(form.deadline),
        sort=form.sort.data if form.sort.data in search.SORTS else "received",
        descending=form.order.data != "asc",
    )


def _sort_url(column: str, filters: search.Filters) -> str:
    """The archive ordered by `column`: the other way round when it already is, from page 1."""
    ascending = filters.sort == column and filters.descending
    args = {**request.args.to_dict(), "sort": column, "order": "asc" if ascending else "desc"}
    args.pop("page", None)
    return url_for("cases.archive", **args)
