"""Productions on the case page: pick records, preview, release (freeze), download the exports.
Routes on the cases blueprint (cases/view_helpers.py)."""

from __future__ import annotations

from flask import Response, render_template, request, url_for
from flask_login import current_user

from disclosure import clock
from disclosure.audit import service as audit
from disclosure.auth.access import allow
from disclosure.cases import productions
from disclosure.cases.forms import ProductionForm, to_utc
from disclosure.cases.models import SubjectKind
from disclosure.cases.view_helpers import bp, case_or_404
from disclosure.db import db
from disclosure.web.lifecycle import found, keep, shown, submit

MANIFEST = "manifest.json"


def _to_local(moment):
    return clock.local(moment).replace(tzinfo=None) if moment else None


def _prefilled(case) -> ProductionForm:
    """The form filled from what the officer's request named."""
    subjects = {s.kind: s for s in reversed(case.subjects)}
    window = subjects.get(SubjectKind.TIME_WINDOW.value)
    return ProductionForm(
        card_number=subjects[SubjectKind.PATRON.value].value
        if SubjectKind.PATRON.value in subjects
        else None,
        workstation_code=subjects[SubjectKind.WORKSTATION.value].value
        if SubjectKind.WORKSTATION.value in subjects
        else None,
        starts_at=_to_local(window.starts_at) if window else None,
        ends_at=_to_local(window.ends_at) if window else None,
        kinds=[],
        recipient=productions.default_recipient(case),
        authority=productions.default_authority(case),
    )


def _criteria(form: ProductionForm) -> productions.Criteria:
    return productions.Criteria(
        kinds=form.kinds.data or [],
        card_number=form.card_number.data,
        workstation_code=form.workstation_code.data,
        starts_at=to_utc(form.starts_at.data),
        ends_at=to_utc(form.ends_at.data),
    )


@bp.route("/cases/<case:case_id>/productions/new", methods=["GET", "POST"])
@allow("director")
def production_new(case_id: int):
    """Pick the records released and preview them; then release: they are frozen into the case."""
    case = case_or_404(case_id)
    if request.method == "GET":
        keep(
            audit.viewed(
                db.session,
                current_user,
                "case.release_page_viewed",
                "case",
                case.id,
                case_id=case.id,
            )
        )
    form = ProductionForm() if request.method == "POST" else _prefilled(case)
    if request.form.get("action") == "release":
        return submit(
            form,
            lambda: _freeze(case, form),
            done=lambda production: (
                f"Production recorded: {production.manifest['total']} record(s) frozen into "
                f"case {case.reference}."
            ),
            to=lambda production: url_for(
                "cases.production", case_id=case.id, production_id=production.id
            ),
            page=lambda: _new_page(case, form),
        )
    return _new_page(case, form, shown(form, lambda: _preview(case, form)))


def _freeze(case, form: ProductionForm):
    return productions.freeze(
        db.session,
        current_user,
        case,
        _criteria(form),
        recipient=form.recipient.data,
        authority=form.authority.data,
        note=form.note.data,
        expected_digest=form.preview_digest.data or None,
    )


def _preview(case, form: ProductionForm):
    """The records the form picks (None until it is sent and valid), once release is allowed."""
    productions.require_release_allowed(case)
    if not form.validate_on_submit():
        return None
    preview = productions.select_records(db.session, _criteria(form), case)
    form.preview_digest.data = productions.digest(
        sorted(preview, key=lambda r: (r.kind, r.record_id))
    )
    return preview


def _new_page(case, form: ProductionForm, preview=None):
    return render_template(
        "cases/production_new.html",
        case=case,
        form=form,
        preview=preview,
        kinds=productions.RECORD_KINDS,
    )


@bp.route("/cases/<case:case_id>/productions/<production:production_id>")
@allow("director")
def production(case_id: int, production_id: int):
    """A recorded production: what was released, to whom, under what authority, by whom, when."""
    case = case_or_404(case_id)
    made = found(productions.load_production(db.session, case, production_id))
    keep(
        audit.record(
            db.session,
            current_user,
            "case.production_viewed",
            "production",
            made.id,
            case_id=case.id,
        )
    )
    return render_template(
        "cases/production.html",
        case=case,
        production=made,
        kinds=productions.RECORD_KINDS,
        items=productions.oldest_first(made.items),
        when_of=productions.when_of,
        files=[*productions.EXPORTS, MANIFEST],
    )


def _export(case, made, name: str) -> tuple[str, str] | None:
    if name == MANIFEST:
        return "application/json", productions.export_manifest(case, made)
    if name in productions.EXPORTS:
        mimetype, make = productions.EXPORTS[name]
        return mimetype, make(case, made)
    return None


@bp.route("/cases/<case:case_id>/productions/<production:production_id>/files/<name>")
@allow("director")
def production_file(case_id: int, production_id: int, name: str):
    """records.csv, records.json or manifest.json of a production, generated from the frozen
    copy."""
    case = case_or_404(case_id)
    made = found(productions.load_production(db.session, case, production_id))
    mimetype, body = found(_export(case, made, name))
    keep(
        audit.record(
            db.session,
            current_user,
            "case.production_downloaded",
            "production",
            made.id,
            case_id=case.id,
            detail=f"file={name}",
        )
    )
    filename = f"{case.reference}-production-{made.id}-{name}"
    return Response(
        body,
        mimetype=mimetype,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
