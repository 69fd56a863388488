"""The public retention schedule, the Director's retention settings, and the purge history."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, url_for
from flask_login import current_user

from disclosure.auth.access import allow
from disclosure.db import db
from disclosure.holds.coverage import RECORD_KINDS
from disclosure.retention import rules, service
from disclosure.retention.forms import settings_form
from disclosure.web import paging
from disclosure.web.lifecycle import shown, submit

bp = Blueprint("retention", __name__)


@bp.route("/retention")
@allow("public")
def schedule():
    """How long the library keeps records: generated from the rules the purge enforces."""
    return render_template(
        "retention/schedule.html",
        lines=rules.schedule(db.session),
        backup_days=current_app.config["SETTINGS"].backup_days,
    )


@bp.route("/retention/settings", methods=["GET", "POST"])
@allow("director")
def settings():
    """The Director sets how many days each kind of record is kept. A change is first shown
    with what tonight's purge would then delete, per kind (its dry run), and saved only once
    confirmed; 'Change the numbers' comes back here with them as typed."""
    current = rules.current_rules(db.session)
    form = settings_form(current)
    proposed = {s.kind: form[s.kind].data for s in rules.SPECS}
    step = request.form.get("confirmed", "")
    if step != "yes" and form.validate_on_submit():
        preview = shown(
            form,
            lambda: service.change_preview(
                db.session, proposed, current_app.config["SETTINGS"].purge_hour
            ),
        )
        if preview is not None and preview.changed and step != "back":
            return render_template(
                "retention/confirm.html", form=form, preview=preview, specs=rules.SPECS
            )
    if step == "back":
        return _settings_page(form, current)
    return submit(
        form,
        lambda: rules.update_rules(db.session, current_user, proposed),
        done=lambda changed: (
            f"Retention schedule saved ({len(changed)} "
            f"change{'s' if len(changed) != 1 else ''}). The next purge applies it."
        ),
        to=url_for("retention.settings"),
        page=lambda: _settings_page(form, current),
    )


def _settings_page(form, current: dict[str, int]):
    return render_template(
        "retention/settings.html",
        form=form,
        specs=rules.SPECS,
        current=current,
        sentence_for=rules.sentence,
    )


@bp.route("/retention/purges")
@allow("director")
def history():
    """Every purge run: when, how it ended, what it deleted and what holds kept."""
    labels = {k: v.label for k, v in RECORD_KINDS.items()}
    return render_template(
        "retention/history.html",
        runs=paging.paginate(db.session, service.runs_newest_first(), per_page=20),
        labels=labels,
    )
