"""A library of its own for a test: its own migrated database, upload folder and settings."""

from __future__ import annotations

import contextlib
from pathlib import Path

from disclosure import migrate
from disclosure.db import db
from tests import databases
from tests.conftest import make_app


@contextlib.contextmanager
def library(backend: str, server: str | None, folder: Path, **settings):
    """An app on a new, migrated database (with the given settings) and an upload folder of its
    own under `folder`; the database is dropped afterwards."""
    url = databases.new_database(backend, server, folder)
    migrate.upgrade(url)
    application = make_app(url, settings)
    application.config["SETTINGS"].upload_folder = folder / "uploads"
    try:
        yield application
    finally:
        db.engine_for(application).dispose()
        databases.drop_database(url, server)
