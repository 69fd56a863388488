"""Scheduled housekeeping of patrons' reports."""
from __future__ import annotations

from flask import Flask

from disclosure import jobs


def drop_expired_reports(session) -> str:
    """Delete the content of frozen reports whose download period is over (hashes stay), and
    sign-in failure counts older than a day."""
    from disclosure.patrons.service import drop_expired_report_content, forget_old_sign_in_failures

    emptied, forgotten = drop_expired_report_content(session), forget_old_sign_in_failures(session)
    return f"{emptied} expired patron report(s) emptied, {forgotten} old sign-in failure count(s) forgotten"


JOB = jobs.Job("drop-expired-patron-reports", "cron", {"hour": 3, "minute": 15}, drop_expired_reports)


def init_app(app: Flask) -> None:
    """Add the job once (create_app may run many times in one process)."""
    if all(job.id != JOB.id for job in jobs.JOBS):
        jobs.JOBS.append(JOB)
