"""A case's deadlines, in one place (docs/rules.md R-case-deadlines): the return date of the
process, counsel's review date and an emergency's follow-up paper; each with the day it was met,
if it was. The case page, the queue, the dashboard and the reminders all read them here, so a
date the page shows as met is never the subject of a reminder."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from disclosure import clock
from disclosure.cases.models import Case


@dataclass(frozen=True)
class Deadline:
    """One date a case must meet, and the local day it was met (None while it is not)."""

    key: str
    label: str
    due: date
    met_on: date | None
    done: str = "done"  # what meeting it is called, for "received late"

    @property
    def met(self) -> bool:
        """True once what was due has been done, on time or not."""
        return self.met_on is not None

    @property
    def late(self) -> bool:
        """True when it was done after its day: shown as late, never as met."""
        return self.met_on is not None and self.met_on > self.due

    @property
    def overdue(self) -> bool:
        """True when its day has passed and it is not yet done."""
        return self.met_on is None and self.due < clock.today()

    @property
    def days_left(self) -> int:
        """Days from today (library time) to its day; negative once passed."""
        return (self.due - clock.today()).days

    @property
    def late_words(self) -> str:
        """How a late one is shown: 'received late', 'decided late'."""
        return f"{self.done} late"

    @property
    def state(self) -> str:
        """'met', 'late' (done after its day), 'overdue' or 'pending'."""
        if self.met_on is not None:
            return "late" if self.late else "met"
        return "overdue" if self.overdue else "pending"


def _day(moment: datetime | None) -> date | None:
    return clock.local(moment).date() if moment is not None else None


def _advised_on(case: Case) -> date | None:
    # Counsel has advised once a review is recorded or the waiver carrying counsel's advice is
    # (docs/rules.md R-counsel-before-decision): the earliest of them meets the review date.
    moments = [a.recorded_at for a in case.advice]
    if case.waiver is not None:
        moments.append(case.waiver.advised_at)
    return _day(min(moments)) if moments else None


def of_case(case: Case) -> list[Deadline]:
    """The case's deadlines, in the order the case page lists them."""
    found = []
    if case.return_date:
        # The process is answered by the Director's decision.
        found.append(
            Deadline(
                "return_date", "Return date", case.return_date, _day(case.decided_at), "decided"
            )
        )
    if case.counsel_due_on:
        found.append(
            Deadline(
                "counsel_due_on",
                "Counsel's advice due",
                case.counsel_due_on,
                _advised_on(case),
                "given",
            )
        )
    if case.paperwork_due_at:
        found.append(
            Deadline(
                "paperwork_due_at",
                "Officer's paper due",
                clock.local(case.paperwork_due_at).date(),
                _day(case.paperwork_received_at),
                "received",
            )
        )
    return found


def pending(case: Case) -> list[Deadline]:
    """The deadlines of an open case not yet met, soonest first (none once it is closed)."""
    if not case.is_open:
        return []
    return sorted((d for d in of_case(case) if not d.met), key=lambda d: d.due)


def is_overdue(case: Case) -> bool:
    """True when an open case has missed a deadline."""
    return any(d.overdue for d in pending(case))


def next_deadline(case: Case) -> Deadline | None:
    """The earliest deadline of an open case not yet met."""
    found = pending(case)
    return found[0] if found else None
