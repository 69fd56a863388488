"""Patrons set their own portal PIN (docs/rules.md R-patron-sets-own-pin). At the desk, after
the ID check, staff open a one-time page on their screen and turn it to the patron, who types
the PIN twice; or a patron with an e-mail address on the card is sent a one-time link. Staff
never see or type the PIN; only its hash is kept, at once; the link's token is kept only as
its SHA-256, works once, and lasts DESK_VALID at the desk or EMAIL_VALID by e-mail."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from disclosure import clock
from disclosure.audit import service as audit
from disclosure.auth.passwords import hash_secret
from disclosure.errors import DomainError
from disclosure.patrons import mail
from disclosure.patrons.models import ID_KINDS, PinLink
from disclosure.patrons.service import normalise_card
from disclosure.records.models import Patron

DESK_VALID = timedelta(minutes=15)
EMAIL_VALID = timedelta(hours=24)
# A patron asking from the portal gets at most one e-mailed link per card in ASKED_AGAIN_AFTER and
# DAILY_LINKS in a day, however often anyone asks (counted in the database, so it holds across
# processes): the card's mailbox cannot be flooded.
ASKED_AGAIN_AFTER = timedelta(minutes=15)
DAILY_LINKS = 3
PIN_DIGITS = (4, 12)
LINK_GONE = (
    "This link to set a PIN has been used or has expired. Ask at any branch desk for a new one."
)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _patron_of(session: Session, card_number: str) -> Patron:
    if current_app.config["SETTINGS"].sip2_host:
        # With SIP2 the library's own system checks the PIN: one kept here would be ignored.
        raise DomainError(
            "PINs are kept by the library's own system: set the PIN there.", field="card_number"
        )
    patron = session.scalar(select(Patron).where(Patron.card_number == normalise_card(card_number)))
    if patron is None:
        raise DomainError(
            "No patron has that card number. Check it against the card.", field="card_number"
        )
    return patron


def _new_link(session: Session, staff, patron: Patron, channel: str, valid: timedelta) -> str:
    token = secrets.token_urlsafe(32)
    now = clock.now()
    session.add(
        PinLink(
            patron_id=patron.id,
            token_sha256=_digest(token),
            channel=channel,
            created_at=now,
            created_by_id=staff.id if staff is not None else None,
            expires_at=now + valid,
        )
    )
    session.flush()
    return token


def start_at_desk(session: Session, staff, *, card_number: str, id_kind: str) -> str:
    """Staff have seen the patron's photo ID: a one-time token for the page the patron types
    their PIN on (the desk's screen, turned to the patron)."""
    if id_kind not in ID_KINDS:
        raise DomainError("Choose the kind of photo ID you saw.", field="id_kind")
    patron = _patron_of(session, card_number)
    token = _new_link(session, staff, patron, "desk", DESK_VALID)
    audit.record(
        session, staff, "patron.pin_set_started", "patron", patron.id, detail=f"id_kind={id_kind}"
    )
    return token


def send_link(session: Session, staff, *, card_number: str) -> None:
    """E-mail the patron a one-time link to set their PIN (to the address on the card only)."""
    patron = _patron_of(session, card_number)
    if not patron.email:
        raise DomainError(
            "This card has no e-mail address: let the patron type a PIN on this screen instead.",
            field="card_number",
        )
    token = _new_link(session, staff, patron, "email", EMAIL_VALID)
    mail.tell(session, patron, "set_pin", link=f"/pin/{token}")
    audit.record(session, staff, "patron.pin_link_sent", "patron", patron.id)


def patron_asks_for_link(session: Session, *, card_number: str) -> None:
    """A patron asks from the portal's sign-in page for a link to set their PIN. It is e-mailed
    only to the address on the card, at most once per ASKED_AGAIN_AFTER; the caller answers
    alike whether or not the card exists or has an address (nobody learns which cards do)."""
    if current_app.config["SETTINGS"].sip2_host:
        return  # the library's own system keeps PINs
    patron = session.scalar(select(Patron).where(Patron.card_number == normalise_card(card_number)))
    if patron is None or not patron.email or _asked_lately(session, patron):
        return
    token = _new_link(session, None, patron, "email", EMAIL_VALID)
    mail.tell(session, patron, "set_pin", link=f"/pin/{token}")
    audit.record(session, None, "patron.pin_link_sent", "patron", patron.id, detail="asked=portal")


def _asked_lately(session: Session, patron: Patron) -> bool:
    now = clock.now()
    sent = list(
        session.scalars(
            select(PinLink.created_at).where(
                PinLink.patron_id == patron.id,
                PinLink.channel == "email",
                PinLink.created_at > now - timedelta(days=1),
            )
        )
    )
    return len(sent) >= DAILY_LINKS or any(at > now - ASKED_AGAIN_AFTER for at in sent)


def link_for(session: Session, token: str) -> PinLink | None:
    """The link `token` opens while it is unused and unexpired, else None (the view says so)."""
    link = session.scalar(select(PinLink).where(PinLink.token_sha256 == _digest(token or "")))
    if link is None or link.used_at is not None or clock.now() >= link.expires_at:
        return None
    return link


def set_pin(session: Session, token: str, pin: str, again: str) -> Patron:
    """The patron sets their PIN through a link: hashed at once; the link (and every other
    unused link of the card) then stops working."""
    link = link_for(session, token)
    if link is None:
        raise DomainError(LINK_GONE)
    pin = (pin or "").strip()
    low, high = PIN_DIGITS
    if not (pin.isdigit() and low <= len(pin) <= high):
        raise DomainError(f"A PIN is {low} to {high} digits.", field="pin")
    if pin != (again or "").strip():
        raise DomainError("The two PINs are not the same. Type it twice again.", field="pin_again")
    patron = link.patron
    patron.pin_hash = hash_secret(pin)
    now = clock.now()
    session.execute(
        update(PinLink)
        .where(PinLink.patron_id == patron.id, PinLink.used_at.is_(None))
        .values(used_at=now)
    )
    audit.record(
        session, patron, "patron.pin_set", "patron", patron.id, detail=f"channel={link.channel}"
    )
    return patron
