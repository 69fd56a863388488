"""A realistic, deterministic demo library: branches, workstations, patrons (minors with
guardians, expired cards, fines), circulation, computer sessions, interlibrary loans, programs,
mailing lists, and one staff account per role. Same seed, same library."""

from __future__ import annotations

import random
import secrets
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from disclosure import clock
from disclosure.auth import accounts, second_factor
from disclosure.auth.models import User
from disclosure.auth.passwords import hash_secret
from disclosure.cases import gag, intake, productions, service
from disclosure.errors import DomainError
from disclosure.holds.service import HoldRequest, place_hold
from disclosure.notify.models import Notification
from disclosure.records import kinds
from disclosure.records import models as m

DEMO_PASSWORD = "demo-password"
DEMO_PATRON_PIN = "1234"
DEMO_PATRON_CARD = "21000000000001"
DEMO_GUARDIAN_CARD = "21000000000002"

ACCOUNTS = [
    # username, name, role, phone
    ("director", "Dana Whitfield", "director", "(636) 555-0101"),
    ("supervisor", "Sam Okafor", "supervisor", "(636) 555-0102"),
    ("clerk", "Casey Lindqvist", "staff", "(636) 555-0103"),
    ("counsel", "Morgan Reyes, Esq.", "counsel", "(314) 555-0199"),
    ("admin", "Alex Byrne", "admin", "(636) 555-0104"),
]
FIRST = [
    "Avery",
    "Blake",
    "Cameron",
    "Dakota",
    "Elliot",
    "Frances",
    "Grace",
    "Harper",
    "Isaac",
    "Jordan",
    "Kai",
    "Logan",
    "Maya",
    "Nadia",
    "Oliver",
    "Priya",
    "Quinn",
    "Rosa",
    "Samir",
    "Tamara",
    "Uma",
    "Victor",
    "Wen",
    "Xavier",
    "Yusuf",
    "Zoe",
    "Amira",
    "Bruno",
    "Chloe",
    "Diego",
    "Esther",
    "Felix",
    "Gianna",
    "Hugo",
    "Ines",
    "Jamal",
    "Keiko",
    "Luis",
    "Marta",
    "Noah",
]
LAST = [
    "Anderson",
    "Baker",
    "Chen",
    "Diaz",
    "Evans",
    "Fischer",
    "Garcia",
    "Hughes",
    "Ibrahim",
    "Johnson",
    "Kowalski",
    "Lee",
    "Martin",
    "Nguyen",
    "Okoro",
    "Patel",
    "Quintero",
    "Rossi",
    "Schmidt",
    "Turner",
    "Usman",
    "Vargas",
    "Walker",
    "Xu",
    "Young",
    "Zimmerman",
    "Brooks",
    "Castillo",
    "Dunn",
    "Ellis",
    "Foster",
    "Gray",
    "Hale",
    "Ito",
    "Jensen",
    "Klein",
]
STREETS = [
    "Main",
    "Oak",
    "Maple",
    "Elm",
    "Cedar",
    "Pine",
    "Church",
    "Mill",
    "Spring",
    "Ridge",
    "Lake",
    "Hill",
    "Park",
    "River",
]
TOWNS = ["Hillsboro, MO 63050", "Arnold, MO 63010", "Festus, MO 63028", "De Soto, MO 63020"]
TITLES = [
    "The Overstory",
    "Braiding Sweetgrass",
    "Educated",
    "The Warmth of Other Suns",
    "Station Eleven",
    "Gilead",
    "The Underground Railroad",
    "Hidden Figures",
    "A Gentleman in Moscow",
    "The Book Thief",
    "Small Great Things",
    "Salt, Fat, Acid, Heat",
    "The Body Keeps the Score",
    "Sapiens",
    "Circe",
    "The Nickel Boys",
    "Where the Crawdads Sing",
    "Becoming",
    "Born a Crime",
    "The Road",
    "Home Repair for Dummies",
    "Missouri Wildflowers",
    "Learning Python",
    "The Very Hungry Caterpillar",
    "Goodnight Moon",
    "Dog Man",
    "Wonder",
    "Holes",
    "The Hobbit",
    "Charlotte's Web",
]
DEPARTMENTS = ["Adult Services", "Youth Services", "Reference", "Genealogy"]


