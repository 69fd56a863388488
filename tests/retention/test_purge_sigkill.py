"""A purge killed outright (SIGKILL, in the middle of a batch that has copied and deleted but not
committed) leaves no held record both unpreserved and deleted: the copy and the deletion commit
together or not at all (docs/rules.md R-hold-preserved-apart), and the next run ends as an
uninterrupted one would."""

from __future__ import annotations

import multiprocessing
import os
import signal

import pytest
from sqlalchemy import select

from disclosure import clock, vault
from disclosure.db import db, make_engine
from disclosure.holds.models import PreservedRecord
from disclosure.records import kinds
from disclosure.retention import purge
from tests.retention.test_purge_crash_and_race import (  # noqa: F401 - twin_app: a fixture
    NOW,
    load_library,
    state,
    twin_app,
)

pytestmark = pytest.mark.committing
KINDS = ("loans", "computer_sessions")


def _purge_then_die(url: str, ring, batch: int) -> None:
    """In a process of its own: purge in small batches, and SIGKILL this process inside the
    `batch`-th batch, after its copies and deletion and before its commit."""
    clock.freeze(NOW)
    seen = {"n": 0}

    def before_commit(_kind, _first, _last):
        seen["n"] += 1
        if seen["n"] == batch:
            os.kill(os.getpid(), signal.SIGKILL)

    engine = make_engine(url)
    vault.arm(engine, ring)  # the library's data key: held copies are sealed as they are made
    purge.run_purge(engine, batch_size=4, hooks=purge.PurgeHooks(before_commit=before_commit))


def _killed_at(app, batch: int) -> int:
    url = db.engine_for(app).url.render_as_string(hide_password=False)
    with app.app_context():
        ring = vault.keyring()
    ring = vault.Keyring(keys=ring.keys, current=ring.current)  # without its ciphers, to pickle
    child = multiprocessing.get_context("spawn").Process(
        target=_purge_then_die, args=(url, ring, batch)
    )
    child.start()
    child.join(120)
    return child.exitcode


def _ids(app, kind: str) -> set[int]:
    with db.engine_for(app).connect() as conn:
        return set(conn.scalars(select(kinds.get(kind).table.c.id)))


def _preserved(app, kind: str) -> set[int]:
    with db.new_session(app) as s:
        return set(
            s.scalars(select(PreservedRecord.original_id).where(PreservedRecord.kind == kind))
        )


def test_a_killed_purge_leaves_no_held_record_unpreserved_and_deleted(
    fresh_app,
    twin_app,  # noqa: F811 - the fixture imported above
):
    clock.freeze(NOW)
    load_library(twin_app)
    load_library(fresh_app)
    purge.run_purge(db.engine_for(twin_app), batch_size=4)
    expected = state(twin_app)
    must_keep = {kind: _preserved(twin_app, kind) for kind in KINDS}
    assert all(must_keep.values())  # holds cover loans and sessions due for deletion
    for batch in (2, 7, 13):
        assert _killed_at(fresh_app, batch) == -signal.SIGKILL
        for kind in KINDS:
            somewhere = _ids(fresh_app, kind) | _preserved(fresh_app, kind)
            assert must_keep[kind] <= somewhere, f"a held {kind} record was lost at {batch}"
    purge.run_purge(db.engine_for(fresh_app), batch_size=4)
    assert state(fresh_app) == expected
