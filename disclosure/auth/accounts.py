"""Managing staff accounts: create, edit, disable, reset, confirm (the administrator's pages, the
server's command line, the Director's Staff page). The separation of duties and the two-person
rule (docs/rules.md R-admin-no-takeover, R-two-person) are decided here."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from disclosure import clock
from disclosure.audit import service as audit
from disclosure.auth import confirmation, password_rules, second_factor
from disclosure.auth.models import Role, User
from disclosure.auth.passwords import hash_secret, verify_secret
from disclosure.auth.service import directors_now, end_sessions, held_roles, roles_of, tell
from disclosure.dates import local_date
from disclosure.errors import DomainError


def _check_password(password: str, username: str, full_name: str, field: str = "password") -> None:
    """The password rules (auth/password_rules.py), refused beside `field`."""
    try:
        password_rules.check_password(password, username=username, full_name=full_name)
    except DomainError as refusal:
        raise DomainError(refusal.message, field=field) from None


# Accounts that read case contents. Separation of duties (docs/rules.md R-admin-no-takeover): the IT
# administrator must never read cases, so from the web pages the administrator may not make a
# Director, nor change the role or password of a Director's or counsel's account (which would let
# them sign in as it). Those are done on the server (`disclosure users ...`, actor None) or,
# for a password, by the owner.
CASE_READING_ROLES = frozenset({Role.DIRECTOR.value, Role.COUNSEL.value})
SERVER_ONLY = (
    "This is done on the server (disclosure users create), not on this page: separation of duties."
)


def _check_separation(actor, user: User | None, role: str, password_changes: bool) -> None:
    if actor is None:
        return  # the server's command line
    if role == Role.DIRECTOR.value and (user is None or user.role != Role.DIRECTOR.value):
        raise DomainError(f"A Director's account cannot be made here. {SERVER_ONLY}", field="role")
    if user is None:
        return
    if user.id == actor.id and role != user.role:
        raise DomainError("You cannot change your own role.", field="role")
    if user.role in CASE_READING_ROLES and (role != user.role or password_changes):
        raise DomainError(
            "The role and password of a Director's or counsel's account are not changed here; its "
            f"owner changes the password. {SERVER_ONLY}",
            field="password" if password_changes else "role",
        )


def create_user(
    session: Session,
    actor,
    *,
    username: str,
    full_name: str,
    role: str,
    password: str,
    email: str | None = None,
    phone: str | None = None,
    supervisor_id: int | None = None,
) -> User:
    """Create a staff account (the administrator's job; it awaits a Director's confirmation)."""
    username = username.strip().lower()
    if session.scalar(select(User.id).where(func.lower(User.username) == username)):
        raise DomainError(f"The username “{username}” is taken.", field="username")
    Role(role)
    _check_separation(actor, None, role, password_changes=False)
    _check_password(password, username, full_name)
    user = User(
        username=username,
        full_name=full_name.strip(),
        role=role,
        email=email or None,
        phone=phone or None,
        supervisor_id=supervisor_id,
        password_hash=hash_secret(password),
        is_enabled=True,
        session_version=1,
        created_at=clock.now(),
        # The administrator chose this password, so its owner replaces it at the first sign-in.
        # (The server's CLI and the demo loader pass no actor: their accounts keep theirs.)
        must_change_password=actor is not None,
    )
    session.add(user)
    session.flush()
    if _by_administrator(session, actor):
        confirmation.mark(user, confirmation.CREATED)
    _account_event(session, actor, user, "user.created", f"role={role}")
    return user


def update_user(session: Session, actor, user: User, **changes) -> User:
    """Edit an account; a new password or a change of role ends the user's sessions. What the
    administrator changes is an account event, and a new role or password awaits confirmation
    (docs/rules.md R-two-person)."""
    password = changes.pop("password", None)
    role = changes.pop("role", user.role)
    _check_separation(actor, user, role, password_changes=bool(password))
    if "email" in changes or "phone" in changes:
        set_contact(
            session,
            actor,
            user,
            changes.pop("email", user.email),
            changes.pop("phone", user.phone),
        )
    if "supervisor_id" in changes:
        set_supervisor(session, actor, user, changes.pop("supervisor_id") or None)
    if role != user.role:
        _set_role(session, actor, user, role)
    if "full_name" in changes and changes["full_name"] != user.full_name:
        user.full_name = changes.pop("full_name")
        audit.record(session, actor, "user.updated", "user", user.id, detail="full_name")
    if password:
        _set_password(session, actor, user, password)
    return user


def _set_role(session: Session, actor, user: User, role: str) -> None:
    Role(role)
    user.role = role
    end_sessions(user)
    if _by_administrator(session, actor):
        confirmation.mark(user, confirmation.ROLE)
    _account_event(session, actor, user, "user.role_changed", f"role={role}")


def set_supervisor(session: Session, actor, user: User, supervisor_id: int | None) -> None:
    """Supervisor links are set by the Director, or by the administrator with every holder of the
    Director's powers told (the event's notice)."""
    if supervisor_id == user.supervisor_id:
        return
    if supervisor_id == user.id:
        raise DomainError("Nobody supervises themselves.", field="supervisor_id")
    user.supervisor_id = supervisor_id
    _account_event(
        session, actor, user, "user.supervisor_changed", f"supervisor={supervisor_id or '-'}"
    )


def _set_password(session: Session, actor, user: User, password: str) -> None:
    _check_password(password, user.username, user.full_name)
    user.password_hash = hash_secret(password)
    end_sessions(user)
    if actor is None or actor.id != user.id:
        _password_set_by_someone_else(session, actor, user)
    else:
        audit.record(session, actor, "user.password_changed", "user", user.id)


def _password_set_by_someone_else(session: Session, actor, user: User) -> None:
    """Whoever chose a password can sign in with it. So its owner must replace it before doing
    anything else, the account awaits confirmation, and the Director hears of it: an
    administrator who signed in as a member of a gagged case's circle would be seen (the
    administrator cannot tell who is in a circle, so every reset is told alike)."""
    user.must_change_password = True
    if _by_administrator(session, actor):
        confirmation.mark(user, confirmation.PASSWORD)
    _account_event(
        session,
        actor,
        user,
        "user.password_reset",
        notice=(
            "The administrator set a new password for a staff account",
            # the account's number, not its name: no personal data in e-mails
            f"The password of staff account no. {user.id} ({user.role_label}) was set by the "
            f"administrator on {local_date(clock.now())}. Its owner must choose a new "
            "one at the next sign-in. If that was not expected, ask them, and look at what the "
            "account did since.",
        ),
    )


# Accounts whose e-mail and phone only their owner or the Director change: notices meant for the
# Director, and the desk's "call the Director" numbers, must not be redirected (R-two-person).
CONTACT_GUARDED_ROLES = frozenset({Role.DIRECTOR.value, Role.COUNSEL.value})


def set_contact(session: Session, actor, user: User, email: str | None, phone: str | None) -> None:
    """Change an account's e-mail and phone; for a holder of the Director's powers or counsel,
    only the person or the Director may."""
    email, phone = (email or None), (phone or None)
    if (email, phone) == (user.email, user.phone):
        return
    guarded = held_roles(session, user) & CONTACT_GUARDED_ROLES
    if (
        guarded
        and actor is not None
        and actor.id != user.id
        and not _is_the_director(session, actor)
    ):
        field = "email" if email != user.email else "phone"
        if _holds_powers(session, actor):
            # An acting Director stands in while the Director is away: redirecting the Director's
            # or counsel's notices then would go unseen by the one they are meant for.
            raise DomainError(
                "An acting Director does not change the e-mail and phone of the Director's or "
                "counsel's account: only the person or the Director does (separation of duties).",
                field=field,
            )
        raise DomainError(
            "Only the person or the Director changes the e-mail and phone of the Director's or "
            "counsel's account (separation of duties).",
            field=field,
        )
    user.email, user.phone = email, phone
    _account_event(session, actor, user, "user.contact_changed")


def director_edits(
    session: Session, actor, user: User, *, email: str | None, phone: str | None, supervisor_id
) -> None:
    """A holder of the Director's powers sets an account's e-mail, phone and supervisor."""
    if not _holds_powers(session, actor):
        raise DomainError("Only the Director (or an acting Director) changes these here.")
    set_contact(session, actor, user, email, phone)
    set_supervisor(session, actor, user, supervisor_id or None)


def set_enabled(session: Session, actor, user: User, enabled: bool) -> None:
    """Enable or disable an account; disabling ends its sessions at once. Re-enabled by the
    administrator, it awaits confirmation; the last holder of the Director's powers stays."""
    if actor is not None and user.id == actor.id and not enabled:
        raise DomainError("You cannot disable your own account.")
    if not enabled and _by_administrator(session, actor) and directors_now(session) == [user]:
        raise DomainError(
            "This is the only active account with the Director's powers; the administrator "
            "cannot disable it."
        )
    user.is_enabled = enabled
    if not enabled:
        end_sessions(user)
    elif _by_administrator(session, actor):
        confirmation.mark(user, confirmation.ENABLED)
    _account_event(session, actor, user, "user.enabled" if enabled else "user.disabled")