def is_empty(session: Session) -> bool:
    """True when there are no accounts and no patrons yet."""
    return not (
        session.scalar(select(func.count()).select_from(User))
        or session.scalar(select(func.count()).select_from(m.Patron))
    )


def load(session: Session, scale: float = 1.0, progress=print, with_cases: bool = True) -> str:
    """Fill an empty database; refuse one that has anything in it."""
    if not is_empty(session):
        raise DomainError(
            "The database is not empty; the demo library loads only into an empty one."
        )
    rng = random.Random(2026)
    now = clock.now()
    _accounts(session)
    branches = _branches(session)
    workstations = _workstations(session, branches)
    patrons = _patrons(session, rng, branches, max(20, int(2000 * scale)), now)
    progress(f"  {len(patrons)} patrons")
    loans = _loans(session, rng, patrons, branches, int(20000 * scale), now)
    progress(f"  {loans} loans")
    sessions = _computer_sessions(session, rng, patrons, workstations, int(30000 * scale), now)
    progress(f"  {sessions} computer sessions")
    ills = _interlibrary_loans(session, rng, patrons, max(10, int(300 * scale)), now)
    programs = _programs(session, rng, patrons, branches, now)
    subscriptions = _mailing_lists(session, rng, patrons, max(10, int(500 * scale)), now)
    progress(
        f"  {ills} interlibrary loans, {programs} program registrations, {subscriptions} "
        "subscriptions"
    )
    if with_cases:
        progress(f"  {_cases(session, now)} law-enforcement cases in various states")
    return _summary()


def _accounts(session: Session) -> None:
    created = {}
    for username, name, role, phone in ACCOUNTS:
        supervisor = created.get("supervisor") if role == "staff" else None
        created[username] = accounts.create_user(
            session,
            None,
            username=username,
            full_name=name,
            role=role,
            password=secrets.token_urlsafe(24),
            email=f"{username}@library.invalid",
            phone=phone,
            supervisor_id=supervisor.id if supervisor else None,
        )
        # The demo's one published, easy password is below the rules for real accounts
        # (docs/rules.md R-password), so it is set here, past them, for the demo alone.
        created[username].password_hash = hash_secret(DEMO_PASSWORD)
        if role in second_factor.ALWAYS_REQUIRED:
            second_factor.enrol_known_secret(session, created[username], second_factor.DEMO_SECRET)
    # The Director is told of every account made (R-two-person); the demo's own five are no news
    # to the demo's Director, so those notices start read.
    session.execute(
        update(Notification).where(Notification.case_id.is_(None)).values(read_at=clock.now())
    )


def current_code(session: Session, username: str) -> str:
    """The code a demo account's authenticator app would show now."""
    user = session.scalar(select(User).where(User.username == username))
    code = second_factor.current_code(session, user) if user is not None else None
    if code is None:
        raise DomainError(f"“{username}” has no authenticator app.")
    return code


def _branches(session: Session) -> list[int]:
    rows = [
        {"code": "HQ", "name": "Arnold Branch (Headquarters)"},
        {"code": "NW", "name": "Northwest Branch, High Ridge"},
        {"code": "WD", "name": "Windsor Branch, Imperial"},
    ]
    session.execute(insert(m.Branch), rows)
    return list(session.scalars(select(m.Branch.id).order_by(m.Branch.id)))


