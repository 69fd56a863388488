"""Staff accounts: create, edit, disable, authenticate; who holds the Director's powers now."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, event, func, select
from sqlalchemy.orm import Session

from disclosure import clock, dates
from disclosure.areas import Hook
from disclosure.audit import service as audit
from disclosure.auth import second_factor, throttle
from disclosure.auth.models import ActingDirector, Role, User
from disclosure.auth.passwords import verify_secret
from disclosure.errors import DomainError
from disclosure.records.models import Patron

# tell(session, recipient, subject, body, link=...): put a notification in a staff member's
# outbox. The notify area answers it (notify/area.py); it sits above this one, since its
# notifications are addressed to these accounts. Unanswered, a rule that tells someone fails
# rather than staying silent.
tell = Hook("auth.tell")


def end_sessions(user: User) -> None:
    """Invalidate every login cookie the user holds (the cookie carries the version)."""
    user.session_version = (user.session_version or 1) + 1


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The enabled user with this username and password, or None (same effort either way).
    After STAFF_ACCOUNT's failures the name is refused for a while, whatever the address and
    the password (a DomainError saying until when); the caller commits either way."""
    key = throttle.keyed(username)
    until = throttle.locked_until(session, throttle.STAFF_ACCOUNT, key)
    if until is not None:
        raise DomainError(_account_locked_message(until), field="password")
    user = session.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))
    ok = verify_secret(user.password_hash if user else None, password)
    if ok and user is not None and user.is_enabled:
        if not _second_step_owed(session, user):
            # with a second step owed, the count starts over only once it is passed: else the
            # password alone would buy a fresh round of code guesses (auth/second_factor.py)
            throttle.succeed(session, throttle.STAFF_ACCOUNT, key)
        user.last_login_at = clock.now()
        return user
    until = throttle.fail(session, throttle.STAFF_ACCOUNT, key)
    if until is None:
        return None
    if user is not None:
        _tell_of_lock(session, user)
    raise DomainError(_account_locked_message(until), field="password")


def _second_step_owed(session: Session, user: User) -> bool:
    return second_factor.required(session, user, held_roles(session, user)) or (
        second_factor.enrolled(session, user)
    )


def _account_locked_message(until: datetime) -> str:
    return (
        "Too many failed sign-ins with this username. Try again after "
        f"{dates.local_datetime(until, '%-I:%M %p')}, or ask the administrator."
    )


def _tell_of_lock(session: Session, user: User) -> None:
    """The account's owner and everyone with the Director's powers hear of a locked account
    (its number only: no names in e-mails)."""
    body = (
        f"Staff account no. {user.id} was locked for 15 minutes after "
        f"{throttle.STAFF_ACCOUNT.limit} failed sign-ins. If that was not its owner, someone is "
        "guessing its password."
    )
    for person in {user, *directors_now(session)}:
        tell.answer()(
            session, person, "A staff account was locked", body, link=f"/staff#account-{user.id}"
        )


def load_user(session: Session, cookie_id: str):
    """Turn a login cookie's id ('staff:7:3' or 'patron:12:1') back into a user, or None when
    the account is gone, disabled, or its sessions were ended since the cookie was issued."""
    try:
        kind, raw_id, version = cookie_id.split(":")
        model = {"staff": User, "patron": Patron}[kind]
        user = session.get(model, int(raw_id))
    except (ValueError, KeyError):
        return None
    if user is None or str(user.session_version) != version or not user.is_active:
        return None
    return user


def acting_director_now(session: Session, at: datetime | None = None) -> ActingDirector | None:
    """The appointment in force now, if the Director has named an acting Director."""
    at = at or clock.now()
    return next(
        (a for a in _appointments_not_ended(session, at) if a.starts_at <= at < a.ends_at), None
    )


# Who acts as Director is asked several times in one request (the sign-in guard's roles, then
# the visibility rule of each list on the page): the appointments not yet ended are read once
# per transaction, and read again after any write in it (docs/rules.md R-acting-director).
_NOT_ENDED = "acting_director_appointments"


def _appointments_not_ended(session: Session, at: datetime) -> list[ActingDirector]:
    """The appointments not revoked that end after `at`, the latest to start first."""
    kept = session.info.get(_NOT_ENDED)
    unwritten = not (session.new or session.dirty or session.deleted)
    if kept is not None and kept[0] <= at and unwritten:
        return kept[1]  # every one in force at `at` also ends after the earlier moment read
    found = list(
        session.scalars(
            select(ActingDirector)
            .where(ActingDirector.ends_at > at, ActingDirector.revoked_at.is_(None))
            .order_by(ActingDirector.starts_at.desc())
        )
    )
    session.info[_NOT_ENDED] = (at, found)
    return found


