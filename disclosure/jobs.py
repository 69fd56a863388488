"""Scheduler wiring (APScheduler): every job of the app's areas, each safe to run twice.

Runs in its own process (`disclosure scheduler`); `make run` starts one beside the web
server. Each area names its jobs in its `area.py` (Area.jobs); create_app joins them into one
list per app (areas.of(app).jobs), which the scheduler and `disclosure run-job` both read. Each job
gets an app context and a fresh session."""

from __future__ import annotations

import logging

import click
from flask import Flask

from disclosure import areas
from disclosure.areas import Job, Skipped
from disclosure.db import always_write_lock_first, db

log = logging.getLogger(__name__)


def run_job(app: Flask, job: Job) -> str:
    """Run one job in its own app context and transaction; its outcome (a Skipped when it did
    not do its work)."""
    with app.app_context():
        session = db.session
        if not job.own_transactions:
            # The one place a short job's transactions are set: each begins with SQLite's write
            # lock, as a web request's does (disclosure/db.py). A job reads, then writes what it
            # found (a hold expired, a reminder sent); begun deferred, that write fails at once
            # ("database is locked") when anyone committed since its read, and the library goes
            # on committing while jobs run. Every transaction, not only the first: one begun
            # after the job commits (the drop folder's import, file by file) would be deferred.
            always_write_lock_first(session)
        try:
            outcome = job.run(session)
            session.commit()
            if isinstance(outcome, Skipped):
                log.info("job %s skipped: %s", job.id, outcome)
            else:
                level = logging.DEBUG if _every_few_seconds(job) else logging.INFO
                log.log(level, "job %s: %s", job.id, outcome)
            return outcome
        except Exception:
            session.rollback()
            log.exception("job %s failed", job.id)
            raise


def _every_few_seconds(job: Job) -> bool:
    # such a job (the work queue's) would bury the log at INFO: its ordinary runs are DEBUG
    return (
        job.trigger == "interval"
        and isinstance(job.trigger_args, dict)
        and (set(job.trigger_args) == {"seconds"})
    )


def jobs_of(app: Flask) -> list[Job]:
    """Every scheduled job of `app`'s areas, in area order."""
    return list(areas.of(app).jobs.values())


def job_named(app: Flask, job_id: str) -> Job:
    """The job `job_id` of `app` (KeyError when it has none)."""
    return areas.of(app).jobs[job_id]


def build_scheduler(app: Flask, blocking: bool = True):
    """An APScheduler with every job: coalesced, one instance at a time, and a generous misfire
    grace so that a late run (machine asleep, process restarted) still happens instead of being
    silently dropped."""
    # APScheduler is loaded here, not at start-up: only the scheduler's process builds one, and
    # every other process (the web workers, each CLI command) would pay for loading it
    # (tests/test_startup.py)
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.schedulers.blocking import BlockingScheduler

    settings = app.config["SETTINGS"]
    scheduler = (BlockingScheduler if blocking else BackgroundScheduler)(
        timezone=settings.timezone,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 6 * 3600},
    )
    for job in jobs_of(app):
        trigger_args = (
            job.trigger_args(settings) if callable(job.trigger_args) else job.trigger_args
        )
        scheduler.add_job(
            run_job, job.trigger, args=[app, job], id=job.id, replace_existing=True, **trigger_args
        )
    return scheduler


def init_cli(app: Flask) -> None:
    """Add `disclosure scheduler` and `disclosure run-job ID`."""

    @app.cli.command("scheduler")
    def scheduler_command() -> None:
        """Run the scheduled jobs in this process until stopped."""
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )
        # APScheduler says "Running job ... executed successfully" for every run; our own line
        # says what each did
        logging.getLogger("apscheduler.executors").setLevel(logging.WARNING)
        scheduler = build_scheduler(app)
        for job in scheduler.get_jobs():
            click.echo(f"scheduled {job.id}: {job.trigger}")
        scheduler.start()

    @app.cli.command("run-job")
    @click.argument("job_id")
    def run_job_command(job_id: str) -> None:
        """Run one scheduled job now."""
        jobs = areas.of(app).jobs
        if job_id not in jobs:
            raise click.ClickException(f"no job {job_id}; jobs: {', '.join(jobs)}")
        outcome = run_job(app, jobs[job_id])
        verb = "skipped" if isinstance(outcome, Skipped) else "ran"
        click.echo(f"{verb} {job_id}: {outcome}")