def _workstations(session: Session, branches: list[int]) -> list[int]:
    codes = {0: "HQ", 1: "NW", 2: "WD"}
    rows = [
        {
            "code": f"{codes[i % 3]}-PC{(i // 3) + 1:02d}",
            "branch_id": branches[i % 3],
            "out_of_service": False,
        }
        for i in range(12)
    ]
    session.execute(insert(m.Workstation), rows)
    return list(session.scalars(select(m.Workstation.id).order_by(m.Workstation.id)))


def _patrons(
    session: Session, rng: random.Random, branches: list[int], count: int, now
) -> list[int]:
    pin_hash = hash_secret(
        DEMO_PATRON_PIN
    )  # one hash for all: hashing 2,000 PINs would take minutes
    today = clock.today()
    adults, rows, links = [], [], []
    for n in range(1, count + 1):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        minor = n > 3 and adults and rng.random() < 0.12
        guardian = rng.choice(adults) if minor else None
        expired = rng.random() < 0.06
        owes = rng.random() < 0.08
        rows.append(
            {
                "card_number": f"2100000000{n:04d}",
                "name": f"{first} {guardian[1] if guardian else last}",
                "address": guardian[2]
                if guardian
                else f"{rng.randint(100, 9999)} {rng.choice(STREETS)} St, {rng.choice(TOWNS)}",
                "phone": f"(636) 555-{rng.randint(1000, 9999)}",
                "email": f"{first}.{last}{n}@example.org".lower() if rng.random() < 0.6 else None,
                "birth_year": (today.year - rng.randint(6, 16))
                if minor
                else (today.year - rng.randint(18, 88) if rng.random() < 0.5 else None),
                "pin_hash": pin_hash,
                "card_expires_on": today - timedelta(days=rng.randint(1, 400))
                if expired
                else today + timedelta(days=rng.randint(30, 1100)),
                "amount_owed": Decimal(rng.randint(25, 4000)) / 100 if owes else Decimal("0.00"),
                "guardian_id": None,  # linked after the insert, by card number (see below)
                "home_branch_id": rng.choice(branches),
                "registered_at": now - timedelta(days=rng.randint(130, 3000)),
                "session_version": 1,
            }
        )
        if guardian:
            links.append((n, guardian[0]))
        if not minor and n != 3:  # patron 3 becomes the demo minor below
            adults.append((n, last, rows[-1]["address"]))
    # The first two patrons are the demo's: patron 1 an adult, patron 2 the guardian of patron 3.
    rows[0]["name"], rows[1]["name"], rows[2]["name"] = (
        "Jordan Ellis",
        "Priya Castillo",
        "Mateo Castillo",
    )
    rows[2].update(birth_year=today.year - 11, address=rows[1]["address"])
    links = [(n, g) for n, g in links if n != 3] + [(3, 2)]
    rows[0]["email"] = "jordan.ellis@example.org"
    session.execute(insert(m.Patron), rows)
    # Guardians are linked by card number, not by assumed ids: a PostgreSQL sequence does not
    # restart at 1 after rolled-back inserts, so "ids in order on an empty table" is not safe.
    id_of = dict(session.execute(select(m.Patron.card_number, m.Patron.id)).all())
    card = lambda n: f"2100000000{n:04d}"  # noqa: E731
    session.execute(
        update(m.Patron), [{"id": id_of[card(n)], "guardian_id": id_of[card(g)]} for n, g in links]
    )
    return list(session.scalars(select(m.Patron.id).order_by(m.Patron.id)))


