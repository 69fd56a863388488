"""The schema comes only from Alembic, and the models agree with it."""

import contextlib
import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from alembic import command
from sqlalchemy import MetaData, insert, inspect, text
from sqlalchemy.orm import Session

from disclosure import migrate
from disclosure.audit import chain
from disclosure.audit.models import AuditEvent
from disclosure.db import db, make_engine
from tests import databases


def test_upgrade_head_on_an_empty_database_matches_the_models(app):
    engine = db.engine_for(app)
    assert migrate.differences(engine) == []
    tables = set(inspect(engine).get_table_names())
    assert {
        "users",
        "patrons",
        "loans",
        "computer_sessions",
        "interlibrary_loans",
        "audit_events",
    } <= tables


def test_the_app_never_creates_tables_itself():
    import pathlib

    source = "\n".join(p.read_text() for p in pathlib.Path("disclosure").rglob("*.py"))
    assert "create_all(" not in source


# ---- 0010: one key per kind of record ------------------------------------------------------

BEFORE_0010 = "0009_report_productions"


def _sample(column):
    """A value any NOT NULL column of that type accepts (ids point to the rows numbered 1)."""
    python = column.type.python_type
    samples = {
        int: 1,
        str: "x",
        bool: False,
        bytes: b"x",
        date: date(2026, 6, 1),
        datetime: datetime(2026, 6, 1, 12, tzinfo=UTC),
        Decimal: Decimal("0.00"),
        dict: {},
        list: [],
    }
    return samples[python]


@contextlib.contextmanager
def _database_at(backend, server, tmp_path, revision: str):
    """A new database migrated up to `revision`: its URL and an engine on it; dropped after."""
    url = databases.new_database(backend, server, tmp_path)
    try:
        migrate.upgrade(url, revision)
        engine = make_engine(url)
        try:
            yield url, engine
        finally:
            engine.dispose()
    finally:
        databases.drop_database(url, server)


def _insert(conn, meta, name: str, **given) -> None:
    table = meta.tables[name]
    values = {
        c.name: given[c.name] if c.name in given else _sample(c)
        for c in table.columns
        if c.name in given or not (c.nullable or c.primary_key)
    }
    conn.execute(insert(table).values(values))


def test_0010_moves_hold_categories_to_rows_and_patrons_kinds_to_the_registrys_keys(
    backend, server_for, tmp_path
):
    with _database_at(backend, server_for(backend), tmp_path, BEFORE_0010) as (url, engine):
        with engine.begin() as conn:
            meta = MetaData()
            meta.reflect(conn)
            _insert(conn, meta, "users", id=1)
            _insert(conn, meta, "cases", id=1)
            covers = {f"covers_{c}": c in ("loans", "patrons") for c in CATEGORIES_0004}
            _insert(conn, meta, "holds", id=1, **covers)
            _insert(conn, meta, "patrons", id=1)
            _insert(conn, meta, "hold_patrons", id=1, hold_id=1, patron_id=1)
            _insert(conn, meta, "patron_requests", id=1, kinds=["registration", "mailing_lists"])
            _insert(conn, meta, "consent_releases", id=1, kinds=["loans", "registration"])
            _insert(conn, meta, "patron_reports", id=1, request_id=1, counts={"registration": 1})
        migrate.upgrade(url)
        with engine.connect() as conn:
            # the holds table is changed in place: the patrons its hold names are still named
            assert conn.execute(text("SELECT count(*) FROM hold_patrons")).scalar() == 1
            assert set(conn.execute(text("SELECT category FROM hold_categories")).scalars()) == {
                "loans",
                "patrons",
            }
            assert _json(conn, "patron_requests", "kinds") == [
                "patrons",
                "mailing_list_subscriptions",
            ]
            assert _json(conn, "consent_releases", "kinds") == ["loans", "patrons"]
            assert _json(conn, "patron_reports", "counts") == {"patrons": 1}
        command.downgrade(migrate.alembic_config(url), BEFORE_0010)
        with engine.connect() as conn:
            row = conn.execute(text("SELECT * FROM holds")).mappings().one()
            assert {c for c in CATEGORIES_0004 if row[f"covers_{c}"]} == {"loans", "patrons"}
            assert _json(conn, "patron_requests", "kinds") == ["registration", "mailing_lists"]