def reset_second_factor(session: Session, actor, user: User) -> None:
    """Remove every second factor of `user` (a lost phone or key); the person enrols again, which
    confirms the reset unless the administrator also set their password (R-two-person)."""
    if actor is not None and actor.id == user.id:
        raise DomainError("You cannot reset your own second factor; ask the Director.")
    if not second_factor.enrolled(session, user):
        raise DomainError("This account has no second factor to reset.")
    second_factor.reset(session, actor, user)
    if _by_administrator(session, actor):
        confirmation.mark(user, confirmation.SECOND_FACTOR)
    _tell_directors(session, actor, user, "user.second_factor_reset")


def confirm_account(session: Session, actor, user: User) -> None:
    """A holder of the Director's powers confirms what the administrator did to `user`; from now
    on the account reaches what its role reaches. `actor` None is the server's command line
    (for an account no other holder of the Director's powers can confirm)."""
    if actor is not None and not _holds_powers(session, actor):
        raise DomainError("Only the Director (or an acting Director) confirms an account.")
    if actor is not None and actor.id == user.id:
        raise DomainError("Another holder of the Director's powers must confirm your account.")
    if not user.awaiting:
        raise DomainError("Nothing awaits confirmation on this account.")
    audit.record(
        session, actor, "user.confirmed", "user", user.id, detail=",".join(sorted(user.awaiting))
    )
    confirmation.clear(user)