def _loans(session, rng, patrons, branches, count, now) -> int:
    rows = []
    for _ in range(count):
        out = now - timedelta(days=rng.uniform(0, 120), minutes=rng.randint(0, 600))
        returned = out + timedelta(days=rng.uniform(1, 30))
        still_out = returned > now or rng.random() < 0.04
        rows.append(
            {
                "patron_id": rng.choice(patrons[:3])
                if rng.random() < 0.003
                else rng.choice(patrons),
                "branch_id": rng.choice(branches),
                "item_barcode": f"3100{rng.randint(10**8, 10**9 - 1)}",
                "item_title": rng.choice(TITLES),
                "checked_out_at": out,
                "due_at": out + timedelta(days=21),
                "returned_at": None if still_out else returned,
                "fine_settled": rng.random() > 0.03,
            }
        )
    # The demo patron borrows every ten days, so each month has checkouts to ask about (the demo
    # subpoena names one month, and the portal has something to show).
    demo_patron = session.scalar(
        select(m.Patron.id).where(m.Patron.card_number == DEMO_PATRON_CARD)
    )
    for days_ago in range(5, 120, 10):
        out = now - timedelta(days=days_ago, hours=rng.randint(1, 8))
        rows.append(
            {
                "patron_id": demo_patron,
                "branch_id": rng.choice(branches),
                "item_barcode": f"3100{rng.randint(10**8, 10**9 - 1)}",
                "item_title": rng.choice(TITLES),
                "checked_out_at": out,
                "due_at": out + timedelta(days=21),
                "returned_at": min(out + timedelta(days=rng.uniform(1, 14)), now),
                "fine_settled": True,
            }
        )
    for start in range(0, len(rows), 5000):
        session.execute(insert(m.Loan), rows[start : start + 5000])
    return len(rows)


def _computer_sessions(session, rng, patrons, workstations, count, now) -> int:
    rows = []
    for _ in range(count):
        start = now - timedelta(days=rng.uniform(0, 120))
        walk_in = rng.random() < 0.15
        rows.append(
            {
                "workstation_id": rng.choice(workstations),
                "patron_id": None if walk_in else rng.choice(patrons),
                "signup_name": f"{rng.choice(FIRST)} {rng.choice(LAST)[0]}." if walk_in else None,
                "started_at": start,
                "ended_at": min(start + timedelta(minutes=rng.randint(10, 120)), now),
            }
        )
    for begin in range(0, len(rows), 5000):
        session.execute(insert(m.ComputerSession), rows[begin : begin + 5000])
    return len(rows)


def _interlibrary_loans(session, rng, patrons, count, now) -> int:
    emails = []
    for n in range(1, count + 1):
        requested = now - timedelta(days=rng.uniform(0, 200))
        done = rng.random() < 0.7
        status = (
            rng.choice(["returned", "received copy", "cancelled", "rejected"])
            if done
            else rng.choice(["new", "pending", "received loan"])
        )
        ill_id = session.execute(
            insert(m.InterlibraryLoan)
            .values(
                reference=f"ILL-{n:05d}",
                patron_id=rng.choice(patrons),
                title=rng.choice(TITLES),
                lending_library=rng.choice(
                    [
                        "St. Louis County Library",
                        "Kansas City Public Library",
                        "Springfield-Greene County Library",
                    ]
                ),
                status=status,
                department=rng.choice(DEPARTMENTS),
                requested_at=requested,
                completed_at=min(requested + timedelta(days=rng.randint(5, 40)), now)
                if done
                else None,
            )
            .returning(m.InterlibraryLoan.id)
        ).scalar_one()
        for k in range(rng.randint(1, 3)):
            emails.append(
                {
                    "ill_id": ill_id,
                    "sent_at": requested + timedelta(days=k * 3),
                    "to_address": "patron@example.org",
                    "subject": f"Your interlibrary loan request ILL-{n:05d}",
                    "body": "Your request has been updated.",
                }
            )
    session.execute(insert(m.IllEmail), emails)
    return count


