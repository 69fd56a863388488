"""Dates and times in the library's words: stored in UTC, shown in the library's zone.

Every area may use these (letters, reports, timelines, notifications); web/filters.py hands the
same functions to the templates, so a page and a letter never word a date differently."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from disclosure import clock


def local_datetime(value: datetime | None, fmt: str = "%-d %b %Y, %-I:%M %p") -> str:
    """'23 Nov 2026, 3:04 PM' in the library's zone."""
    if value is None:
        return "—"
    return clock.local(value).strftime(fmt).replace("AM", "a.m.").replace("PM", "p.m.")


def local_date(value: datetime | date | None, fmt: str = "%-d %b %Y") -> str:
    """'23 Nov 2026' (a datetime is first moved to the library's zone)."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = clock.local(value).date()
    return value.strftime(fmt)


def days_from_today(value: datetime | date | None) -> int | None:
    """Whole days from today at the library until `value` (negative when past)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        value = clock.local(value).date()
    return (value - clock.today()).days


def starts_a_day(moment: datetime) -> bool:
    """True when `moment` is the first instant of a day at the library (its midnight)."""
    return moment == clock.start_of_local_day(clock.local(moment).date())


def local_span(start: datetime | None, end: datetime | None) -> str:
    """A window [start, end) as it was entered: whole days as days, the last one included
    ('26 Nov 2026', '26 Nov 2026 – 28 Nov 2026'), other bounds with their time
    ('26 Nov 2026, 2:00 p.m. – 4:00 p.m.'); an open end is '…'."""
    if start is None and end is None:
        return "—"
    first = _bound(start, is_end=False)
    last = _bound(end, is_end=True)
    if start is not None and end is not None:
        first_day, last_day = clock.local(start).date(), _last_day(end)
        if starts_a_day(start) and starts_a_day(end) and first_day == last_day:
            return first
        if not starts_a_day(start) and starts_a_day(end):
            return f"{first} – the end of {last}"
        if not starts_a_day(end) and first_day == clock.local(end).date() and ", " in first:
            return f"{first} – {_time(end)}"
    return f"{first} – {last}"


def _bound(moment: datetime | None, *, is_end: bool) -> str:
    if moment is None:
        return "…"
    if starts_a_day(moment):
        # an end at midnight is the end of the day before: the day entered, included
        return local_date(_last_day(moment) if is_end else clock.local(moment).date())
    return local_datetime(moment)


def _last_day(end: datetime) -> date:
    return clock.local(end - timedelta(microseconds=1)).date()


def _time(moment: datetime) -> str:
    return local_datetime(moment, "%-I:%M %p")
