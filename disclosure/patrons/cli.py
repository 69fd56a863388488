"""Scheduled housekeeping of patrons' reports."""
from __future__ import annotations

from flask import Flask

from disclosure import jobs


def drop_expired_reports(session) -> str:
    """Delete the content of frozen reports whose download period is over (hashes stay)."""
    from disclosure.patrons.service import drop_expired_report_content

    return f"{drop_expired_report_content(session)} expired patron report(s) emptied"


JOB = jobs.Job("drop-expired-patron-reports", "cron", {"hour": 3, "minute": 15}, drop_expired_reports)


def init_app(app: Flask) -> None:
    """Add the job once (create_app may run many times in one process)."""
    if all(job.id != JOB.id for job in jobs.JOBS):
        jobs.JOBS.append(JOB)
