"""Patrons' own records: the portal (patrons only, each their own) and the desk."""

DESK = {"staff", "supervisor", "director"}

TABLE = {
    "patrons.login": {"public"},
    "patrons.set_pin": {"public"},
    "patrons.pin_link": {"public"},
    "patrons.home": {"patron"},
    "patrons.ask": {"patron"},
    "patrons.request_detail": {"patron"},
    "patrons.request_progress": {"patron"},
    "patrons.download": {"patron"},
    "patrons.remove_email": {"patron"},
    "patrons.choose_language": {"public"},
    "patrons.correction": {"patron"},
    "patrons.desk_queue": DESK,
    "patrons.desk_new": DESK,
    "patrons.desk_request": DESK,
    "patrons.desk_progress": DESK,
    "patrons.desk_retry": DESK,
    "patrons.desk_withdraw": DESK,
    "patrons.desk_print": DESK,
    "patrons.desk_signed_request": DESK,
    "patrons.desk_correction_done": DESK,
    "patrons.desk_pin": DESK,
    "patrons.consent_new": DESK,
    "patrons.consent_detail": DESK,
    "patrons.consent_release": DESK,
    "patrons.consent_progress": DESK,
    "patrons.consent_scan": DESK,
    "patrons.consent_file": DESK,
}
