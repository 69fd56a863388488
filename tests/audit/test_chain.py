"""The audit trail's hash chain (docs/rules.md R-audit-chained): every event is chained to the one
before; `disclosure audit verify` names the first event changed, re-attributed or deleted behind the
app's back, and `--against` catches a whole chain rewritten."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from disclosure.audit import chain
from disclosure.audit import service as audit
from disclosure.audit.models import AuditEvent, ChainVerification
from tests import factories
from tests.audit.tamper import owner_disables_triggers


def _events(session, director, n=4) -> list[AuditEvent]:
    events = [
        audit.record(session, director, "case.viewed", "case", i, case_id=i, detail=f"items={i}")
        for i in range(1, n + 1)
    ]
    session.flush()
    return events


def test_every_event_follows_the_one_before(session, app_context):
    director = factories.user(session, "director")
    before = chain.head(session)
    events = _events(session, director)
    assert events[0].prev_sha256 == before.sha256
    for earlier, later in zip(events, events[1:], strict=False):
        assert later.prev_sha256 == earlier.sha256
        assert later.sha256 == chain.link(earlier.sha256, chain.content_of(later))
    assert chain.head(session).sha256 == events[-1].sha256
    assert chain.verify(session).ok


def _verify_cli(app, *args):
    return app.test_cli_runner().invoke(args=["audit", "verify", *args])


def test_audit_verify_reports_an_intact_chain_and_keeps_the_check(app, session, app_context):
    _events(session, factories.user(session, "director"))
    session.commit()
    result = _verify_cli(app)
    assert result.exit_code == 0, result.output
    assert "events match" in result.output
    kept = session.scalar(select(ChainVerification).order_by(ChainVerification.id.desc()))
    assert kept.ok and kept.by == "command line" and kept.head_sha256 == chain.head(session).sha256


@pytest.mark.parametrize(
    "tampering",
    [
        "UPDATE audit_events SET detail = 'items=0' WHERE id = :id",
        "UPDATE audit_events SET actor_user_id = :other WHERE id = :id",
        "DELETE FROM audit_events WHERE id = :id",
    ],
    ids=["edited", "re-attributed", "deleted"],
)
def test_a_tampered_event_is_refused_and_if_forced_named_by_audit_verify(
    app, session, app_context, tampering
):
    director, other = factories.user(session, "director"), factories.user(session, "staff")
    events = _events(session, director)
    target, following = events[1], events[2]
    values = {"id": target.id, "other": other.id}
    connection = session.connection()
    with pytest.raises(Exception, match="refused"), connection.begin_nested():
        connection.execute(text(tampering), values)
    # A database owner can switch the triggers off; the chain still tells.
    owner_disables_triggers(session, "audit_events")
    connection.execute(text(tampering), values)
    session.commit()
    session.expire_all()
    result = _verify_cli(app)
    assert result.exit_code != 0
    named = following.id if tampering.startswith("DELETE") else target.id
    assert f"Event #{named} " in result.output
    kept = session.scalar(select(ChainVerification).order_by(ChainVerification.id.desc()))
    assert not kept.ok and kept.bad_event_id == named


def test_a_whole_chain_rewritten_is_caught_against_the_anchor(app, session, app_context):
    events = _events(session, factories.user(session, "director"))
    anchor = chain.head(session).sha256
    owner_disables_triggers(session, "audit_events")
    # The owner edits one event and recomputes every hash after it: the chain holds together...
    session.execute(
        text("UPDATE audit_events SET detail = 'items=0' WHERE id = :id"), {"id": events[1].id}
    )
    prev = events[1].prev_sha256
    for event in events[1:]:
        session.refresh(event)
        sha = chain.link(prev, chain.content_of(event))
        session.execute(
            text("UPDATE audit_events SET prev_sha256 = :p, sha256 = :s WHERE id = :id"),
            {"p": prev, "s": sha, "id": event.id},
        )
        prev = sha
    session.commit()
    assert _verify_cli(app).exit_code == 0
    # ...but not with the anchor the Director was sent.
    result = _verify_cli(app, "--against", anchor)
    assert result.exit_code != 0
    assert "none has the anchor's hash" in result.output
