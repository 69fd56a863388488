"""The second step of sign-in for test clients of apps on committed databases (the twin and fuzz
walks): a person who owes a second factor gets one enrolled with the tests' secret and types
its code."""

from __future__ import annotations

from sqlalchemy import select, update

from disclosure.auth import second_factor
from disclosure.auth.models import TotpSecret, User
from disclosure.db import db
from tests import factories


def second_step(app, the_client, username: str) -> None:
    """Pass the second step, when `username`'s session owes one (else do nothing)."""
    if the_client.get("/sign-in/second-factor").status_code == 404:
        return
    with app.app_context():
        person = db.session.scalar(select(User).where(User.username == username))
        if not second_factor.enrolled(db.session, person):
            second_factor.enrol_known_secret(db.session, person, factories.TOTP_SECRET)
        # each sign-in of a walk is a fresh one: a code of an earlier step is no replay here
        db.session.execute(
            update(TotpSecret).where(TotpSecret.user_id == person.id).values(last_step=None)
        )
        db.session.commit()
    response = the_client.submit("/sign-in/second-factor", {"code": factories.totp_code()})
    assert response.status_code == 302, f"{username} could not pass the second step"
