"""How an audit event reads on a case's timeline: a plain label, and a short sentence made from
its detail. Each area that records events on a case says how to tell them, in its own
`timeline.py` (EVENTS: action -> Telling), which its `area.py` gives to the app (Area.tellings);
the case and hold pages tell their events through `told`.

An event's detail is stored as `key=value` words (ids and counts, never personal data), so the
sentence is made when the timeline is shown: a name looked up from an id is a staff member's,
seen only by the Director."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from disclosure import areas
from disclosure.audit.models import AuditEvent
from disclosure.dates import local_date


@dataclass(frozen=True)
class Telling:
    label: str
    # describe(fields of the detail, the raw detail, session) -> a sentence, or None for none
    describe: Callable[[dict[str, str], str, Session], str | None] | None = None

    def sentence(self, event: AuditEvent, session: Session) -> str | None:
        if self.describe is None or not event.detail:
            return None
        return self.describe(fields(event.detail), event.detail, session)


@dataclass(frozen=True)
class TimelineEntry:
    """One event as a timeline shows it."""

    at: datetime
    action: str
    actor: str
    detail: str | None
    # for views folded into one entry: who viewed, how often, when last (one line a person)
    viewers: tuple[str, ...] = ()


def label_of(action: str) -> str:
    """An event's kind in words ('Consent viewed'), as the area that records it tells it; its
    code when no area does (tests/trail/test_event_words.py finds none)."""
    telling = areas.current().tellings.get(action)
    return telling.label if telling is not None else action


def told(session: Session, rows: Iterable[tuple[AuditEvent, str | None]]) -> list[TimelineEntry]:
    """(audit event, its actor's name) rows, in order, told in their areas' words."""
    tellings = areas.current().tellings
    entries = []
    for event, name in rows:
        telling = tellings.get(event.action, Telling(event.action))
        entries.append(
            TimelineEntry(
                event.at, telling.label, name or "the system", telling.sentence(event, session)
            )
        )
    return entries


def folded_views(rows: Iterable[tuple[str, str | None, int, datetime]]) -> list[TimelineEntry]:
    """(action, viewer's name, how many views, last view) rows -> one entry per kind of view:
    'Viewed by 2 people, 17 times in all' at the last view, with a line per person to expand. A page
    viewed a thousand times reads as one line, and draws as fast as one viewed once."""
    tellings = areas.current().tellings
    by_action: dict[str, list] = {}
    for action, name, times, last in rows:
        by_action.setdefault(action, []).append((name or "the system", int(times), last))
    entries = []
    for action, viewers in by_action.items():
        viewers.sort(key=lambda viewer: viewer[2], reverse=True)
        total, last = sum(v[1] for v in viewers), viewers[0][2]
        people = count(len(viewers), "person", "people")
        entries.append(
            TimelineEntry(
                last,
                tellings.get(action, Telling(action)).label,
                f"Viewed by {people}",
                f"{count(total, 'time')} in all; the date is the last one's",
                tuple(
                    f"{name}: {count(times, 'time')}, last on {local_date(at)}"
                    for name, times, at in viewers
                ),
            )
        )
    return entries


def fields(detail: str) -> dict[str, str]:
    """'kind=nsl scans=0' -> {'kind': 'nsl', 'scans': '0'} (words without '=' are left out)."""
    return dict(word.split("=", 1) for word in (detail or "").split() if "=" in word)


def count(n: str | int, one: str, many: str | None = None) -> str:
    """'1 scan', '3 scans', 'no scans'."""
    n = int(n)
    many = many or one + "s"
    return f"no {many}" if n == 0 else f"1 {one}" if n == 1 else f"{n:,} {many}"


def day(iso: str) -> str:
    """'2026-12-01' -> '1 Dec 2026' (the text as stored when it is not a date)."""
    try:
        return local_date(date.fromisoformat(iso))
    except ValueError:
        return iso


def short_hash(sha256: str) -> str:
    """The first 16 hex digits: enough to tell documents apart on a timeline (the full hash is
    on the document's page and in its certificate)."""
    return f"SHA-256 {sha256[:16]}…" if sha256 else ""
