"""Reading the purge history (the rules themselves are in retention.rules)."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from disclosure.retention.models import PurgeRun
from disclosure.retention.rules import current_rules, retention_sentences, schedule, update_rules  # noqa: F401


def last_run(session: Session) -> PurgeRun | None:
    """The most recent purge run, whatever its outcome."""
    return session.scalar(
        select(PurgeRun).order_by(PurgeRun.started_at.desc(), PurgeRun.id.desc()).limit(1)
    )


def runs_newest_first() -> Select:
    """SELECT of every purge run, newest first (the history shows a page at a time)."""
    return select(PurgeRun).order_by(PurgeRun.started_at.desc(), PurgeRun.id.desc())
