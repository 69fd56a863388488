"""Template filters: the library's date words (disclosure/dates.py), for the templates."""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

from disclosure import clock, i18n
from disclosure.dates import days_from_today, local_date, local_datetime, local_span

# Views may take the same words from here (services take them from disclosure.dates).
__all__ = [
    "date_in_words",
    "days_from_today",
    "init_app",
    "local_date",
    "local_datetime",
    "local_span",
]


def init_app(app) -> None:
    """Register the filters."""
    app.jinja_env.filters.update(
        local_datetime=datetime_in_words,
        local_date=date_in_words,
        local_span=local_span,
        days_from_today=days_from_today,
        number=number_in_words,
    )


# A page in another language than English (the patron portal, disclosure/i18n.py) writes its
# dates in that language's words ("1 ene 2027"); English pages keep the library's own words.


def date_in_words(value: datetime | date | None, fmt: str = "%-d %b %Y") -> str:
    """A date as the page's language writes it (the library's own words in English)."""
    code = i18n.current()
    if code == i18n.ENGLISH or value is None:
        return local_date(value, fmt)
    day = clock.local(value).date() if isinstance(value, datetime) else value
    return format_date(day, "d MMM y", locale=code)


def datetime_in_words(value: datetime | None, fmt: str = "%-d %b %Y, %-I:%M %p") -> str:
    """A moment as the page's language writes it, in the library's time zone."""
    code = i18n.current()
    if code == i18n.ENGLISH or value is None:
        return local_datetime(value, fmt)
    return format_datetime(clock.local(value), "d MMM y, H:mm", locale=code)


def number_in_words(value: int) -> str:
    """A count as the page's language groups its digits ("4,000" in English)."""
    code = i18n.current()
    return f"{value:,}" if code == i18n.ENGLISH else format_decimal(value, locale=code)
