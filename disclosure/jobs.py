"""Scheduler wiring (APScheduler): one function per job, each safe to run twice.

Runs in its own process (`flask --app wsgi scheduler`); `make run` starts one beside the web
server. Areas add jobs to JOBS; each job gets an app context and a fresh session."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import click
from flask import Flask

from disclosure.db import db

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    """A scheduled job: its id, its trigger arguments for APScheduler, and the work."""

    id: str
    trigger: str
    trigger_args: dict | Callable  # or trigger_args(settings) -> dict, for times that are settings
    run: Callable  # run(session) -> str (a line for the log: counts only, never names)


def send_email(session) -> str:
    """E-mail notifications waiting in the outbox."""
    from disclosure.notify.service import send_pending_email

    return f"{send_pending_email(session)} e-mail(s) sent"


def purge(session) -> str:
    """The nightly purge (retention.purge): batches of its own, one run at a time across every
    scheduler process (a claim under the database lock)."""
    from disclosure.retention.purge import PurgeBusy, run_purge

    try:
        report = run_purge(session.get_bind(), trigger="scheduler")
    except PurgeBusy as busy:
        return f"skipped: {busy}"
    gone = sum(r.deleted + r.anonymised for r in report.results.values())
    kept = sum(r.kept_held for r in report.results.values())
    return (
        f"run {report.run_id}: {gone} record(s) deleted or anonymised, {kept} kept because of holds"
    )


def hold_expiry(session) -> str:
    """Record holds that have ended (and tell the Director); their records rejoin the schedule."""
    from disclosure.holds.reminders import note_ended_holds

    return f"{note_ended_holds(session)} hold(s) ended"


def reminders(session) -> str:
    """Remind the Director of holds ending in 14, 7, 1 days and of case deadlines."""
    from disclosure.holds.reminders import send_case_deadline_reminders, send_hold_reminders

    return (
        f"{send_hold_reminders(session)} hold reminder(s), {send_case_deadline_reminders(session)} "
        "deadline reminder(s)"
    )


def gag_expiry(session) -> str:
    """Lift the gags whose orders ran out: the case returns to the normal rules, on its timeline."""
    from disclosure.cases.gag import lift_expired_gags

    return f"{lift_expired_gags(session)} gag order(s) expired"


def heartbeat(session) -> str:
    """Tell /healthz that the scheduler is running."""
    from disclosure.ops.service import beat

    beat(session)
    return "beat"


JOBS: list[Job] = [
    Job("heartbeat", "interval", {"minutes": 1}, heartbeat),
    Job("send-email", "interval", {"minutes": 1}, send_email),
    Job("purge", "cron", lambda settings: {"hour": settings.purge_hour, "minute": 0}, purge),
    Job("hold-expiry", "cron", {"minute": 5}, hold_expiry),
    Job("reminders", "cron", {"minute": 10}, reminders),
    Job("gag-expiry", "cron", {"hour": 0, "minute": 20}, gag_expiry),
]


def run_job(app: Flask, job: Job) -> None:
    """Run one job in its own app context and transaction."""
    with app.app_context():
        session = db.session
        try:
            outcome = job.run(session)
            session.commit()
            log.info("job %s: %s", job.id, outcome)
        except Exception:
            session.rollback()
            log.exception("job %s failed", job.id)
            raise


def build_scheduler(app: Flask, blocking: bool = True):
    """An APScheduler with every job: coalesced, one instance at a time, and a generous misfire
    grace so that a late run (machine asleep, process restarted) still happens instead of being
    silently dropped."""
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.schedulers.blocking import BlockingScheduler

    settings = app.config["SETTINGS"]
    scheduler = (BlockingScheduler if blocking else BackgroundScheduler)(
        timezone=settings.timezone,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 6 * 3600},
    )
    for job in JOBS:
        trigger_args = (
            job.trigger_args(settings) if callable(job.trigger_args) else job.trigger_args
        )
        scheduler.add_job(
            run_job, job.trigger, args=[app, job], id=job.id, replace_existing=True, **trigger_args
        )
    return scheduler


def init_cli(app: Flask) -> None:
    """Add `flask --app wsgi scheduler` and `flask --app wsgi run-job ID`."""

    @app.cli.command("scheduler")
    def scheduler_command() -> None:
        """Run the scheduled jobs in this process until stopped."""
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )
        scheduler = build_scheduler(app)
        for job in scheduler.get_jobs():
            click.echo(f"scheduled {job.id}: {job.trigger}")
        scheduler.start()

    @app.cli.command("run-job")
    @click.argument("job_id")
    def run_job_command(job_id: str) -> None:
        """Run one scheduled job now."""
        job = next((j for j in JOBS if j.id == job_id), None)
        if job is None:
            raise click.ClickException(f"no job {job_id}; jobs: {', '.join(j.id for j in JOBS)}")
        run_job(app, job)
        click.echo(f"ran {job_id}")
