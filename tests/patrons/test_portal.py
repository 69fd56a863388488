"""The patron portal: sign-in with card and PIN, asking, and nobody reaching anyone else's."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from disclosure import clock
from disclosure.patrons.models import FrozenReport, PatronRequest
from disclosure.patrons.service import NO_MATCH
from tests import factories
from tests.patrons.steps import ask, latest_request, run_queued_work, sign_in_patron, verify


def test_patron_signs_in_with_card_number_and_pin(client, session):
    patron = factories.patron(session)
    session.commit()
    response = sign_in_patron(client, patron)
    assert response.status_code == 302 and response.headers["Location"].endswith("/patron")
    html = client.get("/patron").get_data(as_text=True)
    assert "<h1>Your library records</h1>" in html and patron.email in html


def test_an_unknown_card_and_a_wrong_pin_get_the_same_message(client, session):
    patron = factories.patron(session)
    session.commit()
    wrong_pin = sign_in_patron(client, patron, pin="0000")
    unknown = client.submit(
        "/patron/login", {"card_number": "29999999999999", "pin": factories.PIN}
    )
    assert wrong_pin.status_code == unknown.status_code == 200
    assert NO_MATCH in wrong_pin.get_data(as_text=True) and NO_MATCH in unknown.get_data(
        as_text=True
    )


def test_a_card_is_locked_after_five_failed_attempts_and_the_patron_is_told_when_to_try_again(
    client, session
):
    clock.freeze(factories.at(2026, 3, 2, 15))  # 9:00 a.m. at the library
    patron = factories.patron(session)
    session.commit()
    for _ in range(4):
        assert NO_MATCH in sign_in_patron(client, patron, pin="0000").get_data(as_text=True)
    locked = sign_in_patron(client, patron, pin="0000").get_data(as_text=True)
    assert "try again after 9:15 a.m." in locked
    # even the right PIN waits out the lockout
    assert "try again after 9:15 a.m." in sign_in_patron(client, patron).get_data(as_text=True)
    clock.freeze(factories.at(2026, 3, 2, 15) + timedelta(minutes=16))
    assert sign_in_patron(client, patron).status_code == 302


def test_an_unknown_card_is_locked_the_same_way(client, session):
    clock.freeze(factories.at(2026, 3, 2, 15))
    for _ in range(5):
        html = client.submit(
            "/patron/login", {"card_number": "29999999999998", "pin": "0000"}
        ).get_data(as_text=True)
    assert "try again after 9:15 a.m." in html


def test_patron_a_can_never_reach_patron_b_anything(app, client, session):
    a, b = factories.patron(session), factories.patron(session)
    session.commit()
    sign_in_patron(client, b)
    ask(client)
    b_ready = latest_request(session, b)
    verify(app, session, b_ready)
    client.post("/logout", data={"csrf_token": client.csrf_token("/patron")})
    sign_in_patron(client, b)
    ask(client)  # a second request of B, still waiting for ID
    b_waiting = latest_request(session, b)
    client.post("/logout", data={"csrf_token": client.csrf_token("/patron")})

    sign_in_patron(client, a)
    for req in (b_ready, b_waiting):
        for url in (
            f"/patron/requests/{req.public_id}",
            f"/patron/requests/{req.public_id}/progress",
            *(f"/patron/requests/{req.public_id}/report.{f}" for f in ("pdf", "json", "csv")),
        ):
            assert client.get(url).status_code == 404, url
    home = client.get("/patron").get_data(as_text=True)
    assert b.name not in home and b_ready.reference not in home and b_waiting.reference not in home
    # and B's id in A's form makes no request for B
    assert ask(client, {"subject_id": b.id}).status_code == 200
    assert (
        session.scalar(
            select(func.count())
            .select_from(PatronRequest)
            .where(PatronRequest.requester_id == a.id)
        )
        == 0
    )


def test_a_guardian_gets_the_minors_report_and_not_another_childs(app, client, session):
    guardian, other_parent = factories.patron(session), factories.patron(session)
    minor = factories.patron(session, guardian_id=guardian.id, birth_year=clock.today().year - 10)
    other_child = factories.patron(
        session, guardian_id=other_parent.id, birth_year=clock.today().year - 9
    )
    factories.loan(session, minor)
    factories.loan(session, other_child)
    session.commit()

    sign_in_patron(client, other_parent)
    ask(client, {"subject_id": other_child.id})
    other_request = latest_request(session, other_parent)
    verify(app, session, other_request)
    client.post("/logout", data={"csrf_token": client.csrf_token("/patron")})

    sign_in_patron(client, guardian)
    form = client.get("/patron/ask").get_data(as_text=True)
    assert minor.name in form and other_child.name not in form
    refused = ask(client, {"subject_id": other_child.id})
    assert refused.status_code == 200 and "Not a valid choice" in refused.get_data(as_text=True)
    assert ask(client, {"subject_id": minor.id}).status_code == 302
    request = latest_request(session, guardian)
    assert request.subject_id == minor.id and request.for_minor
    verify(app, session, request)

    pdf = client.get(f"/patron/requests/{request.public_id}/report.pdf")
    assert (
        pdf.status_code == 200
        and pdf.mimetype == "application/pdf"
        and pdf.data.startswith(b"%PDF")
    )
    data = client.get(f"/patron/requests/{request.public_id}/report.json").get_json()
    assert data["patron"] == {"name": minor.name, "card_number": minor.card_number}
    assert data["counts"]["loans"] == 1
    for url in (
        f"/patron/requests/{other_request.public_id}",
        f"/patron/requests/{other_request.public_id}/report.pdf",
    ):
        assert client.get(url).status_code == 404


def test_a_guardian_must_show_proof_of_guardianship(app, session):
    guardian = factories.patron(session)
    minor = factories.patron(session, guardian_id=guardian.id)
    with app.app_context():
        from disclosure.errors import DomainError
        from disclosure.patrons import service

        request = service.ask_for_records(session, guardian, subject_id=minor.id)
        try:
            service.verify_and_compile(
                session, factories.user(session, "staff"), request, id_kind="passport"
            )
        except DomainError as err:
            assert err.field == "guardianship_proof"
        else:
            raise AssertionError("verified without proof of guardianship")
    assert session.scalar(select(func.count()).select_from(FrozenReport)) == 0


def test_nothing_is_compiled_before_verification(app, client, session, login_as):
    patron = factories.patron(session)
    factories.loan(session, patron)
    session.commit()
    sign_in_patron(client, patron)
    ask(client)
    request = latest_request(session, patron)
    assert request.status == "awaiting_id" and request.compiled_at is None
    assert session.scalar(select(func.count()).select_from(FrozenReport)) == 0
    assert client.get(f"/patron/requests/{request.public_id}/report.pdf").status_code == 404
    assert "show photo ID at any branch desk" in client.get(
        f"/patron/requests/{request.public_id}"
    ).get_data(as_text=True)
    staff_client = app.test_client()
    login_as("staff", the_client=staff_client)
    assert (
        staff_client.get(f"/desk/patron-requests/{request.public_id}/report.pdf").status_code == 404
    )

    staff_client.submit(
        f"/desk/patron-requests/{request.public_id}", {"id_kind": "passport", "confirmed": "y"}
    )
    session.refresh(request)
    assert request.status == "compiling" and request.id_kind == "passport"
    assert request.report is None  # the scheduler compiles it, not the request
    run_queued_work(app)
    session.refresh(request)
    assert request.status == "ready" and request.report is not None
    assert client.get(f"/patron/requests/{request.public_id}/report.pdf").status_code == 200


def test_verification_records_the_kind_of_id_and_never_its_number(app, client, session, login_as):
    patron = factories.patron(session)
    session.commit()
    sign_in_patron(client, patron)
    ask(client)
    request = latest_request(session, patron)
    desk = app.test_client()
    login_as("staff", the_client=desk)
    page = desk.get(f"/desk/patron-requests/{request.public_id}").get_data(as_text=True)
    assert "Kind of photo ID seen" in page and "never write down its number" in page
    assert "number" not in " ".join(
        c.name for c in PatronRequest.__table__.columns if c.name.startswith("id_")
    )
    refused = desk.submit(f"/desk/patron-requests/{request.public_id}", {"id_kind": "passport"})
    assert "Confirm that you saw the ID in person." in refused.get_data(as_text=True)


# The person asking types their PIN on the desk's screen (tests/patrons/test_desk_print.py).
BY_PIN = {"proof": "pin", "pin": factories.PIN}


def test_staff_log_a_written_request_made_at_the_desk_for_a_patron_or_a_minors_guardian(
    app, client, session, login_as
):
    guardian = factories.patron(session)
    minor = factories.patron(session, guardian_id=guardian.id)
    adult = factories.patron(session)
    session.commit()
    login_as("staff")
    response = client.submit(
        "/desk/patron-requests/new",
        {"card_number": adult.card_number, "kinds": ["loans"], **BY_PIN},
    )
    assert response.status_code == 302
    own = latest_request(session, adult)
    assert own.channel == "desk" and own.kinds == ["loans"] and own.logged_by_id is not None
    client.submit(
        "/desk/patron-requests/new",
        {"card_number": minor.card_number, "for_minor": "y", **BY_PIN},  # the guardian's PIN
    )
    for_minor = latest_request(session, guardian)
    assert for_minor.subject_id == minor.id and for_minor.for_minor
    refused = client.submit(
        "/desk/patron-requests/new", {"card_number": adult.card_number, "for_minor": "y", **BY_PIN}
    )
    assert "no guardian on file" in refused.get_data(as_text=True)
    unknown = client.submit("/desk/patron-requests/new", {"card_number": "00000000000000"})
    assert "No patron has that card number" in unknown.get_data(as_text=True)


def test_the_nightly_job_forgets_old_sign_in_failures_and_expired_report_copies(
    app, client, session
):
    clock.freeze(factories.at(2026, 3, 2, 15))
    patron = factories.patron(session)
    session.commit()
    sign_in_patron(client, patron, pin="0000")
    clock.freeze(factories.at(2026, 3, 4, 15))
    from disclosure.auth.models import SignInAddressCard, SignInLock
    from disclosure.patrons.area import drop_expired_reports

    with app.app_context():
        # the card's failure, and the address's record of having tried that card
        assert "2 old sign-in failure count(s) forgotten" in drop_expired_reports(session)
    assert session.scalar(select(func.count()).select_from(SignInLock)) == 0
    assert session.scalar(select(func.count()).select_from(SignInAddressCard)) == 0
