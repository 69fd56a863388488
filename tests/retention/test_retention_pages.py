"""The public retention schedule and the Director's settings read the rules the purge enforces."""

import re

from sqlalchemy import select

from disclosure import clock
from disclosure.audit.models import AuditEvent
from disclosure.retention import purge
from disclosure.retention.rules import retention_sentences
from tests import factories as f

# The default schedule's days, as the Director's settings form sends them.
SCHEDULE = {
    "loans": 60,
    "computer_sessions": 3,
    "program_registrations": 0,
    "interlibrary_loans": 0,
    "ill_emails": 0,
    "mailing_list_subscriptions": 183,
    "patrons": 0,
}


def test_the_public_schedule_needs_no_sign_in_and_states_each_rule(client):
    html = client.get("/retention").get_data(as_text=True)
    assert "Computer sign-up and session logs are deleted 3 days after the session." in html
    assert (
        "Circulation history (loans once returned and settled) is deleted 60 days after the item "
        "is returned." in html
    )
    assert "Program registrations are deleted when the program ends." in html
    assert "Their status and department are kept" in html


def test_the_director_changes_a_rule_and_the_public_page_and_an_audit_event_follow(
    client, login_as, session
):
    login_as("director")
    page = client.get("/retention/settings").get_data(as_text=True)
    assert 'name="computer_sessions"' in page and 'value="3"' in page
    data = {**SCHEDULE, "computer_sessions": 2}
    asked = client.submit("/retention/settings", data)
    assert asked.status_code == 200 and "Save this retention change?" in asked.get_data(
        as_text=True
    )
    response = client.submit("/retention/settings", {**data, "confirmed": "yes"})
    assert response.status_code == 302
    assert "are deleted 2 days after the session." in client.get("/retention").get_data(
        as_text=True
    )
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "retention.changed")
    ).one()
    assert event.detail == "kind=computer_sessions days=3->2"


def test_a_retention_change_shows_tonights_dry_run_per_kind_before_it_is_saved(
    client, login_as, session
):
    login_as("director")
    patron, held_patron = f.patron(session), f.patron(session)
    for _ in range(4):
        f.loan(session, patron, days_ago=30, returned_days_ago=20)  # due under a 1-day rule
    f.loan(session, held_patron, days_ago=30, returned_days_ago=20)
    f.hold(session, categories=("loans",), patrons=(held_patron,))
    session.commit()
    html = client.submit("/retention/settings", {**SCHEDULE, "loans": 1}).get_data(as_text=True)
    assert "Save this retention change?" in html
    assert "kept 60 days → <strong>1 day</strong>" in html
    # per kind, without the change / with it / of those, kept for holds: all five loans leave
    # ordinary use, and the held one is first copied into its hold's store
    assert _row(html, "Loans (circulation history)") == ["0", "5", "1"]
    assert _row(html, "Computer sign-up and session logs") == ["0", "0", "0"]
    # nothing is saved yet: the schedule still says 60 days
    assert "60 days after the item is returned" in client.get("/retention").get_data(as_text=True)
    back = client.submit("/retention/settings", {**SCHEDULE, "loans": 1, "confirmed": "back"})
    assert re.search(r'id="loans"[^>]*value="1"', back.get_data(as_text=True))  # as typed
    client.submit("/retention/settings", {**SCHEDULE, "loans": 1, "confirmed": "yes"})
    assert "1 day after the item is returned" in client.get("/retention").get_data(as_text=True)


def _row(html: str, label: str) -> list[str]:
    """The numbers of the confirmation table's row for `label`."""
    row = html[html.index(f"<td>{label}") :].split("</tr>")[0]
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in row.split("</td>")[1:4]]


def test_a_negative_number_of_days_is_refused_beside_the_field(client, login_as):
    login_as("director")
    response = client.submit("/retention/settings", {**SCHEDULE, "loans": -1})
    assert 'id="loans-error">Give a whole number of days from 0 to 3650.' in response.get_data(
        as_text=True
    )


def test_the_patrons_area_gets_a_plain_sentence_per_kind(session):
    sentences = dict(retention_sentences(session))
    assert (
        sentences["computer_sessions"]
        == "Computer sign-up and session logs are deleted 3 days after the session."
    )
    assert len(sentences) == 7


def test_the_purge_history_shows_counts_and_what_holds_kept(client, login_as, session):
    clock.freeze(f.at(2026, 6, 15))
    director = login_as("director")
    patron = f.patron(session)
    f.loan(session, patron, days_ago=100, returned_days_ago=90)
    f.hold(session, patrons=[patron], categories=["loans"], placed_by=director)
    f.computer_session(session, days_ago=10)
    session.flush()
    purge.run_purge(session.connection())
    session.commit()
    html = client.get("/retention/purges").get_data(as_text=True)
    assert 'Computer sign-up and session logs</td><td class="num">1</td>' in html
    assert (
        'Loans (circulation history)</td><td class="num">1</td><td class="num">0</td><td '
        'class="num">1</td><td class="num">0</td><td class="num">0</td>' in html
    )
    home = client.get("/").get_data(as_text=True)
    assert "preserved for holds: 1" in home


def test_purge_dry_run_command_prints_per_kind_and_changes_nothing(app, session):
    clock.freeze(f.at(2026, 6, 15))
    f.computer_session(session, days_ago=10)
    f.computer_session(session, days_ago=10)
    session.commit()
    result = app.test_cli_runner().invoke(args=["purge", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert (
        "Computer sign-up and session logs: 2 would be deleted, 0 kept because of holds"
        in result.output
    )
    result = app.test_cli_runner().invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    assert "Computer sign-up and session logs: 2 deleted" in result.output
    again = app.test_cli_runner().invoke(args=["purge", "--dry-run"])
    assert "Computer sign-up and session logs: 0 would be deleted" in again.output
