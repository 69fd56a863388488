"""The second factor (docs/rules.md R-second-factor): enrolment, codes used once, recovery codes,
and nothing but the second-factor page between password and code."""

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from disclosure import clock
from disclosure.audit.models import AuditEvent
from disclosure.auth import second_factor
from disclosure.auth.models import ActingDirector, RecoveryCode, TotpSecret
from tests import factories

NOON = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)
SECRET = re.compile(r'id="totp-secret">([A-Z2-7]+)<')
CODE = re.compile(r"<li><code>([a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4})</code></li>")


def _password(client, user):
    response = client.submit("/login", {"username": user.username, "password": factories.PASSWORD})
    assert response.status_code == 302


def _code(client, code):
    return client.submit("/sign-in/second-factor", {"code": code})


def _enrol(client, session, user) -> tuple[str, list[str]]:
    """Sign in with the password, enrol an app from the page, return its secret and the codes."""
    _password(client, user)
    assert client.get("/").headers["Location"] == "/account/second-factor"
    page = client.get("/account/second-factor").get_data(as_text=True)
    assert "<svg" in page
    secret = SECRET.search(page).group(1)
    response = client.submit("/account/second-factor", {"code": factories.totp_code(secret)})
    assert response.headers["Location"] == "/account/second-factor/recovery-codes"
    codes = CODE.findall(client.get(response.headers["Location"]).get_data(as_text=True))
    return secret, codes


def test_totp_enrolment_then_sign_in_with_a_code(client, session):
    clock.freeze(NOON)
    director = factories.user(session, "director")
    session.commit()
    secret, codes = _enrol(client, session, director)
    assert client.get("/").status_code == 200
    stored = session.scalar(select(TotpSecret).where(TotpSecret.user_id == director.id))
    assert stored.confirmed_at is not None and secret not in stored.secret_encrypted
    hashes = session.scalars(
        select(RecoveryCode.code_hash).where(RecoveryCode.user_id == director.id)
    ).all()
    assert len(codes) == len(set(codes)) == 10 and len(hashes) == 10
    assert not {c.replace("-", "") for c in codes} & set(hashes)
    # the secret is never shown again, nor the codes
    assert secret not in client.get("/account/second-factor").get_data(as_text=True)
    assert codes[0] not in client.get("/account/second-factor/recovery-codes").get_data(
        as_text=True
    )
    client.submit("/logout", page="/")

    clock.freeze(NOON + timedelta(minutes=1))
    _password(client, director)
    assert client.get("/cases").headers["Location"].startswith("/sign-in/second-factor")
    response = _code(client, factories.totp_code(secret))
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_a_code_used_once_is_refused_within_its_window(client, session):
    clock.freeze(NOON)
    director = factories.user(session, "director")
    session.commit()
    secret, _ = _enrol(client, session, director)
    client.submit("/logout", page="/")
    # a minute later, a code the app showed then signs in, once
    clock.freeze(NOON + timedelta(minutes=1))
    code = factories.totp_code(secret)
    _password(client, director)
    assert _code(client, code).status_code == 302
    client.submit("/logout", page="/")
    # the same code, typed again within its window (a shoulder-surfer, a phishing page)
    clock.freeze(NOON + timedelta(minutes=1, seconds=10))
    _password(client, director)
    response = _code(client, code)
    assert response.status_code == 200
    assert "used already" in response.get_data(as_text=True)
    assert client.get("/").headers["Location"].startswith("/sign-in/second-factor")


def test_a_wrong_code_is_refused(client, session):
    clock.freeze(NOON)
    director = factories.user(session, "director")
    session.commit()
    secret, _ = _enrol(client, session, director)
    client.submit("/logout", page="/")
    _password(client, director)
    wrong = f"{(int(factories.totp_code(secret)) + 1) % 1000000:06d}"
    response = _code(client, wrong)
    assert response.status_code == 200
    assert "That code is not right" in response.get_data(as_text=True)
    assert client.get("/").headers["Location"].startswith("/sign-in/second-factor")


