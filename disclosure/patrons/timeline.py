"""How patrons' events read on a case's timeline (audit/telling.py)."""

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
}
