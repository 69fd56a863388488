"""Security keys and passkeys (WebAuthn) as a second factor (docs/rules.md R-second-factor):
the registration and authentication ceremonies, each with a challenge the page was drawn with.
The caller names the site (`rp_id`, `origin`) it is served as; a key answers for that site only,
so a look-alike phishing site gets nothing it can use here."""

from __future__ import annotations

import json
from types import ModuleType

from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure import clock
from disclosure.audit import service as audit
from disclosure.auth import confirmation, second_factor
from disclosure.auth.models import SecurityKey
from disclosure.errors import DomainError

RP_NAME = "Disclosure"
KEY_REFUSED = "That security key did not answer for this account. Try again, or type a code."


def _webauthn() -> ModuleType:
    """The webauthn library, loaded at the first key ceremony rather than at start-up: it brings
    X.509, ASN.1 and CBOR parsers (a tenth of every process's start-up, the CLI's included) that
    only signing in with a key needs (tests/test_startup.py)."""
    import webauthn  # lazy, for start-up time (above), as disclosure/pdf.py loads WeasyPrint
    import webauthn.helpers.exceptions
    import webauthn.helpers.structs

    return webauthn


def _keys(session: Session, user) -> list[SecurityKey]:
    return list(session.scalars(select(SecurityKey).where(SecurityKey.user_id == user.id)))


def keys_of(session: Session, user) -> list[SecurityKey]:
    """`user`'s security keys, oldest first."""
    return sorted(_keys(session, user), key=lambda k: k.id)


def has_keys(session: Session, user) -> bool:
    """Whether `user` has registered a security key."""
    return bool(_keys(session, user))


def _descriptors(session: Session, user) -> list:
    return [
        _webauthn().helpers.structs.PublicKeyCredentialDescriptor(
            id=_webauthn().helpers.base64url_to_bytes(k.credential_id)
        )
        for k in _keys(session, user)
    ]


def registration_options(session: Session, user, rp_id: str) -> tuple[str, str]:
    """The browser's options to register a new key (JSON) and their challenge (base64url)."""
    webauthn = _webauthn()
    options = webauthn.generate_registration_options(
        rp_id=rp_id,
        rp_name=RP_NAME,
        user_name=user.username,
        user_id=str(user.id).encode(),  # the account's number: no personal data on the key
        user_display_name=user.username,
        exclude_credentials=_descriptors(session, user),
    )
    return webauthn.options_to_json(options), webauthn.helpers.bytes_to_base64url(options.challenge)


def register(
    session: Session, user, credential: str, name: str, challenge: str, rp_id: str, origin: str
) -> list[str]:
    """Keep the key the browser registered; returns new recovery codes when it is the person's
    first second factor (shown once), else none."""
    webauthn = _webauthn()
    try:
        verified = webauthn.verify_registration_response(
            credential=credential,
            expected_challenge=webauthn.helpers.base64url_to_bytes(challenge),
            expected_rp_id=rp_id,
            expected_origin=origin,
        )
    except (webauthn.helpers.exceptions.WebAuthnException, ValueError, KeyError, TypeError) as err:
        raise DomainError(
            "The security key was not registered. Try again, and touch the key when it blinks."
        ) from err
    first = not second_factor.enrolled(session, user)
    key = SecurityKey(
        user_id=user.id,
        credential_id=webauthn.helpers.bytes_to_base64url(verified.credential_id),
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        name=(name or "Security key").strip()[:80] or "Security key",
        created_at=clock.now(),
    )
    session.add(key)
    session.flush()
    audit.record(session, user, "second_factor.key_registered", "user", user.id)
    confirmation.owner_enrolled(session, user)
    return second_factor.new_recovery_codes(session, user) if first else []


def authentication_options(session: Session, user, rp_id: str) -> tuple[str, str]:
    """The browser's options to sign in with one of `user`'s keys (JSON) and their challenge."""
    webauthn = _webauthn()
    options = webauthn.generate_authentication_options(
        rp_id=rp_id, allow_credentials=_descriptors(session, user)
    )
    return webauthn.options_to_json(options), webauthn.helpers.bytes_to_base64url(options.challenge)


def authenticate(
    session: Session, user, credential: str, challenge: str, rp_id: str, origin: str
) -> None:
    """The second step of sign-in with a key. A sign count that does not grow means a copied
    key, and is refused like a wrong code."""
    webauthn = _webauthn()
    key = _key_answering(session, user, credential)
    try:
        verified = webauthn.verify_authentication_response(
            credential=credential,
            expected_challenge=webauthn.helpers.base64url_to_bytes(challenge),
            expected_rp_id=rp_id,
            expected_origin=origin,
            credential_public_key=key.public_key,
            credential_current_sign_count=key.sign_count,
        )
    except (webauthn.helpers.exceptions.WebAuthnException, ValueError, KeyError, TypeError):
        second_factor.refused(session, user, KEY_REFUSED)
        return
    key.sign_count = verified.new_sign_count
    key.last_used_at = clock.now()
    second_factor.passed(session, user)


def _key_answering(session: Session, user, credential: str) -> SecurityKey:
    try:
        credential_id = json.loads(credential)["id"]
    except (ValueError, KeyError, TypeError):
        credential_id = None
    key = session.scalar(
        select(SecurityKey).where(
            SecurityKey.user_id == user.id, SecurityKey.credential_id == credential_id
        )
    )
    if key is None:
        second_factor.refused(session, user, KEY_REFUSED)
    return key