CATEGORIES_0004 = (
    "loans",
    "computer_sessions",
    "interlibrary_loans",
    "program_registrations",
    "mailing_list_subscriptions",
    "patrons",
)


def _json(conn, table: str, column: str):
    value = conn.execute(text(f"SELECT {column} FROM {table}")).scalar_one()
    return json.loads(value) if isinstance(value, str) else value


# ---- 0023: public ids ------------------------------------------------------------------------

BEFORE_PUBLIC_IDS = "0022_desk_proof"
NAMED_IN_URLS = ("cases", "holds", "patron_requests", "consent_releases")


def test_the_public_ids_migration_fills_the_rows_already_there(backend, server_for, tmp_path):
    with _database_at(backend, server_for(backend), tmp_path, BEFORE_PUBLIC_IDS) as (url, engine):
        with engine.begin() as conn:
            meta = MetaData()
            meta.reflect(conn)
            _insert(conn, meta, "users", id=1)
            _insert(conn, meta, "patrons", id=1)
            for n in (1, 2):
                _insert(conn, meta, "cases", id=n, number=n)
                _insert(conn, meta, "holds", id=n, case_id=1)
                _insert(conn, meta, "patron_requests", id=n, subject_id=1, requester_id=1)
                _insert(conn, meta, "consent_releases", id=n, patron_id=1, kinds=["loans"])
        migrate.upgrade(url)
        with engine.connect() as conn:
            for table in NAMED_IN_URLS:
                ids = conn.execute(text(f"SELECT public_id FROM {table}")).scalars().all()
                assert len(ids) == 2 and len(set(ids)) == 2, table
                assert all(len(public_id) == 16 for public_id in ids), table


# ---- 0024: the audit trail chained, and what is kept refused rewriting ----------------------

BEFORE_CHAIN = "0023_public_ids"


def test_0024_chains_the_events_already_written_and_verify_passes(backend, server_for, tmp_path):
    with _database_at(backend, server_for(backend), tmp_path, BEFORE_CHAIN) as (url, engine):
        with engine.begin() as conn:
            meta = MetaData()
            meta.reflect(conn)
            for n in range(1, 4):
                _insert(conn, meta, "audit_events", action=f"case.step{n}", detail=f"items={n}")
        migrate.upgrade(url)
        with Session(engine) as session:
            events = session.query(AuditEvent).order_by(AuditEvent.id).all()
            assert [e.action for e in events] == ["case.step1", "case.step2", "case.step3"]
            assert events[0].prev_sha256 == chain.GENESIS
            assert events[2].prev_sha256 == events[1].sha256
            finding = chain.verify(session)
            assert finding.ok and finding.checked == 3
            with pytest.raises(Exception, match="refused"):
                session.execute(text("UPDATE audit_events SET detail = 'items=0'"))
        command.downgrade(migrate.alembic_config(url), BEFORE_CHAIN)
        with engine.begin() as conn:
            conn.execute(text("UPDATE audit_events SET detail = 'after downgrade'"))


# ---- 0029: a hold's link to a patron keeps its card number ------------------------------------

BEFORE_CARDS = "0028_render_work_results"


def test_0029_keeps_the_card_a_hold_names_when_the_patron_is_deleted(backend, server_for, tmp_path):
    with _database_at(backend, server_for(backend), tmp_path, BEFORE_CARDS) as (url, engine):
        with engine.begin() as conn:
            meta = MetaData()
            meta.reflect(conn)
            _insert(conn, meta, "users", id=1)
            _insert(conn, meta, "cases", id=1)
            _insert(conn, meta, "holds", id=1, case_id=1, scope="patrons")
            _insert(conn, meta, "patrons", id=1, card_number="29000000000123")
            _insert(conn, meta, "hold_patrons", id=1, hold_id=1, patron_id=1)
        migrate.upgrade(url)
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM patrons"))  # as the purge deletes an expired patron
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT patron_id, card_number FROM hold_patrons")).all()
        assert [tuple(row) for row in rows] == [(None, "29000000000123")]
