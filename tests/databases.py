"""Making and dropping test databases on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def new_database(backend: str, server_url: str | None, folder: Path) -> str:
    """A fresh, empty database; its URL."""
    name = f"disclosure_test_{uuid.uuid4().hex[:10]}"
    if backend == "sqlite":
        return f"sqlite:///{folder / (name + '.sqlite3')}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def drop_database(url: str, server_url: str | None) -> None:
    """Drop a PostgreSQL test database (SQLite files go with the temporary folder)."""
    if not url.startswith("postgresql"):
        return
    name = make_url(url).database
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()
