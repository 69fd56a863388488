"""Two writers at once keep one chain: the second waits for the first's commit, then follows its
last event (docs/rules.md R-audit-chained)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text

from disclosure.audit import chain
from disclosure.audit import service as audit
from disclosure.db import db

pytestmark = pytest.mark.committing


def _waiting_for_the_lock(session) -> bool:
    return bool(
        session.execute(
            text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
        ).scalar()
    )


def test_two_writers_at_once_keep_one_chain(fresh_app, backend):
    if backend != "postgresql":
        pytest.skip("SQLite has one writer at a time by construction")
    with fresh_app.app_context():
        first, second, watcher = (db.new_session(fresh_app) for _ in range(3))
        audit.record(first, None, "test.first", "test", 1)
        first.flush()  # holds the chain's lock until it commits
        outcome = {}

        def write_second() -> None:
            with fresh_app.app_context():
                try:
                    outcome["event"] = audit.record(second, None, "test.second", "test", 2)
                    second.flush()
                    second.commit()
                except Exception as err:  # noqa: BLE001  (asserted below)
                    outcome["error"] = err

        thread = threading.Thread(target=write_second)
        thread.start()
        while not _waiting_for_the_lock(watcher):  # the second writer is blocked on the lock
            watcher.rollback()
        first_event_sha = first.execute(text("SELECT max(id) FROM audit_events")).scalar()
        first.commit()
        thread.join()
        assert "error" not in outcome
        rows = watcher.execute(
            text("SELECT id, action, prev_sha256, sha256 FROM audit_events ORDER BY id")
        ).all()
        assert [row.action for row in rows][-2:] == ["test.first", "test.second"]
        assert rows[-1].prev_sha256 == rows[-2].sha256
        assert first_event_sha == rows[-2].id
        assert chain.verify(watcher).ok
        for session in (first, second, watcher):
            session.close()
