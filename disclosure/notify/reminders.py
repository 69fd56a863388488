"""Reminders of a deadline, each sent once: the areas' hourly jobs ask here whether a reminder
is due. A job that runs twice, or that missed days, sends one reminder per threshold at most (the
key names the thing and its deadline, so a new deadline arms new reminders)."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure import clock
from disclosure.notify.models import SentReminder


def due_threshold(session: Session, key: str, days_left: int, thresholds) -> int | None:
    """The threshold to remind for now, or None. A job that missed days sends one reminder (the
    nearest), and marks the earlier thresholds as passed."""
    reached = [d for d in thresholds if days_left <= d]
    if not reached:
        return None
    keys = [f"{key}:{d}" for d in reached]
    already = set(session.scalars(select(SentReminder.key).where(SentReminder.key.in_(keys))))
    nearest = f"{key}:{min(reached)}"
    if nearest in already:
        return None
    session.add_all(SentReminder(key=k, sent_at=clock.now()) for k in keys if k not in already)
    return min(reached)


def in_days(days: int) -> str:
    """'in 7 days', 'tomorrow', 'today', '2 days ago'."""
    if days < 0:
        return f"{-days} day{'s' if days != -1 else ''} ago"
    return {0: "today", 1: "tomorrow"}.get(days, f"in {days} days")


def path(endpoint: str, **values) -> str | None:
    """The path of a page, or None when that page does not exist (yet) in this app."""
    if endpoint not in current_app.view_functions:
        return None
    return current_app.url_map.bind("localhost").build(endpoint, values)
