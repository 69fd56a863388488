"""The breach register's pages, for the Director and the administrator: the register, recording
a breach, a breach's page (its clock, who was told, closing), and the letter to affected
patrons."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, url_for
from flask_login import current_user

from disclosure.audit import service as audit
from disclosure.auth.access import allow
from disclosure.breaches import service
from disclosure.breaches.forms import BreachForm, CloseForm, NoticeForm
from disclosure.breaches.models import Breach
from disclosure.cases.forms import to_utc
from disclosure.db import db
from disclosure.pdf import render_pdf
from disclosure.records import kinds
from disclosure.web.lifecycle import found, keep, submit

bp = Blueprint("breaches", __name__)
RESPONSIBLE = ("director", "admin")


@bp.route("/breaches")
@allow(*RESPONSIBLE)
def index():
    """The register: every suspected breach, its clock and state."""
    return render_template(
        "breaches/index.html", breaches=service.every_breach(db.session), service=service
    )


@bp.route("/breaches/new", methods=["GET", "POST"])
@allow(*RESPONSIBLE)
def new():
    """Record a suspected breach; the 24-hour clock starts from when it was found."""
    form = BreachForm()
    return submit(
        form,
        lambda: service.record_breach(
            db.session,
            current_user,
            found_at=to_utc(form.found_at.data),
            what_happened=form.what_happened.data,
            record_kinds=form.kinds.data,
            patrons_affected=form.patrons_affected.data,
        ),
        done=lambda b: f"Breach {b.reference} recorded. Tell everyone within 24 hours.",
        to=lambda b: url_for("breaches.detail", breach_id=b.id),
        page=lambda: render_template("breaches/new.html", form=form),
    )


def _breach(breach_id: int) -> Breach:
    return found(db.session.get(Breach, breach_id))


def _detail_page(breach: Breach, notice_form: NoticeForm, close_form: CloseForm):
    return render_template(
        "breaches/detail.html",
        breach=breach,
        service=service,
        kind_labels=[kinds.get(key).label for key in breach.kinds if key in kinds.every_key()],
        notice_form=notice_form,
        close_form=close_form,
    )


@bp.route("/breaches/<int:breach_id>")
@allow(*RESPONSIBLE)
def detail(breach_id: int):
    """A breach: what happened, its clock, who was told and when, closing with findings."""
    breach = _breach(breach_id)
    keep(audit.record(db.session, current_user, "breach.viewed", "breach", breach.id))
    return _detail_page(breach, NoticeForm(), CloseForm())


@bp.route("/breaches/<int:breach_id>/notices", methods=["POST"])
@allow(*RESPONSIBLE)
def notice(breach_id: int):
    """Record that the board, the consortium or the affected patrons were told."""
    breach = _breach(breach_id)
    form = NoticeForm()
    return submit(
        form,
        lambda: service.record_notice(
            db.session,
            current_user,
            breach,
            party=form.party.data,
            notified_at=to_utc(form.notified_at.data),
            how=form.how.data,
        ),
        done=lambda n: f"Recorded: {n.party_label.lower()} told.",
        to=url_for("breaches.detail", breach_id=breach.id),
        page=lambda: _detail_page(breach, form, CloseForm()),
    )


@bp.route("/breaches/<int:breach_id>/close", methods=["POST"])
@allow(*RESPONSIBLE)
def close(breach_id: int):
    """Close the breach with its findings."""
    breach = _breach(breach_id)
    form = CloseForm()
    return submit(
        form,
        lambda: service.close_breach(db.session, current_user, breach, form.findings.data),
        done=f"Breach {breach.reference} closed.",
        to=url_for("breaches.detail", breach_id=breach.id),
        page=lambda: _detail_page(breach, NoticeForm(), form),
    )


@bp.route("/breaches/<int:breach_id>/letter.pdf")
@allow(*RESPONSIBLE)
def letter(breach_id: int):
    """The notification letter to affected patrons (one text for all; no patron is named)."""
    breach = _breach(breach_id)
    keep(audit.record(db.session, current_user, "breach.letter_printed", "breach", breach.id))
    pdf = render_pdf(
        "documents/breach_letter.html",
        breach=breach,
        reference=breach.reference,
        kind_labels=[
            kinds.get(key).patron_label for key in breach.kinds if key in kinds.every_key()
        ],
        library_name=current_app.config["LIBRARY_NAME"],
    )
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="breach-letter-{breach.reference}.pdf"'
    )
    return response
