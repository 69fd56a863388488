"""Scheduled housekeeping of patrons' reports."""

from __future__ import annotations

from flask import Flask

from disclosure import jobs


def drop_expired_reports(session) -> str:
    """Delete the content of frozen reports whose download period is over (hashes stay), and of
    any that lists a matter gagged since it was compiled; forget sign-in failure counts older
    than a day."""
    from disclosure.patrons.gagging import withdraw_reports_listing_gagged_matters
    from disclosure.patrons.service import drop_expired_report_content, forget_old_sign_in_failures

    withdrawn = withdraw_reports_listing_gagged_matters(session)
    emptied, forgotten = drop_expired_report_content(session), forget_old_sign_in_failures(session)
    return (
        f"{emptied} expired patron report(s) emptied, {withdrawn} withdrawn, {forgotten} old "
        "sign-in failure count(s) forgotten"
    )


JOB = jobs.Job(
    "drop-expired-patron-reports", "cron", {"hour": 3, "minute": 15}, drop_expired_reports
)


def init_app(app: Flask) -> None:
    """Add the job once (create_app may run many times in one process)."""
    if all(job.id != JOB.id for job in jobs.JOBS):
        jobs.JOBS.append(JOB)
