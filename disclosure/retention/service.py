"""Reading the purge history (the rules themselves are in retention.rules)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from disclosure import clock
from disclosure.records.kinds import REGISTRY as RECORD_KINDS
from disclosure.retention.models import PurgeRun
from disclosure.retention.purge import would_go
from disclosure.retention.rules import current_rules, retention_sentences, schedule, update_rules  # noqa: F401


def last_run(session: Session) -> PurgeRun | None:
    """The most recent purge run, whatever its outcome."""
    return session.scalar(
        select(PurgeRun).order_by(PurgeRun.started_at.desc(), PurgeRun.id.desc()).limit(1)
    )


def runs_newest_first() -> Select:
    """SELECT of every purge run, newest first (the history shows a page at a time)."""
    return select(PurgeRun).order_by(PurgeRun.started_at.desc(), PurgeRun.id.desc())


@dataclass(frozen=True)
class KindConsequence:
    """One kind of record at tonight's purge: what it would delete now, and after the change."""

    kind: str
    label: str
    going_now: int
    going_after: int
    held: int  # of those going after the change, what holds keep: a copy, or the row in place

    @property
    def changes(self) -> bool:
        """True when the change makes tonight's purge delete a different number of these."""
        return self.going_now != self.going_after


@dataclass(frozen=True)
class ChangePreview:
    """A retention change before it is saved: the periods changed and tonight's purge by kind."""

    purge_at: datetime
    changed: dict[str, tuple[int, int]]  # retention key -> (days now, days proposed)
    kinds: list[KindConsequence]

    @property
    def going_after(self) -> int:
        """Records tonight's purge would delete or anonymise after the change, in all."""
        return sum(k.going_after for k in self.kinds)


def next_purge_at(purge_hour: int) -> datetime:
    """When the nightly purge next runs: today at `purge_hour` library time, or tomorrow."""
    today = clock.today()
    at = clock.start_of_local_day(today) + timedelta(hours=purge_hour)
    if at <= clock.now():
        at = clock.start_of_local_day(today + timedelta(days=1)) + timedelta(hours=purge_hour)
    return at


def change_preview(session: Session, proposed: dict[str, int], purge_hour: int) -> ChangePreview:
    """What tonight's purge would delete, per kind, under the rules now and under `proposed`
    (the dry run of retention.purge, nothing changed): shown before a change is saved."""
    rules = current_rules(session)
    after = {**rules, **{k: v for k, v in proposed.items() if k in rules and v is not None}}
    at = next_purge_at(purge_hour)
    connection = session.connection()
    now_report = would_go(connection, rules, at)
    after_report = would_go(connection, after, at)
    consequences = [
        KindConsequence(
            kind,
            RECORD_KINDS[kind].label,
            now_report.results[kind].would_go,
            result.would_go,
            result.preserved + result.kept_held,
        )
        for kind, result in after_report.results.items()
    ]
    changed = {k: (rules[k], after[k]) for k in rules if rules[k] != after[k]}
    return ChangePreview(at, changed, consequences)
