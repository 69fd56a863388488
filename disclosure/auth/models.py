"""Staff users, their roles, supervision, and acting-Director appointments."""

import enum
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from disclosure import clock
from disclosure.db import Base, UTCDateTime


class Role(str, enum.Enum):
    """The staff roles (README, "Who uses it"); patrons sign in separately."""

    DIRECTOR = "director"
    STAFF = "staff"
    SUPERVISOR = "supervisor"
    COUNSEL = "counsel"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.DIRECTOR: "Director",
    Role.STAFF: "Front-desk staff",
    Role.SUPERVISOR: "Supervisor",
    Role.COUNSEL: "Legal counsel",
    Role.ADMIN: "Administrator (IT)",
}


class User(Base):
    """A staff account. `session_version` is part of the login cookie: bumping it on logout or
    disable ends every session of the user at once, so a copied cookie stops working."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(20))
    supervisor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    # Set when someone else (the administrator) chose this account's password: until its owner
    # chooses their own, every page leads to "change your password" (auth/access.py).
    must_change_password: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    # The two-person rule (docs/rules.md R-two-person): what the administrator did to this account
    # that a holder of the Director's powers has not yet confirmed ("created", "enabled", "role",
    # "password", "second_factor", comma-separated), and since when. Until it is cleared the
    # account reaches no case, patron record, report, consent or released file (auth/service.py:
    # roles_of).
    awaiting_confirmation: Mapped[str | None] = mapped_column(String(80))
    awaiting_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    supervisor: Mapped["User | None"] = relationship(remote_side=[id])

    # Flask-Login's protocol
    is_authenticated = True
    is_anonymous = False
    kind = "staff"

    @property
    def is_active(self) -> bool:
        return self.is_enabled

    def get_id(self) -> str:
        return f"staff:{self.id}:{self.session_version}"

    @property
    def role_label(self) -> str:
        return Role(self.role).label

    @property
    def awaiting(self) -> frozenset[str]:
        """The administrator's changes awaiting a Director's confirmation (empty: none)."""
        return frozenset(filter(None, (self.awaiting_confirmation or "").split(",")))


class ActingDirector(Base):
    """The Director names someone to act with the Director's powers for a period
    (docs/rules.md R-acting-director)."""

    __tablename__ = "acting_directors"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    named_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    named_by: Mapped[User] = relationship(foreign_keys=[named_by_id])


class SignInLock(Base):
    """Failed sign-ins of one subject: a staff account name ('staff') or a patron card ('card'),
    kept only as a keyed hash. `locked_until` is set when the failures reach the limit."""

    __tablename__ = "sign_in_locks"
    __table_args__ = (UniqueConstraint("scope", "subject_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(10))
    subject_key: Mapped[str] = mapped_column(String(64))
    failures: Mapped[int] = mapped_column(Integer, default=0)
    first_failed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_failed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SignInAddressCard(Base):
    """A card number tried from an address (both as keyed hashes), for the cards-per-address
    limit of the patron portal."""

    __tablename__ = "sign_in_address_cards"
    __table_args__ = (UniqueConstraint("address_key", "card_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    address_key: Mapped[str] = mapped_column(String(64), index=True)
    card_key: Mapped[str] = mapped_column(String(64))
    tried_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class TotpSecret(Base):
    """A staff member's authenticator-app secret (docs/rules.md R-second-factor), encrypted with a
    key drawn from the app's secret key. `confirmed_at` is set once a first code proved the app
    holds it; `last_step` is the 30-second step of the last code accepted, so no code is used
    twice."""

    __tablename__ = "totp_secrets"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    secret_encrypted: Mapped[str] = mapped_column(String(255))
    last_step: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SecurityKey(Base):
    """A WebAuthn security key or passkey registered to a staff member, with its sign count
    (a count that goes backwards means a cloned key)."""

    __tablename__ = "security_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    credential_id: Mapped[str] = mapped_column(String(1400), unique=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    sign_count: Mapped[int] = mapped_column(BigInteger, default=0)
    name: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RecoveryCode(Base):
    """One of the ten single-use recovery codes shown once at enrolment, kept only as a hash."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SecondFactorPolicy(Base):
    """The Director's choice (one row): whether every staff member needs a second factor, not
    only those who must (docs/rules.md R-second-factor)."""

    __tablename__ = "second_factor_policy"

    id: Mapped[int] = mapped_column(primary_key=True)
    required_for_all: Mapped[bool] = mapped_column(Boolean, default=False)
    changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