@event.listens_for(Session, "after_flush")
@event.listens_for(Session, "after_transaction_end")
def _forget_appointments(session: Session, *_args) -> None:
    session.info.pop(_NOT_ENDED, None)


def roles_of(session: Session, user) -> frozenset[str]:
    """The roles `user` acts in now: its own, plus 'director' while it is acting Director. An
    account awaiting a Director's confirmation acts in none of them (docs/rules.md
    R-two-person): signed in, it reaches only its own account pages."""
    return acting_roles(user, held_roles(session, user))


def acting_roles(user, held: frozenset[str]) -> frozenset[str]:
    """The roles `user` acts in, given the roles its account holds (`held_roles`): none of
    them beyond 'public' and 'staff-any' while a Director's confirmation is awaited."""
    if getattr(user, "kind", None) == "staff" and user.awaiting:
        return frozenset({"public", "staff-any"})
    return held


def held_roles(session: Session, user) -> frozenset[str]:
    """The roles `user`'s account holds, confirmed or not (who must use a second factor)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset({"public"})
    if user.kind == "patron":
        return frozenset({"public", "patron"})
    roles = {"public", "staff-any", user.role}
    if user.role != Role.DIRECTOR.value:
        acting = acting_director_now(session)
        if acting is not None and acting.user_id == user.id:
            roles.add(Role.DIRECTOR.value)
    return frozenset(roles)


def directors_now(session: Session) -> list[User]:
    """Everyone who holds the Director's powers now: the Director(s) and any acting Director.
    Notifications meant for 'the Director' go to all of them."""
    users = list(
        session.scalars(
            select(User).where(
                User.role == Role.DIRECTOR.value,
                User.is_enabled.is_(True),
                User.awaiting_confirmation.is_(None),
            )
        )
    )
    acting = acting_director_now(session)
    if (
        acting is not None
        and acting.user.is_enabled
        and not acting.user.awaiting
        and acting.user not in users
    ):
        users.append(acting.user)
    return users


def may_appoint(user) -> bool:
    """Whether `user` may name or end acting Directors: the Director, never an acting one."""
    return getattr(user, "role", None) == Role.DIRECTOR.value


def _require_appointer(actor, doing: str) -> None:
    if not may_appoint(actor):
        raise DomainError(f"Only the Director may {doing}; an acting Director may not.")


def appointments_ahead(session: Session) -> list[ActingDirector]:
    """Acting-Director appointments in force now and to come, earliest first."""
    return list(
        session.scalars(
            select(ActingDirector)
            .where(ActingDirector.ends_at > clock.now(), ActingDirector.revoked_at.is_(None))
            .order_by(ActingDirector.starts_at)
        )
    )


def name_acting_director(
    session: Session, actor: User, user: User | None, starts_at: datetime, ends_at: datetime
) -> ActingDirector:
    """The Director names `user` to act as Director from `starts_at` to `ends_at`."""
    _require_appointer(actor, "name an acting Director")
    if user is None:
        raise DomainError("Choose who will act as Director.", field="user_id")
    if ends_at <= starts_at:
        raise DomainError("The period must end after it starts.", field="ends_at")
    if ends_at <= clock.now():
        raise DomainError("That period has already ended: choose when it ends.", field="ends_at")
    if user.role in (Role.ADMIN.value, Role.COUNSEL.value):
        raise DomainError(
            "An administrator or counsel cannot act as Director (separation of duties).",
            field="user_id",
        )
    if not user.is_enabled:
        raise DomainError("That account is disabled.", field="user_id")
    appointment = ActingDirector(
        user_id=user.id,
        starts_at=starts_at,
        ends_at=ends_at,
        named_by_id=actor.id,
        created_at=clock.now(),
    )
    session.add(appointment)
    session.flush()
    audit.record(
        session,
        actor,
        "acting_director.named",
        "acting_director",
        appointment.id,
        detail=f"user={user.id}",
    )
    return appointment


def revoke_acting_director(session: Session, actor: User, appointment: ActingDirector) -> None:
    """The Director ends an acting-Director appointment early."""
    _require_appointer(actor, "end an acting Director's appointment")
    if appointment.revoked_at is not None:
        raise DomainError("That appointment has already ended.")
    appointment.revoked_at = clock.now()
    audit.record(session, actor, "acting_director.revoked", "acting_director", appointment.id)


def every_account() -> Select:
    """SELECT of every staff account, enabled ones first, by name (listed a page at a time)."""
    return select(User).order_by(User.is_enabled.desc(), User.full_name, User.id)


def staff_by_role(session: Session, *roles: str) -> list[User]:
    """Enabled users with one of `roles`, by name."""
    return list(
        session.scalars(
            select(User)
            .where(User.role.in_(roles), User.is_enabled.is_(True))
            .order_by(User.full_name)
        )
    )
