"""The schema comes only from Alembic, and the models agree with it."""

from sqlalchemy import inspect

from disclosure import migrate
from disclosure.db import db


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
