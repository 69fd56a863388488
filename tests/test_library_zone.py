"""The library's time zone and name belong to its app: two libraries in one process each show
dates, find 'today' and schedule the night's purge in their own zone."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import render_template_string

from disclosure import clock, dates, jobs
from tests.conftest import make_app

# 03:30 UTC on 1 March 2026: still 28 February in Chicago (21:30), already 09:15 in Kathmandu.
MOMENT = datetime(2026, 3, 1, 3, 30, tzinfo=UTC)
PAGE = "{{ library_name }}: {{ moment|local_datetime }}, {{ moment|local_date }}"


def _library(name: str, zone: str):
    return make_app("sqlite://", {"library_name": name, "timezone": zone})


def test_two_libraries_in_one_process_each_keep_their_own_time_zone():
    chicago = _library("Jefferson County Library", "America/Chicago")
    kathmandu = _library("Kathmandu Valley Library", "Asia/Kathmandu")
    clock.freeze(MOMENT)
    with chicago.test_request_context():
        assert clock.today() == date(2026, 2, 28)
        assert dates.local_datetime(MOMENT) == "28 Feb 2026, 9:30 p.m."
        with kathmandu.test_request_context():
            assert clock.today() == date(2026, 3, 1)
            assert clock.start_of_local_day(date(2026, 3, 1)) == datetime(
                2026, 2, 28, 18, 15, tzinfo=UTC
            )
            assert render_template_string(PAGE, moment=MOMENT) == (
                "Kathmandu Valley Library: 1 Mar 2026, 9:15 a.m., 1 Mar 2026"
            )
        # back in the first library, nothing of the second one stuck
        assert render_template_string(PAGE, moment=MOMENT) == (
            "Jefferson County Library: 28 Feb 2026, 9:30 p.m., 28 Feb 2026"
        )


def test_each_library_purges_at_night_in_its_own_zone():
    chicago = _library("Jefferson County Library", "America/Chicago")
    kathmandu = _library("Kathmandu Valley Library", "Asia/Kathmandu")
    zones = {
        str(jobs.build_scheduler(app, blocking=False).get_job("purge").trigger.timezone)
        for app in (chicago, kathmandu)
    }
    assert zones == {"America/Chicago", "Asia/Kathmandu"}