def test_with_only_a_password_a_person_gets_nothing_but_the_second_factor_page(client, session):
    director = factories.user(session, "director")
    session.commit()
    with client.application.app_context():
        second_factor.enrol_known_secret(session, director, factories.TOTP_SECRET)
    session.commit()
    _password(client, director)
    for url in ("/", "/staff", "/cases", "/account/password", "/login"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/sign-in/second-factor"), url
    assert client.post("/staff/second-factor", data={"required_for_all": "all"}).status_code == 302
    assert not second_factor.required_for_everyone(session)
    code_page = client.get("/sign-in/second-factor")
    assert code_page.status_code == 200
    assert 'aria-label="Main"' not in code_page.get_data(as_text=True)  # no menu leads anywhere
    assert client.submit("/logout", page="/sign-in/second-factor").status_code == 302
    assert client.get("/sign-in/second-factor").headers["Location"].startswith("/login")


def test_an_acting_director_must_enrol_once_the_appointment_starts(client, session):
    clock.freeze(NOON)
    clerk = factories.user(session, "staff")
    director = factories.user(session, "director")
    session.add(
        ActingDirector(
            user_id=clerk.id,
            named_by_id=director.id,
            starts_at=NOON + timedelta(minutes=5),
            ends_at=NOON + timedelta(days=7),
        )
    )
    session.commit()
    _password(client, clerk)
    assert client.get("/").status_code == 200  # front-desk staff: a second factor is optional
    clock.freeze(NOON + timedelta(minutes=6))
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/second-factor"
    assert client.get("/staff").headers["Location"] == "/account/second-factor"


def test_a_recovery_code_works_once(client, session):
    clock.freeze(NOON)
    counsel = factories.user(session, "counsel")
    session.commit()
    _, codes = _enrol(client, session, counsel)
    client.submit("/logout", page="/")
    _password(client, counsel)
    assert _code(client, codes[3].upper()).status_code == 302
    assert client.get("/").status_code == 200
    client.submit("/logout", page="/")
    _password(client, counsel)
    response = _code(client, codes[3])
    assert response.status_code == 200
    assert "used already" in response.get_data(as_text=True)
    assert second_factor.recovery_codes_left(session, counsel) == 9


def test_the_director_can_require_a_second_factor_of_every_staff_member(
    client, session, login_as, app
):
    clerk = factories.user(session, "staff")
    director = login_as("director")
    response = client.submit("/staff/second-factor", {"required_for_all": "all"}, page="/staff")
    assert response.status_code == 302
    assert second_factor.required_for_everyone(session)
    event = session.scalar(
        select(AuditEvent).where(AuditEvent.action == "second_factor.required_for_all")
    )
    assert event is not None and event.actor_user_id == director.id
    other = app.test_client()
    _password(other, clerk)
    assert other.get("/").headers["Location"] == "/account/second-factor"


def test_staff_who_chose_a_second_factor_must_use_it(client, session):
    clock.freeze(NOON)
    clerk = factories.user(session, "staff")
    session.commit()
    _password(client, clerk)
    page = client.get("/account/second-factor").get_data(as_text=True)
    secret = SECRET.search(page).group(1)
    client.submit("/account/second-factor", {"code": factories.totp_code(secret)})
    client.submit("/logout", page="/")
    _password(client, clerk)
    assert client.get("/").headers["Location"].startswith("/sign-in/second-factor")


def test_the_password_again_buys_no_more_code_guesses(client, session):
    clock.freeze(NOON)
    director = factories.user(session, "director")
    session.commit()
    with client.application.app_context():
        second_factor.enrol_known_secret(session, director, factories.TOTP_SECRET)
    session.commit()
    wrong = f"{(int(factories.totp_code()) + 1) % 1000000:06d}"
    _password(client, director)
    for _ in range(9):
        assert "That code is not right" in _code(client, wrong).get_data(as_text=True)
    client.submit("/logout", page="/")
    _password(client, director)  # the right password does not start the count over
    response = _code(client, wrong)
    assert "Too many wrong codes" in response.get_data(as_text=True)
    refused = client.submit(
        "/login", {"username": director.username, "password": factories.PASSWORD}
    )
    assert "Too many failed sign-ins" in refused.get_data(as_text=True)
