"""What running the service adds: GET /healthz, `disclosure check`, `disclosure mail test`, the
data keys and backups, the scheduler's heartbeat job that /healthz reads, and the nightly backup."""

from __future__ import annotations

from flask import current_app

from disclosure.areas import Area, Job, Skipped
from disclosure.db import db
from disclosure.ops import backup, cli, service, views


def heartbeat(session) -> str:
    """Tell /healthz that the scheduler is running."""
    service.beat(session)
    return "beat"


def nightly_backup(session) -> str:
    """Back up into DISCLOSURE_BACKUP_FOLDER and delete the backups older than
    DISCLOSURE_BACKUP_DAYS (docs/rules.md R-backups-expire)."""
    settings = current_app.config["SETTINGS"]
    if settings.backup_folder is None:
        return Skipped("DISCLOSURE_BACKUP_FOLDER is not set")
    backup.create(db.engine_for(), settings.upload_folder, settings.backup_folder)
    deleted = backup.prune(settings.backup_folder, settings.backup_days)
    return f"backup written; {deleted} older than {settings.backup_days} days deleted"


def _after_the_purge(settings) -> dict:
    # after the night's purge, so that the backup holds nothing the purge has just deleted
    return {"hour": (settings.purge_hour + 1) % 24, "minute": 0}


AREA = Area(
    "ops",
    blueprints=(views.bp,),
    commands=(cli.check_command, cli.mail_cli, cli.keys_cli, cli.backup_cli),
    jobs=(
        Job("heartbeat", "interval", {"minutes": 1}, heartbeat),
        Job("backup", "cron", _after_the_purge, nightly_backup, own_transactions=True),
    ),
)
