"""The nightly sync with the library's own system (ILS), run before the purge so that the purge
and the holds see the day's records: the drop folder's files are imported (records/dropfolder.py)
and everyone with the Director's powers is told what came in, in counts only."""

from __future__ import annotations

from flask import current_app
from sqlalchemy.orm import Session

from disclosure.auth import service as accounts
from disclosure.notify import service as notify
from disclosure.records import dropfolder


def sync_drop_folder(session: Session) -> str:
    """Import the drop folder's waiting files and tell the Director's powers the counts."""
    folder = current_app.config["SETTINGS"].import_folder
    if folder is None:
        return "no import folder configured (DISCLOSURE_IMPORT_FOLDER)"
    if not folder.is_dir():
        return "the import folder does not exist"
    summary = dropfolder.sync(session, folder)
    if summary.files_done or summary.files_failed:
        tell_directors(session, summary)
    return str(summary)


def tell_directors(session: Session, summary: dropfolder.Summary) -> None:
    """A summary notification, counts only, to everyone with the Director's powers now."""
    subject = f"Sync with the library's system: {summary}"
    body = "\n".join(summary.lines())
    for director in accounts.directors_now(session):
        notify.notify(session, director, subject, body, urgent=bool(summary.files_failed))