def _programs(session, rng, patrons, branches, now) -> int:
    today = clock.today()
    names = [
        "Toddler Storytime",
        "Resume Workshop",
        "Teen Coding Club",
        "Genealogy 101",
        "Tax Help",
        "Book Club: Gilead",
        "Summer Reading Kickoff",
        "Medicare Basics",
        "Knitting Circle",
        "Chess for Kids",
    ]
    registrations = []
    for n, title in enumerate(names * 2, start=1):
        starts = today + timedelta(days=rng.randint(-90, 60))
        program_id = session.execute(
            insert(m.Program)
            .values(
                code=f"PRG-{n:03d}",
                branch_id=rng.choice(branches),
                title=title,
                starts_on=starts,
                ends_on=starts + timedelta(days=rng.choice([0, 0, 7, 28])),
            )
            .returning(m.Program.id)
        ).scalar_one()
        for patron_id in rng.sample(patrons, min(len(patrons), rng.randint(5, 25))):
            registrations.append(
                {
                    "program_id": program_id,
                    "patron_id": patron_id,
                    "registered_at": now - timedelta(days=rng.randint(0, 120)),
                }
            )
    session.execute(insert(m.ProgramRegistration), registrations)
    return len(registrations)


def _mailing_lists(session, rng, patrons, count, now) -> int:
    list_ids = [
        session.execute(
            insert(m.MailingList).values(name=name).returning(m.MailingList.id)
        ).scalar_one()
        for name in ("Programs and events", "Teen news")
    ]
    rows = []
    for patron_id in rng.sample(patrons, min(count, len(patrons))):
        subscribed = now - timedelta(days=rng.randint(30, 900))
        rows.append(
            {
                "list_id": rng.choice(list_ids),
                "patron_id": patron_id,
                "email": f"subscriber{patron_id}@example.org",
                "subscribed_at": subscribed,
                "last_activity_at": now - timedelta(days=rng.randint(0, 400)),
            }
        )
    session.execute(insert(m.MailingListSubscription), rows)
    return len(rows)


