"""The retention rules, one per kind of record (docs/rules.md, "Retention and purges"): how many
days a record is kept after the event that starts its clock. The purge, the public schedule and
the Director's settings all read `current_rules`, so what the library says is what it does."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure import clock
from disclosure.audit import service as audit
from disclosure.errors import DomainError
from disclosure.records import kinds
from disclosure.retention.models import RetentionRule

MAX_DAYS = 3650


@dataclass(frozen=True)
class RuleSpec:
    """A kind of record as the schedule describes it."""

    kind: str  # the retention key (records.kinds: RecordKind.retention)
    label: str  # the records, plural: "Computer sign-up and session logs"
    default_days: int
    event: str  # what starts the clock: "the session"
    action: str  # "deleted" or what anonymisation does
    plural: bool = True
    source: str = (
        ""  # the policy the default comes from, in words a Director knows (docs/rules.md, "why")
    )
    footnote: str = ""


# One rule per retention key of records.kinds (a kind's `retention`, by default its own key).
RULES: kinds.PerKind[RuleSpec] = kinds.PerKind("retention rule", kinds.retention_keys)
SPECS = RULES.values()  # in display order, always as registered


def register(spec: RuleSpec) -> RuleSpec:
    """Give a retention key its rule (the built-in ones below; a new kind's, where it is added)."""
    return RULES.register(spec.kind, spec)


register(
    RuleSpec(
        kinds.PATRONS.retention,
        "Expired library cards with nothing owed and nothing on loan",
        0,
        "the card expires",
        "deleted",
        source="consortium privacy policy",
    )
)
register(
    RuleSpec(
        kinds.LOANS.retention,
        "Circulation history (loans once returned and settled)",
        60,
        "the item is returned",
        "deleted",
        plural=False,
        source="library privacy policy",
        footnote="Monthly counts per branch are kept for statistics, without names.",
    )
)
register(
    RuleSpec(
        kinds.COMPUTER_SESSIONS.retention,
        "Computer sign-up and session logs",
        3,
        "the session",
        "deleted",
        source="consortium privacy policy",
        footnote="Daily counts per branch are kept for statistics, without names.",
    )
)
register(
    RuleSpec(
        kinds.INTERLIBRARY_LOANS.retention,
        "Interlibrary-loan requests",
        0,
        "the request is completed",
        "stripped of the patron's name and of what was asked for",
        source="interlibrary-loan service's data policy",
        footnote="Their status and department are kept for statistics.",
    )
)
register(
    RuleSpec(
        kinds.PROGRAM_REGISTRATIONS.retention,
        "Program registrations",
        0,
        "the program ends",
        "deleted",
        source="library privacy policy",
    )
)
register(
    RuleSpec(
        kinds.ILL_EMAILS.retention,
        "E-mail messages about interlibrary-loan requests",
        0,
        "the request is completed",
        "deleted",
        source="interlibrary-loan service's data policy",
    )
)
register(
    RuleSpec(
        kinds.MAILING_LIST_SUBSCRIPTIONS.retention,
        "Mailing-list subscriptions",
        183,
        "the last activity",
        "deleted",
        source="library privacy policy: six months without activity",
    )
)


def defaults() -> dict[str, int]:
    """Days kept per retention key when the Director has set nothing (docs/rules.md, "Retention
    and purges")."""
    return {key: spec.default_days for key, spec in RULES.items()}


@dataclass(frozen=True)
class RetentionLine:
    """One line of the schedule: a kind, its days, and a sentence in plain words."""

    kind: str
    label: str
    days: int
    default_days: int
    sentence: str
    footnote: str


def current_rules(bind) -> dict[str, int]:
    """Days kept per kind: the Director's settings over the defaults (`bind`: a Session or a
    Connection; the purge reads them through its own connection)."""
    rules = defaults()
    rows = bind.execute(select(RetentionRule.kind, RetentionRule.days)).all()
    rules.update({kind: days for kind, days in rows if kind in rules})
    return rules


def _same(text: str) -> str:
    return text


def sentence(spec: RuleSpec, days: int, say: Callable[[str], str] = _same) -> str:
    """'Computer sign-up and session logs are deleted 3 days after the session.' `say` turns
    each phrase into the reader's language (a patron's own report, disclosure/i18n.py); the
    phrases are whole, so that a language can order its words its own way."""
    verb = "are" if spec.plural else "is"
    subject = say(f"{spec.label} {verb} {spec.action}")
    if days == 0:
        return f"{subject} {say(f'when {spec.event}')}."
    count = say("%(num)s day %(after)s") if days == 1 else say("%(num)s days %(after)s")
    return f"{subject} {count % {'num': days, 'after': say(f'after {spec.event}')}}."


def sentence_of(kind: str, days: int, say: Callable[[str], str] = _same) -> str:
    """The schedule's sentence of retention key `kind` kept `days` days, in `say`'s language."""
    return sentence(RULES[kind], days, say)


def schedule(session: Session) -> list[RetentionLine]:
    """The library's retention schedule, each kind with a plain-words sentence (the public page,
    the patrons area and the purge all read the same rules)."""
    rules = current_rules(session)
    return [
        RetentionLine(
            s.kind, s.label, rules[s.kind], s.default_days, sentence(s, rules[s.kind]), s.footnote
        )
        for s in SPECS
    ]


def retention_sentences(session: Session) -> list[tuple[str, str]]:
    """(kind, sentence) for every kind of record, in schedule order."""
    return [(line.kind, line.sentence) for line in schedule(session)]


def retention_days(session: Session) -> dict[str, int]:
    """Days kept per retention key, as the schedule's sentences say them."""
    return {line.kind: line.days for line in schedule(session)}


def update_rules(session: Session, actor, days_by_kind: dict[str, int]) -> list[str]:
    """The Director changes retention periods; each change is an audit event. Returns the kinds
    that changed."""
    rules = current_rules(session)
    changed = []
    for kind, days in days_by_kind.items():
        if kind not in RULES:
            raise DomainError(f"Unknown kind of record: {kind}.")
        if days is None or days < 0 or days > MAX_DAYS:
            raise DomainError(f"Give a whole number of days from 0 to {MAX_DAYS}.", field=kind)
        if days == rules[kind]:
            continue
        row = session.get(RetentionRule, kind) or RetentionRule(kind=kind)
        row.days, row.changed_at, row.changed_by_id = days, clock.now(), actor.id
        session.add(row)
        audit.record(
            session,
            actor,
            "retention.changed",
            "retention_rule",
            None,
            detail=f"kind={kind} days={rules[kind]}->{days}",
        )
        changed.append(kind)
    return changed
