"""'What the library does not keep': the retention schedule in a patron's words (seed 004 II.1,
notice: how long the library keeps information and how it disposes of it).

`current_sentences(session)` is THE one place that asks the retention area for its sentences;
until that area is merged, the sentences come from `what_the_library_does_not_keep`, which
takes the periods as input (the defaults of DOMAIN.md, "Retention and purges")."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session


@dataclass(frozen=True)
class RetentionPeriods:
    """The configurable periods of the schedule, in days (DOMAIN.md defaults)."""

    loan_history_days: int = 60
    computer_session_days: int = 3
    mailing_list_inactive_days: int = 183  # six months


def current_periods(session: Session) -> RetentionPeriods:
    """The periods in force: the defaults of DOMAIN.md (used only while the retention area is
    not merged; see current_sentences)."""
    return RetentionPeriods()


def current_sentences(session: Session) -> list[dict]:
    """What the library does not keep, as the report prints it. THE one call site of the
    retention area (disclosure.retention.rules.retention_sentences), so the report says exactly
    what the public schedule and the purge do; until that area is merged, the DOMAIN.md defaults."""
    try:
        from disclosure.retention.rules import retention_sentences
    except ModuleNotFoundError:
        return what_the_library_does_not_keep(current_periods(session))
    lines = [{"kind": kind, "sentence": text} for kind, text in retention_sentences(session)]
    return lines + [GENERAL]


# The same words for every patron, so they reveal nothing about anyone's records.
GENERAL = {"kind": "general", "sentence": "The law can require us to keep a record for longer than this; when that "
                                          "ends, the schedule above applies again."}


def _days(n: int) -> str:
    if n % 365 == 0:
        years = n // 365
        return "a year" if years == 1 else f"{years} years"
    if n in (182, 183, 184):
        return "six months"
    if n % 30 == 0 and n >= 60 and n != 60:
        return f"{n // 30} months"
    return "a day" if n == 1 else f"{n} days"


def what_the_library_does_not_keep(periods: RetentionPeriods) -> list[dict]:
    """One plain sentence per kind of record: how long it is kept and what happens then."""
    return [
        {"kind": "loans", "sentence": f"Loans: once you return an item and any fine is paid, the record that you "
                                      f"borrowed it is deleted after {_days(periods.loan_history_days)}. We keep only "
                                      f"monthly totals, with no names."},
        {"kind": "computer_sessions", "sentence": f"Computer sign-up and session logs are deleted after "
                                                  f"{_days(periods.computer_session_days)}."},
        {"kind": "program_registrations", "sentence": "Program registrations are deleted when the program ends."},
        {"kind": "interlibrary_loans", "sentence": "Interlibrary loans: once a request is completed, your name and "
                                                   "details are removed from it; only its status and department are "
                                                   "kept, for statistics."},
        {"kind": "ill_emails", "sentence": "E-mails about an interlibrary loan are deleted once the request is completed."},
        {"kind": "registration", "sentence": "A library card that has expired with nothing owed is deleted, with "
                                             "your registration details."},
        {"kind": "mailing_lists", "sentence": f"Mailing-list subscriptions are deleted after "
                                              f"{_days(periods.mailing_list_inactive_days)} without activity."},
        GENERAL,
    ]