def _cases(session: Session, now) -> int:
    """A Director's desk as a library might have it: cases in every state, made through the real
    services (numbered, routed, audited) at the times they would have happened."""
    staff = {u.username: u for u in session.scalars(select(User))}
    director, counsel, clerk = staff["director"], staff["counsel"], staff["clerk"]
    ticks = {
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
    card = DEMO_PATRON_CARD

    def logged(days_ago: float, **fields):
        with clock.frozen(now - timedelta(days=days_ago)):
            return intake.log_request(session, clerk, intake.Intake(**fields))

    # 1. a subpoena answered last month: complied with, records produced, closed. It names the
    # calendar month before it was answered, and the production holds exactly that month.
    answered = clock.local(now - timedelta(days=38))
    month_end = answered.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    month_start = (month_end - timedelta(days=1)).replace(day=1)
    named = f"1–{(month_end - timedelta(days=1)).day} {month_start:%B}"
    done = logged(
        40,
        kind="subpoena",
        officer_name="Det. Ray Alvarez",
        officer_agency="Arnold Police Department",
        officer_badge="2291",
        records_sought=f"Checkout history of one patron, {named}",
        patron_cards=[card],
        court="Circuit Court of Jefferson County",
        docket_number="26JE-CR01187",
        return_date=(now - timedelta(days=20)).date(),
    )
    with clock.frozen(now - timedelta(days=38)):
        service.assign_counsel(session, director, done, counsel, (now - timedelta(days=33)).date())
        service.record_advice(
            session,
            counsel,
            done,
            advice="Issued by a court of competent jurisdiction and in proper form. Comply, "
            f"limited to {month_start:%B}.",
            recommendation="comply",
            checklist=ticks,
        )
        service.decide(session, director, done, "comply")
        # exactly what the subpoena named: this patron's checkouts in that month
        productions.freeze(
            session,
            director,
            done,
            productions.Criteria(
                kinds=[kinds.LOANS.key], card_number=card, starts_at=month_start, ends_at=month_end
            ),
            recipient="Det. Ray Alvarez, Arnold Police Department",
            authority="Subpoena 26JE-CR01187",
        )
        service.close(
            session, director, done, f"Complied: {month_start:%B} checkouts of one patron produced."
        )
        # the Director read these a month ago
        session.execute(
            update(Notification).where(Notification.case_id == done.id).values(read_at=clock.now())
        )
    # 2. a subpoena with counsel now, its return date in ten days
    review = logged(
        3,
        kind="subpoena",
        officer_name="Sgt. Dana Brooks",
        officer_agency="Jefferson County Sheriff's Office",
        records_sought="Computer sign-up logs, HQ, 1–7 November",
        workstation_codes=["HQ-PC01"],
        court="Circuit Court of Jefferson County",
        docket_number="26JE-CR01302",
        return_date=(now + timedelta(days=10)).date(),
    )
    with clock.frozen(now - timedelta(days=2)):
        service.assign_counsel(session, director, review, counsel, (now + timedelta(days=4)).date())
    # 3. an officer's question with no paper, yesterday
    logged(
        1,
        kind="informal",
        officer_name="Officer Kim Tran",
        officer_agency="Festus Police Department",
        records_sought="Asked who used the computers at the Windsor branch on Friday afternoon",
    )
    # 4. an emergency answered on counsel's advice; the officer's paper is overdue
    urgent = logged(
        9,
        kind="exigent",
        officer_name="Lt. Marcus Webb",
        officer_agency="Missouri State Highway Patrol",
        records_sought="Sign-up name for NW-PC01 on the evening of a bomb threat",
        workstation_codes=["NW-PC01"],
    )
    with clock.frozen(now - timedelta(days=9) + timedelta(minutes=40)):
        service.record_exigent_waiver(
            session,
            director,
            urgent,
            counsel_name=counsel.full_name,
            advised_at=clock.now(),
            advice="An imminent threat to life is stated; release the sign-up name only.",
            by_phone=True,
            emergency="Bomb threat e-mailed from a library computer",
            released="The sign-up name for one session",
        )
    # 5. a National Security Letter: gagged from intake
    nsl = logged(
        2,
        kind="nsl",
        officer_name="Special Agent R. Hollis",
        officer_agency="FBI St. Louis Field Office",
        records_sought="All records of one patron since January",
        patron_cards=[card],
    )
    with clock.frozen(now - timedelta(days=2)):
        gag.impose_gag(
            session,
            director,
            nsl,
            issued_by="FBI St. Louis Field Office",
            issued_on=clock.local(now - timedelta(days=2)).date(),  # the library's date, not UTC's
        )
    # 6. a preservation request: one computer's logs kept for 90 days, pending a court order
    keep = logged(
        78,
        kind="preservation",
        officer_name="Det. Ana Ruiz",
        officer_agency="Jefferson County Sheriff's Office",
        records_sought="Preserve the sign-up logs of WD-PC01 for the week of a burglary",
        workstation_codes=["WD-PC01"],
    )
    with clock.frozen(now - timedelta(days=78)):
        place_hold(
            session,
            director,
            keep,
            HoldRequest(
                categories=[kinds.COMPUTER_SESSIONS.category.key],
                requested_on=clock.today(),
                requested_by="Det. Ana Ruiz, Jefferson County Sheriff's Office",
                patron_cards=[],
                workstation_codes=["WD-PC01"],
            ),
        )
    return 6


def _summary() -> str:
    lines = ["Demo library loaded. Sign in at /login with any of these (password: demo-password):"]
    lines += [f"  {username:<11} {name} ({role})" for username, name, role, _ in ACCOUNTS]
    lines.append(
        f"Patron portal at /patron/login: card {DEMO_PATRON_CARD}, PIN {DEMO_PATRON_PIN} (guardian "
        f"of a minor: card {DEMO_GUARDIAN_CARD}, same PIN)."
    )
    lines.append(
        "director, counsel and admin also need a code: add the authenticator secret "
        f"{second_factor.DEMO_SECRET} to an app, or run `disclosure demo code USERNAME`."
    )
    return "\n".join(lines)
