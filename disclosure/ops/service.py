"""Health and configuration checks. They report states and counts, never records or names."""

from __future__ import annotations

import os
import socket
import stat
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from disclosure import clock, migrate
from disclosure.notify import service as notify
from disclosure.ops.models import SchedulerHeartbeat

SCHEDULER = "scheduler"
# The heartbeat job runs every minute; five missed beats mean the scheduler is not running
# (purges, hold expiry and reminders would silently stop).
HEARTBEAT_STALE_AFTER = timedelta(minutes=5)


def beat(session: Session) -> None:
    """Record that the scheduler is alive now (the heartbeat job)."""
    row = session.get(SchedulerHeartbeat, SCHEDULER)
    if row is None:
        session.add(SchedulerHeartbeat(name=SCHEDULER, beat_at=clock.now()))
    else:
        row.beat_at = clock.now()


def health(session: Session) -> dict[str, str]:
    """The three things a monitor needs: database reachable, schema at head, scheduler alive.
    Each is 'ok' or one word naming the failure."""
    try:
        session.execute(text("SELECT 1"))
    except Exception:  # any driver error means the same thing to a monitor: unreachable
        session.rollback()
        return {"database": "unreachable", "schema": "unknown", "scheduler": "unknown"}
    schema = _schema_state(session)
    # An old schema may not have the heartbeat table yet: its state is then unknown.
    scheduler = _scheduler(session) if schema == "ok" else "unknown"
    return {"database": "ok", "schema": schema, "scheduler": scheduler}


def _schema_state(session: Session) -> str:
    current = migrate.current_heads(session.connection())
    return "ok" if current == migrate.heads() else "behind"


def _scheduler(session: Session) -> str:
    beat_at = session.scalar(
        select(SchedulerHeartbeat.beat_at).where(SchedulerHeartbeat.name == SCHEDULER)
    )
    if beat_at is None:
        return "never"
    return "ok" if clock.now() - beat_at <= HEARTBEAT_STALE_AFTER else "stale"


@dataclass(frozen=True)
class Finding:
    """One line of `disclosure check`: 'ok', 'warn' or 'fail', and what to do about it."""

    level: str
    text: str


def configuration_findings(settings, session: Session) -> list[Finding]:
    """Everything an operator should look at before serving patrons' records."""
    return [
        *_secrets(settings),
        *_permissions(settings),
        *_keys_and_backups(settings),
        *(_as_findings(health(session))),
        _smtp(settings),
        _pango(),
    ]


def _secrets(settings) -> list[Finding]:
    found = []
    if settings.debug:
        found.append(Finding("fail", "DISCLOSURE_DEBUG is on: never serve real records so."))
    if len(settings.secret_key) < 32:
        found.append(Finding("fail", "The secret key is shorter than 32 characters."))
    if settings.base_url.startswith("http://") and "127.0.0.1" not in settings.base_url:
        found.append(
            Finding("warn", "DISCLOSURE_BASE_URL is plain HTTP: links in e-mails should be HTTPS.")
        )
    return found or [Finding("ok", "Secret key and debug settings are fit for production.")]


def _permissions(settings) -> list[Finding]:
    found = []
    for label, path in (
        ("instance folder", Path(settings.instance_path)),
        ("upload folder", Path(settings.upload_folder)),
        ("secret key file", Path(settings.instance_path) / "secret_key"),
        ("data key file", Path(settings.instance_path) / "data_keys"),
        ("SQLite database", _sqlite_file(settings.database_url)),
        ("backup folder", Path(settings.backup_folder) if settings.backup_folder else None),
    ):
        if path is None or not path.exists():
            continue
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o007:
            found.append(
                Finding("fail", f"The {label} {path} can be read by every user ({mode:o}).")
            )
    return found or [Finding("ok", "Instance, upload and key files are closed to other users.")]


def _keys_and_backups(settings) -> list[Finding]:
    # docs/rules.md R-encrypted-at-rest and R-backups-expire
    source = "DISCLOSURE_DATA_KEY" if settings.data_key else "instance/data_keys"
    found = [Finding("ok", f"The data key comes from {source}: keep a copy apart from backups.")]
    if settings.backup_folder is None:
        found.append(Finding("warn", "DISCLOSURE_BACKUP_FOLDER is not set: no nightly backup."))
    elif settings.backup_days > 7:
        found.append(
            Finding(
                "warn",
                f"Backups are kept {settings.backup_days} days: until deleted, each brings back "
                "records the nightly purge removed. Keep them 7 days or fewer.",
            )
        )
    else:
        found.append(
            Finding(
                "ok",
                f"Nightly backups go to {settings.backup_folder}, kept "
                f"{settings.backup_days} days.",
            )
        )
    return found


def _sqlite_file(url: str) -> Path | None:
    return Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None


def _as_findings(states: dict[str, str]) -> list[Finding]:
    words = {
        "database": "The database is reachable.",
        "schema": "The schema is at the newest migration (disclosure db upgrade).",
        "scheduler": "The scheduler has beaten in the last five minutes (disclosure scheduler).",
    }
    return [
        Finding("ok" if state == "ok" else "fail", f"{words[name]} State: {state}.")
        for name, state in states.items()
    ]


def _smtp(settings) -> Finding:
    if not settings.smtp_host:
        return Finding("warn", "No SMTP server (DISCLOSURE_SMTP_HOST): nothing is e-mailed.")
    try:
        with socket.create_connection((settings.smtp_host, settings.smtp_port), timeout=5):
            pass
    except OSError as err:
        return Finding(
            "fail",
            f"The SMTP server {settings.smtp_host}:{settings.smtp_port} is unreachable: "
            f"{err.strerror or err}.",
        )
    return Finding("ok", f"The SMTP server {settings.smtp_host}:{settings.smtp_port} answers.")


def _pango() -> Finding:
    try:
        import weasyprint  # lazy, as in disclosure/pdf.py; loading it loads Pango

        weasyprint.HTML(string="<p>check</p>").write_pdf()
    except OSError as err:
        return Finding("fail", f"PDFs cannot be made: Pango is missing ({err}).")
    return Finding("ok", "PDFs can be made (WeasyPrint and Pango).")


def send_test_mail(settings, address: str) -> None:
    """Send one plain message to `address` through the configured SMTP server (raises on
    failure, with the server's words)."""
    if not settings.smtp_host:
        raise RuntimeError("No SMTP server is configured (DISCLOSURE_SMTP_HOST).")
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = address
    message["Subject"] = f"Test message from Disclosure ({settings.library_name})"
    message.set_content(
        "This is a test of the e-mail settings. Notifications from Disclosure will arrive "
        f"the same way.\n\nSent from host {socket.gethostname()}, process {os.getpid()}.\n"
    )
    notify.deliver(settings, message)
