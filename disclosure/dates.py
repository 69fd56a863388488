"""Dates and times in the library's words: stored in UTC, shown in the library's zone.

Every area may use these (letters, reports, timelines, notifications); web/filters.py hands the
same functions to the templates, so a page and a letter never word a date differently."""

from __future__ import annotations

from datetime import date, datetime

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
