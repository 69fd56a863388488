"""The demo library: deterministic, realistic, one account per role, only into an empty database."""

from datetime import datetime

from sqlalchemy import func, select

from disclosure import clock
from disclosure.auth.models import User
from disclosure.records import models as m


def test_demo_fills_an_empty_database_and_refuses_a_second_time(app, session):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "--scale", "0.02"])
    assert result.exit_code == 0, result.output
    assert "password: demo-password" in result.output
    roles = dict(session.execute(select(User.username, User.role)).all())
    assert roles == {
        "director": "director",
        "clerk": "staff",
        "supervisor": "supervisor",
        "counsel": "counsel",
        "admin": "admin",
    }
    assert session.scalar(select(func.count()).select_from(m.Branch)) == 3
    assert session.scalar(select(func.count()).select_from(m.Workstation)) == 12
    assert (
        session.scalar(
            select(func.count()).select_from(m.Patron).where(m.Patron.guardian_id.is_not(None))
        )
        >= 1
    )
    assert (
        session.scalar(select(func.count()).select_from(m.Loan)) == 400 + 12
    )  # + the demo patron's one every ten days
    again = runner.invoke(args=["demo", "--scale", "0.02"])
    assert again.exit_code != 0 and "not empty" in again.output
    quiet = runner.invoke(args=["demo", "--if-empty"])
    assert quiet.exit_code == 0 and "was not loaded" in quiet.output


def test_demo_has_cases_in_several_states_made_through_the_services(app, session):
    from disclosure.cases.models import Case

    result = app.test_cli_runner().invoke(args=["demo", "--scale", "0.02"])
    assert result.exit_code == 0, result.output
    cases = session.scalars(select(Case).order_by(Case.id)).all()
    assert [c.kind for c in cases] == [
        "subpoena",
        "subpoena",
        "informal",
        "exigent",
        "nsl",
        "preservation",
    ]
    assert (
        cases[0].closed_at is not None and cases[4].gagged and cases[3].paperwork_due_at is not None
    )
    from disclosure.holds.models import Hold

    hold = session.scalar(select(Hold).where(Hold.case_id == cases[5].id))
    assert hold.is_active() and (hold.expires_at - hold.requested_at).days == 90
    # the answered subpoena produced exactly the month it names, all before it was answered
    from disclosure.cases.productions import when_of

    [production] = cases[0].productions
    assert production.items
    months = {
        clock.local(datetime.fromisoformat(when_of(i))).strftime("%B") for i in production.items
    }
    assert len(months) == 1 and months.pop() in cases[0].records_sought
    assert all(
        datetime.fromisoformat(when_of(i)) < production.produced_at for i in production.items
    )