def _by_administrator(session: Session, actor) -> bool:
    """Whether `actor` is someone other than the server's command line and the Director: what
    they do to an account awaits a Director's confirmation."""
    return actor is not None and not _holds_powers(session, actor)


def _holds_powers(session: Session, actor) -> bool:
    return actor is not None and Role.DIRECTOR.value in roles_of(session, actor)


def _is_the_director(session: Session, actor) -> bool:
    """The Director by their own account, not an acting Director (docs/rules.md R-two-person)."""
    return actor.role == Role.DIRECTOR.value and _holds_powers(session, actor)


def _account_event(
    session: Session, actor, user: User, action: str, detail: str = "", notice=None
) -> None:
    """Audit an account event and tell every holder of the Director's powers of it."""
    audit.record(session, actor, action, "user", user.id, detail=detail)
    _tell_directors(session, actor, user, action, notice)


def _tell_directors(session: Session, actor, user: User, action: str, notice=None) -> None:
    label = confirmation.ACCOUNT_EVENTS[action]
    subject, body = notice or (
        f"Staff account no. {user.id}: {label.lower()}",
        # numbers only: no names in e-mails
        f"{label}: staff account no. {user.id} ({user.role_label}), by "
        f"{_who(actor)}, on {local_date(clock.now())}."
        + (
            " It reaches no case or patron record until you confirm it on the Staff page."
            if user.awaiting
            else ""
        ),
    )
    for director in directors_now(session):
        if actor is None or director.id != actor.id:
            tell.answer()(session, director, subject, body, link=f"/staff#account-{user.id}")


def _who(actor) -> str:
    if actor is None:
        return "the server's command line"
    return f"account no. {actor.id}"


def change_own_password(session: Session, user: User, current: str, new: str) -> None:
    """A user replaces their own password; every other session of theirs ends."""
    if not verify_secret(user.password_hash, current):
        raise DomainError("That is not your current password.", field="current")
    _check_password(new, user.username, user.full_name, field="new")
    if user.must_change_password and new == current:
        raise DomainError(
            "Choose a password of your own, not the one the administrator gave you.", field="new"
        )
    user.password_hash = hash_secret(new)
    user.must_change_password = False
    end_sessions(user)
    audit.record(session, user, "user.password_changed", "user", user.id)
