"""'What the library does not keep': the retention schedule in a patron's words (docs/rules.md
R-retention-public, notice: how long the library keeps information and how it disposes of it).

`current_sentences(session)` is THE one place that asks the retention area for its sentences,
so the report says what the public schedule says and the purge does."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from disclosure.retention.rules import retention_days, retention_sentences, sentence_of


def current_sentences(session: Session) -> list[dict]:
    """What the library does not keep, as the report prints it. THE one call site of the
    retention area (disclosure.retention.rules.retention_sentences), so the report says exactly
    what the public schedule and the purge do."""
    days = retention_days(session)
    lines = [
        {"kind": kind, "sentence": text, "days": days[kind]}
        for kind, text in retention_sentences(session)
    ]
    return lines + [GENERAL]


def in_words(items: list[dict], say: Callable[[str], str]) -> list[str]:
    """The sentences of `items` (as current_sentences made them) in `say`'s language: the
    schedule's own sentence, drawn again from its kind and days (an item of a report compiled
    before the days were kept stays as it was written)."""
    return [
        sentence_of(item["kind"], item["days"], say) if "days" in item else say(item["sentence"])
        for item in items
    ]


# The same words for every patron, so they reveal nothing about anyone's records.
GENERAL = {
    "kind": "general",
    "sentence": "The law can require us to keep a record for longer than this; when that "
    "ends, the schedule above applies again.",
}
