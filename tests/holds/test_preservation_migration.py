"""Upgrading a library whose holds kept records in the ordinary tables (migration
0026_preservation_store): the demo library (no purge run yet, so its held records past retention are
in the ordinary tables, as before the store) is taken down to the revision before and upgraded
again; the first purge then copies every record kept only because a hold covers it into the
preservation store and deletes it (docs/rules.md R-hold-preserved-apart)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from alembic import command
from sqlalchemy import func, select

from disclosure import clock, demo, migrate
from disclosure.db import db
from disclosure.holds.models import PreservedRecord
from disclosure.retention import purge
from tests import databases
from tests.conftest import _TMP, make_app

pytestmark = pytest.mark.committing
BEFORE = "0025_patron_language"


@pytest.fixture
def demo_before_the_store(backend, server_for):
    """The demo library (a twentieth of it) in a database at the revision before the store."""
    server = server_for(backend)
    url = databases.new_database(backend, server, _TMP)
    migrate.upgrade(url)
    app = make_app(url)
    clock.freeze(clock.now().replace(microsecond=0))
    with app.app_context():
        demo.load(db.session, scale=0.05, progress=lambda _line: None)
        db.session.commit()
    db.engine_for(app).dispose()
    command.downgrade(migrate.alembic_config(url), BEFORE)
    try:
        yield app, url
    finally:
        clock.freeze(None)
        db.engine_for(app).dispose()
        databases.drop_database(url, server)


def test_the_first_purge_after_the_upgrade_moves_what_holds_kept_into_the_store(
    demo_before_the_store,
):
    app, url = demo_before_the_store
    engine = db.engine_for(app)
    clock.freeze(clock.now() + timedelta(days=1))  # the demo's hold still active, its logs due
    with engine.connect() as conn:  # the store is not there yet
        assert not engine.dialect.has_table(conn, "preserved_records")
    kept_by_holds = {
        kind: result.preserved
        for kind, result in purge.run_purge(engine, dry_run=True).results.items()
        if result.preserved
    }
    assert kept_by_holds.get("computer_sessions", 0) > 0  # the demo's hold on one computer
    migrate.upgrade(url)
    assert migrate.differences(engine) == []
    report = purge.run_purge(engine)
    assert {k: r.preserved for k, r in report.results.items() if r.preserved} == kept_by_holds
    with db.new_session(app) as s:
        stored = dict(
            s.execute(
                select(PreservedRecord.kind, func.count()).group_by(PreservedRecord.kind)
            ).all()
        )
    assert stored == kept_by_holds
    after = purge.run_purge(engine, dry_run=True).results
    assert all(r.would_go == 0 for k, r in after.items() if k != "patrons")
