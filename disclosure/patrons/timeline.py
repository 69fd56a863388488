"""How patrons' events read on a case's timeline and the audit page (audit/telling.py)."""

from __future__ import annotations

from disclosure.audit.telling import Telling, count

EVENTS = {
    # Recorded on a gagged case only, so only its circle reads it (patrons/gagging.py).
    "patron_report.withdrawn": Telling(
        "Patron reports withdrawn",
        lambda f, d, s: (
            f"Because of the gag order: {count(f.get('reports', 1), 'patron report')} listing this "
            "case's production withdrawn (its download ended, the matter left its counts)."
        ),
    ),
    "patron.signed_in": Telling("Patron signed in to the portal"),
    "patron.pin_set_started": Telling("PIN setting started at the desk"),
    "patron.pin_link_sent": Telling("Link to set a PIN e-mailed to a patron"),
    "patron.pin_set": Telling("Patron set a PIN"),
    "patron.email_removed": Telling("Patron's e-mail address removed"),
    "patron_request.received": Telling("Patron asked for their records"),
    "patron_request.viewed": Telling("Patron viewed their request"),
    "patron_request.viewed_at_desk": Telling("Patron's request viewed at the desk"),
    "patron_request.verified": Telling("Patron's photo ID seen; report compiling"),
    "patron_request.retried": Telling("Patron's report compiled again after a failure"),
    "patron_request.withdrawn": Telling("Patron's request withdrawn"),
    "patron_report.downloaded": Telling("Patron's report downloaded"),
    "patron_report.printed": Telling("Patron's report printed at the desk"),
    "patron_correction.asked": Telling("Patron asked for a correction"),
    "patron_correction.done": Telling("Patron's correction made"),
    "consent.recorded": Telling("Patron's written consent recorded"),
    "consent.viewed": Telling("Consent viewed"),
    "consent.scan_viewed": Telling("Signed consent's scan viewed"),
    "consent.released": Telling("Records released with consent"),
    "consent.file_downloaded": Telling("File released with consent downloaded"),
}
