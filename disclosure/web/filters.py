"""Template filters: the library's date words (disclosure/dates.py), for the templates."""

from __future__ import annotations

from disclosure.dates import days_from_today, local_date, local_datetime, local_span

# Views may take the same words from here (services take them from disclosure.dates).
__all__ = ["days_from_today", "init_app", "local_date", "local_datetime", "local_span"]


def init_app(app) -> None:
    """Register the filters."""
    app.jinja_env.filters.update(
        local_datetime=local_datetime,
        local_date=local_date,
        local_span=local_span,
        days_from_today=days_from_today,
    )
