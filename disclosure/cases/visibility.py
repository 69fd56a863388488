"""THE ONE CHOKE POINT for who may see a case (docs/rules.md R-gag-invisible, R-gag-circle).

Every query of cases, and of everything hanging off a case (holds, productions, documents,
audit events, notifications), joins through `case_filter`. Do not write a second version of
this rule anywhere: a rule written twice will drift, and here one leak is a failure of the whole.

- The Director and an acting Director see every case, gagged or not (they are in every circle).
- Counsel sees the cases assigned to them (and, for a gagged case, is in its circle).
- A user the Director names to a gagged case's circle sees that case while it is gagged.
- Nobody else sees a case: front-desk staff and supervisors get only the receipt of what they
  logged (cases.service), administrators nothing, patrons nothing.
Outside the circle a gagged case does not exist: not found, not counted, not listed."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, and_, exists, false, or_, select, true
from sqlalchemy.orm import Session
from sqlalchemy.orm.interfaces import ORMOption

from disclosure.auth import service as auth
from disclosure.cases.models import Case, CaseMember
from disclosure.notify.models import Notification


def case_filter(
    user, roles: frozenset[str] | None = None, session: Session | None = None
) -> ColumnElement[bool]:
    """A WHERE clause on Case: the cases `user` may see. Pass `roles` (from auth.roles_of) or a
    session to compute them."""
    if user is None or not getattr(user, "is_authenticated", False) or user.kind != "staff":
        return false()
    if user.awaiting:
        return false()  # docs/rules.md R-two-person: not even a circle it was named to
    if roles is None:
        roles = auth.roles_of(session, user)
    if "director" in roles:
        return true()
    if "admin" in roles:
        return false()  # separation of duties: never a circle member, whatever the tables say
    named_in_circle = and_(
        Case.gagged.is_(True),
        exists().where(CaseMember.case_id == Case.id, CaseMember.user_id == user.id),
    )
    if "counsel" in roles:
        return or_(Case.counsel_id == user.id, named_in_circle)
    return named_in_circle


def not_gagged() -> ColumnElement[bool]:
    """The cases anyone may count or mention outside every circle (public, patrons, reports)."""
    return Case.gagged.is_(False)


def visible_cases(session: Session, user) -> Select:
    """SELECT of the cases `user` may see."""
    return select(Case).where(case_filter(user, session=session))


def visible_case_ids(session: Session, user) -> Select:
    """SELECT of the ids of the cases `user` may see (for joins from holds, productions, ...)."""
    return select(Case.id).where(case_filter(user, session=session))


def load_case(session: Session, user, case_id: int, *loads: ORMOption) -> Case | None:
    """The case if `user` may see it, else None (the view answers 404, as for a missing one);
    `loads`: what to read with it (sqlalchemy.orm loader options)."""
    return session.scalar(
        select(Case).where(Case.id == case_id, case_filter(user, session=session)).options(*loads)
    )


def may_see(session: Session, user, case: Case) -> bool:
    """True when `user` may see `case`."""
    return load_case(session, user, case.id) is not None


def notification_filter(session: Session, user) -> ColumnElement[bool]:
    """A WHERE clause on Notification: those not about a case, and those about a case `user` may
    see now (someone taken out of a circle stops seeing even the blank notices about it)."""
    return or_(
        Notification.case_id.is_(None), Notification.case_id.in_(visible_case_ids(session, user))
    )
