"""How the auth area's events read on the audit page (audit/telling.py): accounts, the acting
Director, second factors."""

from __future__ import annotations

from disclosure.audit.telling import Telling
from disclosure.auth.confirmation import ACCOUNT_EVENTS

EVENTS = {
    **{action: Telling(label) for action, label in ACCOUNT_EVENTS.items()},
    "user.updated": Telling("Name on an account changed"),
    "user.password_changed": Telling("Password changed by its owner"),
    "acting_director.named": Telling("Acting Director named"),
    "acting_director.revoked": Telling("Acting Director's powers ended"),
    "second_factor.required_for_all": Telling("Second factor required of all staff"),
    "second_factor.required_for_some": Telling("Second factor required of those who must"),
    "second_factor.totp_enrolled": Telling("Authenticator app set up"),
    "second_factor.key_registered": Telling("Security key registered"),
    "second_factor.recovery_code_used": Telling("Recovery code used to sign in"),
}
