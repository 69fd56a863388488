"""How a hold's events read on its case's timeline (audit/telling.py)."""

from __future__ import annotations

from disclosure.audit.telling import Telling, count, fields
from disclosure.records import kinds

_SCOPES = {
    "patrons": "named patrons",
    "workstations": "named computers",
    "branch": "one branch",
    "library": "the whole library",
}


def _placed(f, detail, session):
    # "scope=patrons patrons=1 workstations=0 covers loans=3 computer_sessions=2"
    covers = fields(detail.partition(" covers ")[2])
    per_kind = "; ".join(
        f"{kinds.REGISTRY[k].label if k in kinds.REGISTRY else k}: {int(n):,}"
        for k, n in covers.items()
    )
    total = sum(int(n) for n in covers.values())
    scope = f"Scope: {_SCOPES.get(f.get('scope'), f.get('scope', '—'))}."
    return f"{scope} When placed it covered {count(total, 'record')}" + (
        f": {per_kind}." if total else "."
    )


EVENTS = {
    "hold.placed": Telling("Preservation hold placed", _placed),
    "hold.viewed": Telling("Hold page viewed"),
    "hold.renewed": Telling(
        "Preservation hold renewed", lambda f, d, s: f"For {count(f.get('days', 0), 'more day')}."
    ),
    "hold.released": Telling("Preservation hold released early"),
    "hold.expired": Telling("Preservation hold ended"),
    "hold.preserved_viewed": Telling(
        "Preserved copies viewed",
        lambda f, d, s: (
            f"{kinds.REGISTRY[f['kind']].label if f.get('kind') in kinds.REGISTRY else '—'}: "
            f"{count(int(f.get('copies', 0)), 'copy', 'copies')}."
        ),
    ),
}
