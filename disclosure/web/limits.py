"""Flask-Limiter: slows and caps sign-in attempts (a maintained limiter, not a hand-made one).

A branch's staff often share one public address, so the tight limit counts attempts per
address AND account name; a looser limit per address alone stops someone trying many names."""

from flask import current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

# Storage comes from DISCLOSURE_RATELIMIT_STORAGE_URL (RATELIMIT_STORAGE_URI, set in
# create_app): memory:// suits one process; with several workers name a shared store such as
# redis://. The limits that must hold across workers (auth.throttle) live in the database.
limiter = Limiter(key_func=get_remote_address, default_limits=[])


@limiter.request_filter
def _limits_off_for_this_app() -> bool:
    # One limiter serves every app in the process (the views' decorators name it), so whether
    # limits apply is read from the app answering the request. Flask-Limiter's own
    # RATELIMIT_ENABLED would switch the shared limiter for every app at once.
    return not current_app.config["RATE_LIMITS"]


PER_ACCOUNT = "10 per minute; 30 per hour"
PER_ADDRESS = "200 per hour"


def address_and_account(field: str = "username"):
    """A limiter key: the client address with the account name typed in `field`."""

    def key() -> str:
        return f"{get_remote_address()}|{(request.form.get(field) or '').strip().lower()}"

    return key
