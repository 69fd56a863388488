"""'What the library does not keep': the retention schedule in a patron's words (docs/rules.md
R-retention-public, notice: how long the library keeps information and how it disposes of it).

`current_sentences(session)` is THE one place that asks the retention area for its sentences,
so the report says what the public schedule says and the purge does."""

from __future__ import annotations

from sqlalchemy.orm import Session

from disclosure.retention.rules import retention_sentences


def current_sentences(session: Session) -> list[dict]:
    """What the library does not keep, as the report prints it. THE one call site of the
    retention area (disclosure.retention.rules.retention_sentences), so the report says exactly
    what the public schedule and the purge do."""
    lines = [{"kind": kind, "sentence": text} for kind, text in retention_sentences(session)]
    return lines + [GENERAL]


# The same words for every patron, so they reveal nothing about anyone's records.
GENERAL = {
    "kind": "general",
    "sentence": "The law can require us to keep a record for longer than this; when that "
    "ends, the schedule above applies again.",
}
