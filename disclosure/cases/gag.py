"""Gag orders (nondisclosure): the words and the counting that keep a gagged matter hidden.
Who may SEE a case is decided in cases/visibility.py, the one choke point; this module holds
what everyone else may be told (docs/rules.md, "Gag orders")."""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from disclosure import clock
from disclosure.areas import Hook
from disclosure.audit import service as audit
from disclosure.auth import service as auth
from disclosure.auth.models import Role, User
from disclosure.cases.models import Case, CaseMember
from disclosure.errors import DomainError
from disclosure.notify import service as notify
from disclosure.notify.models import SIGN_IN_TO_VIEW, Notification

# Notifications and e-mail subjects about a gagged matter say this and nothing more.
RESTRICTED_NOTICE = "A restricted matter needs your attention." + SIGN_IN_TO_VIEW

# docs/rules.md R-gag-bands: reports count gagged matters in bands, never exactly.
BAND_WIDTH = 250

# case_gagged(session, case): a gag was just imposed on `case`. Answered by the areas that keep
# copies made before it (patrons/area.py: a patron's report waiting in the portal), which sit
# above this one.
case_gagged = Hook("cases.case_gagged", many=True)


def band(count: int, width: int = BAND_WIDTH) -> str:
    """The band a count falls in: 0 -> '0–249', 260 -> '250–499'."""
    if count < 0:
        raise ValueError("a count is never negative")
    low = (count // width) * width
    return f"{low}–{low + width - 1}"


# ---- imposing, lifting, and the circle ---------------------------------------------------------


def impose_gag(
    session: Session,
    actor: User,
    case: Case,
    *,
    issued_by: str,
    issued_on: date | None,
    until: date | None = None,
) -> None:
    """Mark a case gagged with the order's terms (who issued it, when, until when or until lifted).
    From this moment the case exists only for its circle (cases/visibility.py)."""
    if not issued_by.strip():
        raise DomainError("Say who issued the nondisclosure order.", field="issued_by")
    if issued_on is not None and issued_on > clock.today():
        raise DomainError(
            "The date the order was issued cannot be in the future.", field="issued_on"
        )
    if until is not None and issued_on is not None and until < issued_on:
        raise DomainError(
            "The order cannot end before it was issued: check both dates.", field="until"
        )
    if until is not None and until < clock.today():
        raise DomainError("The order's end date has already passed.", field="until")
    case.gagged = True
    case.gag_issued_by = issued_by.strip()
    case.gag_issued_on = issued_on
    case.gag_until = until
    case.gag_lifted_at = None
    case.gag_lift_reason = None
    # Copies made before the gag (a patron's report waiting in the portal) stop telling of it.
    for answer in case_gagged.answers():
        answer(session, case)
    audit.record(
        session,
        actor,
        "case.gag_imposed",
        "case",
        case.id,
        case_id=case.id,
        detail=f"until={until.isoformat() if until else 'lifted'}",
    )


def lift_gag(
    session: Session, actor: User | None, case: Case, *, reason: str, authority: str
) -> None:
    """Lift the gag (the order expired, or a court lifted it): the case returns to the normal
    rules and its timeline says when and why."""
    if not case.gagged:
        raise DomainError("This case is not under a gag order.")
    if not reason.strip() or not authority.strip():
        raise DomainError("Give the reason and the authority for lifting the gag.", field="reason")
    case.gagged = False
    # The circle was for the gag: if the case is ever gagged again, the Director names it afresh.
    for user in members(session, case):
        remove_member(session, actor, case, user)
    case.gag_lifted_at = clock.now()
    case.gag_lift_reason = f"{reason.strip()} (authority: {authority.strip()})"
    # The timeline is the audit trail: the event carries the reason (no personal data in it).
    audit.record(
        session,
        actor,
        "case.gag_lifted",
        "case",
        case.id,
        case_id=case.id,
        detail=case.gag_lift_reason,
    )


def lift_expired_gags(session: Session) -> int:
    """Lift every gag whose order ran out before today (a scheduled job; safe to run twice)."""
    expired = session.scalars(
        select(Case).where(
            Case.gagged.is_(True), Case.gag_until.is_not(None), Case.gag_until < clock.today()
        )
    ).all()
    for case in expired:
        lift_gag(
            session,
            None,
            case,
            reason=f"The order expired on {case.gag_until.isoformat()}",
            authority="the order's own terms",
        )
    return len(expired)


def add_member(session: Session, actor: User, case: Case, user: User) -> CaseMember:
    """The Director names `user` to a gagged case's need-to-know circle (audited)."""
    if not case.gagged:
        raise DomainError(
            "Only a gagged case has a need-to-know circle; everyone with a role in the case sees "
            "it already."
        )
    if user.role == Role.ADMIN.value or not user.is_enabled:
        raise DomainError("That account cannot be added to the circle.", field="user_id")
    if session.scalar(
        select(CaseMember.id).where(CaseMember.case_id == case.id, CaseMember.user_id == user.id)
    ):
        raise DomainError("That person is already in the circle.", field="user_id")
    member = CaseMember(
        case_id=case.id, user_id=user.id, added_by_id=actor.id, added_at=clock.now()
    )
    session.add(member)
    session.flush()
    audit.record(
        session,
        actor,
        "case.circle_added",
        "case",
        case.id,
        case_id=case.id,
        detail=f"user={user.id}",
    )
    return member


def remove_member(session: Session, actor: User, case: Case, user: User) -> None:
    """Take `user` out of the circle: their sight of the case ends with this transaction."""
    removed = session.execute(
        delete(CaseMember).where(CaseMember.case_id == case.id, CaseMember.user_id == user.id)
    )
    if not removed.rowcount:
        raise DomainError("That person is not in the circle.")
    audit.record(
        session,
        actor,
        "case.circle_removed",
        "case",
        case.id,
        case_id=case.id,
        detail=f"user={user.id}",
    )


def members(session: Session, case: Case) -> list[User]:
    """The users the Director named to the circle, by name."""
    return list(
        session.scalars(
            select(User)
            .join(CaseMember, CaseMember.user_id == User.id)
            .where(CaseMember.case_id == case.id)
            .order_by(User.full_name)
        )
    )


def notify_about_case(
    session: Session,
    recipient: User,
    case: Case,
    subject: str,
    body: str = "",
    *,
    link: str | None = None,
    urgent: bool = False,
):
    """THE way to notify anyone about a case: for a gagged case the subject and body become the
    restricted notice and the link goes to the home page, so no notification or e-mail can
    carry what the case is (docs/rules.md R-gag-notices: notifications say only that a restricted
    matter needs attention)."""
    if case.gagged:
        return notify.notify(
            session, recipient, RESTRICTED_NOTICE, "", link="/", urgent=urgent, case_id=case.id
        )
    return notify.notify(
        session, recipient, subject, body, link=link, urgent=urgent, case_id=case.id
    )


def tell_directors(
    session: Session, case: Case, subject: str, *, link: str | None = None, urgent: bool = False
) -> None:
    """Notify everyone with the Director's powers now about `case` (through notify_about_case,
    so a gagged matter is told only as restricted)."""
    for director in directors_for(session):
        notify_about_case(session, director, case, subject, link=link, urgent=urgent)


def as_sent_now(session: Session, note: Notification) -> None:
    """At sending time, a queued notification about a case gagged since says only the
    restricted notice (the notify area asks this through notify.service.as_sent_now)."""
    if note.case_id is not None and session.scalar(
        select(Case.gagged).where(Case.id == note.case_id)
    ):
        note.subject, note.body, note.link = RESTRICTED_NOTICE, "", "/"


def directors_for(session: Session) -> list[User]:
    """Everyone with the Director's powers now (always in every circle)."""
    return auth.directors_now(session)
