"""The one source of time. Everything asks clock.now(); tests freeze it.

The library's time zone belongs to the app (create_app keeps it in app.config["LIBRARY_ZONE"]),
so one process can serve two libraries; outside an app the configured default applies."""

from __future__ import annotations

import contextlib
import functools
from datetime import UTC, date, datetime, time, timedelta
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


class NoSuchLocalTime(ValueError):
    """A wall-clock time the library's clocks skip (the night they go forward)."""

    def __init__(self, moment: datetime, skipped_from: datetime, skipped_to: datetime) -> None:
        self.moment, self.skipped_from, self.skipped_to = moment, skipped_from, skipped_to
        super().__init__(
            f"{_words(moment)} on {moment:%-d %b %Y} does not exist at the library: the clocks "
            f"went forward from {_words(skipped_from)} to {_words(skipped_to)} that night. "
            f"Give a time before {_words(skipped_from)} or from {_words(skipped_to)} on."
        )


def _words(moment: datetime) -> str:
    return moment.strftime("%-I:%M %p").replace("AM", "a.m.").replace("PM", "p.m.")


def at_local(day: date, wall_clock: time, *, second: bool = False) -> datetime:
    """The UTC instant a wall-clock time on `day` at the library names. A time the clocks skip
    raises NoSuchLocalTime; a time that happens twice (the night they go back) is the first of
    the two, or the second with `second=True`."""
    naive = datetime.combine(day, wall_clock.replace(tzinfo=None, fold=0))
    zone = library_zone()
    first = naive.replace(tzinfo=zone, fold=0).astimezone(UTC)
    later = naive.replace(tzinfo=zone, fold=1).astimezone(UTC)
    if first.astimezone(zone).replace(tzinfo=None) != naive:
        # In a gap fold=0 reads the time with the offset before the change, fold=1 with the
        # offset after it, so the instant of the change lies between the two readings.
        change = _change_between(min(first, later), max(first, later), zone)
        raise NoSuchLocalTime(
            naive,
            (change - timedelta(microseconds=1)).astimezone(zone).replace(tzinfo=None)
            + timedelta(microseconds=1),
            change.astimezone(zone).replace(tzinfo=None),
        )
    return later if second else first


def _change_between(before: datetime, after: datetime, zone: ZoneInfo) -> datetime:
    """The first whole second in (before, after] with `after`'s UTC offset (a bisection;
    transitions fall on whole seconds)."""
    offset = after.astimezone(zone).utcoffset()
    low, high = int(before.timestamp()), int(after.timestamp())
    while high - low > 1:
        middle = (low + high) // 2
        if datetime.fromtimestamp(middle, zone).utcoffset() == offset:
            high = middle
        else:
            low = middle
    return datetime.fromtimestamp(high, UTC)


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
