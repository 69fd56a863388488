"""The patron portal: sign in with card and PIN, ask for one's records (or a minor's), follow
the request, download the report; remove one's e-mail address; ask for a correction.
The desk's pages are in desk_views (same blueprint)."""

from __future__ import annotations

from flask import jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext
from flask_login import current_user, login_user

from disclosure import i18n, work
from disclosure.audit import service as audit
from disclosure.auth import idle
from disclosure.auth.access import allow
from disclosure.db import db
from disclosure.patrons import desk_views, pins, service
from disclosure.patrons.forms import (
    AskForm,
    CorrectionForm,
    LanguageForm,
    PatronLoginForm,
    PinLinkForm,
    SetPinForm,
    guardian_choices,
)
from disclosure.patrons.view_helpers import bp, me, send_file_content
from disclosure.web.filters import date_in_words
from disclosure.web.forms import ConfirmForm
from disclosure.web.lifecycle import confirm, found, keep, submit
from disclosure.web.limits import PER_ACCOUNT, PER_ADDRESS, address_and_account, limiter
from disclosure.web.util import safe_next

# The desk's routes, put on this blueprint (patrons/view_helpers.py) by their module.
ROUTES_ELSEWHERE = (desk_views,)


@bp.route("/patron/login", methods=["GET", "POST"])
@allow("public")
@limiter.limit(PER_ACCOUNT, methods=["POST"], key_func=address_and_account("card_number"))
@limiter.limit(PER_ADDRESS, methods=["POST"])
def login():
    """Patron sign-in with library card number and PIN (separate from staff sign-in)."""
    if current_user.is_authenticated:
        return redirect(url_for("patrons.home" if current_user.kind == "patron" else "web.home"))
    form = PatronLoginForm()
    return submit(
        form,
        lambda: service.sign_in(
            db.session, form.card_number.data, form.pin.data, address=request.remote_addr
        ),
        keep_refused=True,  # a failure counts toward this card's lockout
        then=login_user,
        done=None,
        to=safe_next(request.args.get("next")) or url_for("patrons.home"),
        page=lambda: render_template("patrons/login.html", form=form),
    )


@bp.route("/patron")
@allow("patron")
def home():
    """The patron's requests and their status, their details on file, their choices."""
    patron = me()
    requests = service.requests_of(db.session, patron)
    corrections = service.open_corrections_of(db.session, patron)
    is_guardian = bool(service.minors_of(db.session, patron))
    # A report withdrawn on the way is kept; read first, so the page takes one transaction.
    keep()
    return render_template(
        "patrons/home.html",
        patron=patron,
        requests=requests,
        corrections=corrections,
        download_open=service.download_open,
        is_guardian=is_guardian,
        confirm=ConfirmForm(),
    )


@bp.route("/patron/ask", methods=["GET", "POST"])
@allow("patron")
def ask():
    """Ask for one's records (or, for a guardian, a minor's)."""
    patron = me()
    minors = service.minors_of(db.session, patron)
    form = AskForm(subject_id=patron.id)  # one's own records unless a guardian chooses a minor
    form.subject_id.choices = guardian_choices(patron, minors)
    return submit(
        form,
        lambda: service.ask_for_records(
            db.session,
            patron,
            subject_id=form.subject_id.data,
            kinds=form.kinds.data,
            covers_from=form.covers_from.data,
            covers_to=form.covers_to.data,
        ),
        done=lambda asked: gettext(
            "Your request %(ref)s is received. Bring photo ID to any branch desk.",
            ref=asked.reference,
        ),
        to=lambda asked: url_for("patrons.request_detail", request_id=asked.id),
        page=lambda: render_template("patrons/ask.html", form=form, minors=minors, patron=patron),
    )


@bp.route("/patron/requests/<patron_request:request_id>")
@allow("patron")
def request_detail(request_id: int):
    """One request: where it stands and, when ready, the downloads."""
    # a report withdrawn on the way (patrons/gagging.py) is kept
    patron = me()
    asked = keep(found(service.load_request_for_patron(db.session, patron, request_id)))
    keep(audit.viewed(db.session, patron, "patron_request.viewed", "patron_request", asked.id))
    return render_template(
        "patrons/request.html",
        req=asked,
        progress_words=_progress(asked)["words"],
        download_open=service.download_open(asked),
        scope=service.scope_of(asked).describe(say=gettext, day=date_in_words),
        printed=service.desk_prints(db.session, asked),
    )


