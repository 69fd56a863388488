"""Factories: real rows in the test database, with sensible defaults a test may override."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from decimal import Decimal

import pyotp
from sqlalchemy import select

from disclosure import clock
from disclosure.auth import service as auth_service
from disclosure.auth.models import User
from disclosure.auth.passwords import hash_secret
from disclosure.records import models as m

PASSWORD = "test-password-123"
# The authenticator-app secret login_as (tests/conftest.py) enrols for accounts that need one.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
PIN = "4321"
_counter = itertools.count(1)
_hashes: dict[str, str] = {}


def _hash(secret: str) -> str:
    # argon2 is slow by design; one hash per secret for the whole run keeps the suite quick.
    if secret not in _hashes:
        _hashes[secret] = hash_secret(secret)
    return _hashes[secret]


def totp_code(secret: str = TOTP_SECRET, at: datetime | None = None) -> str:
    """The code an authenticator app holding `secret` shows at `at` (default: the app's now)."""
    return pyotp.TOTP(secret).at(at or clock.now())


def _n() -> int:
    return next(_counter)


def free_case_number(session, year: int, series: str = "") -> int:
    """A case number of `year` no case has yet: cases are numbered at random (cases.intake), so
    a counter alone may meet one the demo or the intake drew."""
    from disclosure.cases.models import Case

    taken = set(
        session.scalars(select(Case.number).where(Case.year == year, Case.series == series))
    )
    number = _n()
    while number in taken:
        number = _n()
    return number


def user(session, role: str = "staff", **fields) -> User:
    n = _n()
    values = dict(
        username=f"{role}{n}",
        full_name=f"{role.title()} Person {n}",
        role=role,
        password_hash=_hash(PASSWORD),
        is_enabled=True,
        session_version=1,
        email=f"{role}{n}@library.invalid",
        phone="(636) 555-0100",
        created_at=clock.now(),
    )
    values.update(fields)
    obj = User(**values)
    session.add(obj)
    session.flush()
    return obj


def acting_director(session, director: User, deputy: User, days: int = 1):
    """`deputy` named acting Director by `director`, from a minute ago for `days` days."""
    return auth_service.name_acting_director(
        session,
        director,
        deputy,
        clock.now() - timedelta(minutes=1),
        clock.now() + timedelta(days=days),
    )


def branch(session, **fields) -> m.Branch:
    n = _n()
    obj = m.Branch(**{"code": f"B{n}", "name": f"Branch {n}", **fields})
    session.add(obj)
    session.flush()
    return obj


def workstation(session, branch_obj=None, **fields) -> m.Workstation:
    branch_obj = branch_obj or branch(session)
    obj = m.Workstation(
        **{"code": f"PC-{_n()}", "branch_id": branch_obj.id, "out_of_service": False, **fields}
    )
    session.add(obj)
    session.flush()
    return obj


def patron(session, **fields) -> m.Patron:
    n = _n()
    values = dict(
        card_number=f"29{n:012d}",
        name=f"Patron Number{n}",
        address=f"{n} Elm St, Hillsboro, MO",
        phone="(636) 555-1000",
        email=f"patron{n}@example.org",
        birth_year=1980,
        pin_hash=_hash(PIN),
        card_expires_on=clock.today() + timedelta(days=365),
        amount_owed=Decimal("0.00"),
        registered_at=clock.now() - timedelta(days=400),
        session_version=1,
    )
    values.update(fields)
    obj = m.Patron(**values)
    session.add(obj)
    session.flush()
    return obj


def loan(
    session,
    patron_obj=None,
    branch_obj=None,
    *,
    days_ago: float = 10,
    returned_days_ago: float | None = 5,
    **fields,
) -> m.Loan:
    patron_obj = patron_obj or patron(session)
    branch_obj = branch_obj or branch(session)
    now = clock.now()
    out = now - timedelta(days=days_ago)
    values = dict(
        patron_id=patron_obj.id,
        branch_id=branch_obj.id,
        item_barcode=f"3100{_n():08d}",
        item_title="Gilead",
        checked_out_at=out,
        due_at=out + timedelta(days=21),
        returned_at=None if returned_days_ago is None else now - timedelta(days=returned_days_ago),
        fine_settled=True,
    )
    values.update(fields)
    obj = m.Loan(**values)
    session.add(obj)
    session.flush()
    return obj


def computer_session(
    session, workstation_obj=None, patron_obj=None, *, days_ago: float = 1, **fields
) -> m.ComputerSession:
    workstation_obj = workstation_obj or workstation(session)
    start = clock.now() - timedelta(days=days_ago)
    values = dict(
        workstation_id=workstation_obj.id,
        patron_id=patron_obj.id if patron_obj else None,
        signup_name=None if patron_obj else "Walk In",
        started_at=start,
        ended_at=start + timedelta(minutes=45),
    )
    values.update(fields)
    obj = m.ComputerSession(**values)
    session.add(obj)
    session.flush()
    return obj


def interlibrary_loan(
    session,
    patron_obj=None,
    *,
    completed_days_ago: float | None = 3,
    status: str | None = None,
    **fields,
) -> m.InterlibraryLoan:
    patron_obj = patron_obj or patron(session)
    now = clock.now()
    completed = None if completed_days_ago is None else now - timedelta(days=completed_days_ago)
    values = dict(
        reference=f"ILL-T{_n():06d}",
        patron_id=patron_obj.id,
        title="Missouri Wildflowers",
        lending_library="St. Louis County Library",
        status=status or ("returned" if completed else "pending"),
        department="Reference",
        requested_at=now - timedelta(days=30),
        completed_at=completed,
    )
    values.update(fields)
    obj = m.InterlibraryLoan(**values)
    session.add(obj)
    session.flush()
    return obj


def ill_email(session, ill_obj, **fields) -> m.IllEmail:
    values = dict(
        ill_id=ill_obj.id,
        sent_at=clock.now() - timedelta(days=20),
        to_address="patron@example.org",
        subject="Your request",
        body="Update",
    )
    values.update(fields)
    obj = m.IllEmail(**values)
    session.add(obj)
    session.flush()
    return obj


def program(session, branch_obj=None, *, ends_on: date | None = None, **fields) -> m.Program:
    branch_obj = branch_obj or branch(session)
    ends = ends_on or clock.today() + timedelta(days=10)
    obj = m.Program(
        **{
            "code": f"PRG-T{_n()}",
            "branch_id": branch_obj.id,
            "title": "Storytime",
            "starts_on": ends - timedelta(days=1),
            "ends_on": ends,
            **fields,
        }
    )
    session.add(obj)
    session.flush()
    return obj


def registration(session, program_obj, patron_obj, **fields) -> m.ProgramRegistration:
    obj = m.ProgramRegistration(
        **{
            "program_id": program_obj.id,
            "patron_id": patron_obj.id,
            "registered_at": clock.now() - timedelta(days=5),
            **fields,
        }
    )
    session.add(obj)
    session.flush()
    return obj


def subscription(
    session, patron_obj=None, *, inactive_days: float = 10, **fields
) -> m.MailingListSubscription:
    mailing_list = session.query(m.MailingList).filter_by(name="Test list").one_or_none()
    if mailing_list is None:
        mailing_list = m.MailingList(name="Test list")
        session.add(mailing_list)
        session.flush()
    now = clock.now()
    obj = m.MailingListSubscription(
        **{
            "list_id": mailing_list.id,
            "patron_id": patron_obj.id if patron_obj else None,
            "email": "sub@example.org",
            "subscribed_at": now - timedelta(days=400),
            "last_activity_at": now - timedelta(days=inactive_days),
            **fields,
        }
    )
    session.add(obj)
    session.flush()
    return obj


def at(year: int, month: int, day: int, hour: int = 12) -> datetime:
    """A UTC instant for freezing the clock."""
    return datetime(year, month, day, hour, tzinfo=clock.UTC)


# ---- cases -------------------------------------------------------------------------------------


def case(session, kind: str = "subpoena", clerk=None, **fields):
    """A request logged at the desk through the real intake service (numbered, routed, audited).
    `fields` override Intake fields (officer_name, records_sought, patron_cards, warrant, ...)."""
    from disclosure.cases import intake

    clerk = clerk or user(session, "staff")
    values = dict(
        kind=kind,
        officer_name="Det. Jordan Hale",
        officer_agency="Jefferson County Sheriff's Office",
        officer_badge="4471",
        records_sought="Computer sign-up logs for 3 November",
    )
    if kind == "search_warrant":
        values["warrant"] = intake.WarrantFacts(executed_at=clock.now())
    if kind in ("subpoena", "court_order", "search_warrant", "fisa_order", "nsl", "preservation"):
        values.update(court="Circuit Court of Jefferson County", docket_number="26JE-CR00123")
    values.update(fields)
    obj = intake.log_request(session, clerk, intake.Intake(**values))
    session.flush()
    return obj


# ---- patrons' own records (patrons area) ------------------------------------------------------


def case_row(
    session, *, kind: str = "subpoena", closed: bool = True, gagged: bool = False, **fields
):
    """A Case row made directly (the cases area builds them through its workflow)."""
    from disclosure.cases.models import Case

    clerk = fields.pop("received_by", None) or user(session, "staff")
    now = clock.now()
    values = dict(
        year=now.year,
        number=free_case_number(session, now.year),
        kind=kind,
        status="closed" if closed else "with_director",
        received_at=now - timedelta(days=40),
        received_by_id=clerk.id,
        routed_at=now - timedelta(days=40),
        officer_name="Det. Sam Ortiz",
        officer_agency="Hillsboro Police Department",
        records_sought="",
        court_order_received=False,
        gagged=gagged,
        closed_at=now - timedelta(days=2) if closed else None,
    )
    values.update(fields)
    obj = Case(**values)
    session.add(obj)
    session.flush()
    return obj


def advised_case(
    session,
    kind: str = "subpoena",
    *,
    director=None,
    counsel=None,
    recommendation: str = "comply",
    checklist: dict | None = None,
    **fields,
):
    """A case with counsel assigned and advice recorded: ready for the Director's decision."""
    from disclosure.cases import service

    director = director or user(session, "director")
    counsel = counsel or user(session, "counsel")
    obj = case(session, kind, **fields)
    service.assign_counsel(session, director, obj, counsel, clock.today() + timedelta(days=7))
    ticks = (
        checklist
        if checklist is not None
        else {
            name: True
            for name in (
                "competent_court",
                "good_cause",
                "proper_form",
                "signed",
                "in_date",
                "within_jurisdiction",
            )
        }
    )
    service.record_advice(
        session,
        counsel,
        obj,
        advice="The subpoena is valid; comply narrowly.",
        recommendation=recommendation,
        checklist=ticks,
    )
    session.flush()
    return obj


def production(
    session,
    case_obj,
    items: list[tuple[str, int | None]],
    *,
    recipient: str = "Hillsboro Police Department",
    authority: str = "Subpoena of the Jefferson County Circuit Court, No. 26-CR-1234",
    **fields,
):
    """A Production of `case_obj` with one ProductionItem per (record_kind, patron_id)."""
    from disclosure.cases.models import Production, ProductionItem

    director = fields.pop("produced_by", None) or user(session, "director")
    obj = Production(
        case_id=case_obj.id,
        produced_at=fields.pop("produced_at", clock.now() - timedelta(days=5)),
        produced_by_id=director.id,
        recipient=recipient,
        authority=authority,
        manifest={},
        **fields,
    )
    session.add(obj)
    session.flush()
    for n, (kind, patron_id) in enumerate(items, 1):
        session.add(
            ProductionItem(
                production_id=obj.id, record_kind=kind, record_id=n, patron_id=patron_id, data={}
            )
        )
    session.flush()
    return obj


def patron_with_every_kind(session, **fields) -> m.Patron:
    """A patron with records of each kind: 3 loans, 2 computer sessions, 1 ILL with 2 e-mails,
    1 program registration, 1 mailing-list subscription."""
    who = patron(session, **fields)
    home = branch(session)
    for days in (30, 10, 2):
        loan(session, who, home, days_ago=days, returned_days_ago=None if days == 2 else days - 5)
    for days in (0.5, 2):
        computer_session(session, workstation(session, home), who, days_ago=days)
    ill = interlibrary_loan(session, who, completed_days_ago=None)
    ill_email(session, ill)
    ill_email(session, ill, subject="Your item has arrived")
    registration(session, program(session, home), who)
    subscription(session, who)
    return who


# ---- documents area: a realistic case and production to draw letters from ---------------------


def documents_case(
    session, *, received_by=None, kind: str = "subpoena", number: int | None = None, **fields
):
    """A case as the desk and the Director would have recorded it (documents area's own factory)."""
    from disclosure.cases.models import Case

    received_by = received_by or user(session, "staff")
    received = fields.pop("received_at", clock.now() - timedelta(days=3))
    values = dict(
        year=clock.local(received).year,
        number=number or free_case_number(session, clock.local(received).year),
        kind=kind,
        status="with_director",
        received_at=received,
        received_by_id=received_by.id,
        routed_at=received,
        officer_name="Det. Maria Alvarez",
        officer_badge="4471",
        officer_agency="Jefferson County Sheriff's Office",
        officer_jurisdiction="Hillsboro, Missouri",
        officer_contact="(636) 797-5000",
        records_sought="Computer sign-up and session logs for workstation HB-PC-07 on February 27, "
        "2026, 2 p.m. to 6 p.m.",
        court="Circuit Court of Jefferson County, Missouri",
        docket_number="26JE-CR00412",
        issued_on=date(2026, 3, 2),
        return_date=date(2026, 3, 20),
        court_order_received=False,
        gagged=False,
    )
    values.update(fields)
    obj = Case(**values)
    session.add(obj)
    session.flush()
    return obj


def documents_production(
    session, case_obj, director, *, loans: int = 3, sessions: int = 2, **fields
):
    """A frozen production of `case_obj`: loans and computer sessions with a manifest of files."""
    from disclosure.cases.models import Production, ProductionItem

    produced = fields.pop("produced_at", clock.now() - timedelta(hours=2))
    obj = Production(
        case_id=case_obj.id,
        produced_at=produced,
        produced_by_id=director.id,
        recipient="Det. Maria Alvarez, Jefferson County Sheriff's Office",
        authority="Subpoena 26JE-CR00412, Circuit Court of Jefferson County",
        manifest={},
        **fields,
    )
    session.add(obj)
    session.flush()
    base = datetime(2026, 2, 27, 20, 0, tzinfo=clock.UTC)
    items = [
        ProductionItem(
            production_id=obj.id,
            record_kind="loans",
            record_id=1000 + i,
            patron_id=None,
            data={
                "checked_out_at": (base - timedelta(days=9 - i)).isoformat(),
                "item_title": "Gilead",
            },
        )
        for i in range(loans)
    ]
    items += [
        ProductionItem(
            production_id=obj.id,
            record_kind="computer_sessions",
            record_id=2000 + i,
            patron_id=None,
            data={
                "started_at": (base + timedelta(minutes=50 * i)).isoformat(),
                "workstation": "HB-PC-07",
            },
        )
        for i in range(sessions)
    ]
    session.add_all(items)
    obj.manifest = {
        "files": {"records.csv": "a3f1" * 16, "records.json": "9c0e" * 16},
        "counts": {"computer_sessions": sessions, "loans": loans},
        "total": loans + sessions,
    }
    session.flush()
    return obj


# ---- cases and holds (holds area) -------------------------------------------------------------


def held_case(session, kind: str = "preservation", **fields):
    """A case as the desk logs it (straight to the Director); the cases area owns its rules."""
    from disclosure.cases.models import Case

    now = clock.now()
    n = free_case_number(session, now.year)
    received_by = fields.pop("received_by", None) or user(session, "staff")
    values = dict(
        year=now.year,
        number=n,
        kind=kind,
        status="with_director",
        received_at=now,
        received_by_id=received_by.id,
        routed_at=now,
        officer_name=f"Officer {n}",
        officer_agency="Jefferson County Sheriff",
        records_sought="",
    )
    values.update(fields)
    obj = Case(**values)
    session.add(obj)
    session.flush()
    return obj


def hold(
    session,
    case_obj=None,
    *,
    categories=("loans", "computer_sessions"),
    patrons=(),
    workstations=(),
    branch_obj=None,
    window=(None, None),
    requested_at: datetime | None = None,
    days: int = 90,
    **fields,
):
    """A hold placed straight in the database (tests of the purge; holds.service checks the
    rules)."""
    from disclosure.holds.models import Hold, HoldPatron, HoldWorkstation

    case_obj = case_obj or held_case(session)
    requested = requested_at or clock.now()
    scope = (
        "patrons"
        if patrons
        else "workstations"
        if workstations
        else "branch"
        if branch_obj
        else "library"
    )
    director = fields.pop("placed_by", None) or user(session, "director")
    obj = Hold(
        case_id=case_obj.id,
        requested_at=requested,
        requested_by="Det. Example, County Sheriff",
        expires_at=requested + timedelta(days=days),
        placed_at=clock.now(),
        placed_by_id=director.id,
        scope=scope,
        branch_id=branch_obj.id if branch_obj else None,
        window_start=window[0],
        window_end=window[1],
        **fields,
    )
    obj.set_categories(categories)
    obj.patrons = [HoldPatron.naming(p) for p in patrons]
    obj.workstations = [HoldWorkstation(workstation_id=w.id) for w in workstations]
    session.add(obj)
    session.flush()
    return obj
