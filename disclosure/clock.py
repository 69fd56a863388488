"""The one source of time. Everything asks clock.now(); tests freeze it.

The library's time zone belongs to the app (create_app keeps it in app.config["LIBRARY_ZONE"]),
so one process can serve two libraries; outside an app the configured default applies."""

from __future__ import annotations

import contextlib
import functools
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

from disclosure import config

UTC = UTC
_frozen: datetime | None = None


def now() -> datetime:
    """The current instant, tz-aware UTC (or the frozen instant in a test)."""
    return _frozen if _frozen is not None else datetime.now(UTC)


def library_zone() -> ZoneInfo:
    """The library's time zone: the current app's, else (outside an app) the configured one."""
    if has_app_context():
        return current_app.config["LIBRARY_ZONE"]
    return _configured_zone()


@functools.cache
def _configured_zone() -> ZoneInfo:
    return ZoneInfo(config.configured_timezone())


def local(moment: datetime) -> datetime:
    """A stored UTC instant as the library's wall-clock time."""
    return moment.astimezone(library_zone())


def today() -> date:
    """Today's date at the library."""
    return local(now()).date()


def start_of_local_day(day: date) -> datetime:
    """Midnight at the library on `day`, as a UTC instant."""
    return datetime(day.year, day.month, day.day, tzinfo=library_zone()).astimezone(UTC)


def end_of_local_day(day: date) -> datetime:
    """The last instant of `day` at the library (midnight of the next day), as UTC."""
    return start_of_local_day(day + timedelta(days=1))


@contextlib.contextmanager
def frozen(moment: datetime):
    """Freeze now() at `moment` (tz-aware) for the block; used by tests and the demo loader."""
    global _frozen
    if moment.tzinfo is None:
        raise ValueError("freeze the clock with a tz-aware datetime")
    previous, _frozen = _frozen, moment.astimezone(UTC)
    try:
        yield
    finally:
        _frozen = previous


def freeze(moment: datetime | None) -> None:
    """Freeze (or with None, unfreeze) the clock without a block; tests move it forward."""
    global _frozen
    _frozen = moment.astimezone(UTC) if moment is not None else None