@bp.route("/patron/requests/<patron_request:request_id>/progress")
@allow("patron")
@idle.passive
def request_progress(request_id: int):
    """Whether the patron's report is ready yet (the request's page polls it). A failure is the
    desk's to retry: the patron hears only that it is still being compiled."""
    asked = keep(found(service.load_request_for_patron(db.session, me(), request_id)))
    return jsonify(_progress(asked))


def _progress(asked) -> dict:
    # A failure is the desk's to retry (desk_views.desk_retry): the patron is not told why.
    item = service.report_work(db.session, asked)
    answer = work.as_json(item, asked.status == "ready")
    if item is not None and item.status == "failed":
        answer.update(
            status="queued", words="Being compiled. If it is not ready soon, ask at the desk."
        )
    return answer


@bp.route("/patron/requests/<patron_request:request_id>/report.<fmt>")
@allow("patron")
def download(request_id: int, fmt: str):
    """The frozen report as PDF, JSON or CSV: for the patron who asked, within the download
    period."""
    patron = me()
    asked = found(service.load_request_for_patron(db.session, patron, request_id))
    report = keep(found(service.download_for_patron(db.session, patron, asked, fmt)))
    return send_file_content(*report, filename=f"library-records-{asked.reference}.{fmt}")


@bp.route("/patron/language", methods=["POST"])
@allow("public")
def choose_language():
    """The portal's language, chosen by a patron or by a visitor before signing in."""
    form = LanguageForm()
    patron = me() if getattr(current_user, "kind", None) == "patron" else None
    back = safe_next(form.next.data) or url_for("patrons.home" if patron else "patrons.login")
    return confirm(
        lambda: service.choose_language(db.session, patron, form.language.data),
        form=form,
        then=lambda code: session.__setitem__(i18n.SESSION_KEY, code),
        done=None,
        to=back,
    )


@bp.route("/patron/email/remove", methods=["POST"])
@allow("patron")
def remove_email():
    """Remove the e-mail address from the patron's card, once the patron has said yes on the
    page the button first opens (what then changes, and a way back)."""
    form = ConfirmForm()
    if request.form.get("confirmed") != "yes" and form.validate_on_submit():
        return render_template("patrons/remove_email.html", patron=me(), confirm=form)
    return confirm(
        lambda: service.remove_email(db.session, me()),
        done=lambda _removed: gettext("Your e-mail address has been removed from your card."),
        to=url_for("patrons.home"),
    )


@bp.route("/patron/correction", methods=["GET", "POST"])
@allow("patron")
def correction():
    """Ask staff to correct the details on one's card."""
    form = CorrectionForm()
    return submit(
        form,
        lambda: service.ask_for_correction(db.session, me(), form.details.data),
        done=lambda _asked: gettext(
            "Thank you. Staff will check and correct your details; they may ask to see photo ID."
        ),
        to=url_for("patrons.home"),
        page=lambda: render_template("patrons/correction.html", form=form, patron=me()),
    )


# The same words whether or not the card exists or has an e-mail address: nobody can learn
# from this page which cards do.
PIN_LINK_SENT = (
    "If that card has an e-mail address on file, a link to set your PIN is on its way. It works "
    "once, for 24 hours. No e-mail? Ask at any branch desk; bring photo ID."
)


@bp.route("/patron/pin-link", methods=["GET", "POST"])
@allow("public")
@limiter.limit(PER_ACCOUNT, methods=["POST"], key_func=address_and_account("card_number"))
@limiter.limit(PER_ADDRESS, methods=["POST"])
def pin_link():
    """A patron asks for a one-time link, e-mailed to the address on their card, to set a PIN."""
    form = PinLinkForm()
    return submit(
        form,
        lambda: pins.patron_asks_for_link(db.session, card_number=form.card_number.data),
        done=PIN_LINK_SENT,
        to=url_for("patrons.login"),
        page=lambda: render_template("patrons/pin_link.html", form=form),
    )


@bp.route("/pin/<token>", methods=["GET", "POST"])
@allow("public")
@limiter.limit(PER_ADDRESS, methods=["POST"])
def set_pin(token: str):
    """The patron types a new PIN twice, through a one-time link (the desk's screen or an
    e-mail); nobody else sees it."""
    form = SetPinForm()
    if pins.link_for(db.session, token) is None:
        return render_template("patrons/set_pin.html", form=None, gone=pins.LINK_GONE), 404
    return submit(
        form,
        lambda: pins.set_pin(db.session, token, form.pin.data, form.pin_again.data),
        done=lambda _set: gettext("Your PIN is set. Sign in with your card number and this PIN."),
        to=url_for("patrons.login"),
        page=lambda: render_template("patrons/set_pin.html", form=form, gone=None),
    )
