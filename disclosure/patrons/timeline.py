"""How patrons' events read on a case's timeline (audit/telling.py)."""
from __future__ import annotations

from disclosure.audit.telling import Telling, count

EVENTS = {
    # Recorded on a gagged case only, so only its circle reads it (patrons/gagging.py).
    "patron_report.withdrawn": Telling(
        "Patron reports withdrawn",
        lambda f, d, s: f"The download of {count(f.get('reports', 1), 'patron report')} listing this case's "
                        f"production ended, because of the gag order."),
}
