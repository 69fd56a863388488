"""Alembic, driven from the app: the schema changes only through migrations/."""

from __future__ import annotations

import functools

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from disclosure.config import PROJECT_ROOT
from disclosure.models import metadata


def alembic_config(url: str) -> Config:
    """An Alembic config for `url`, with scripts in migrations/."""
    config = Config()
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


@functools.cache
def heads() -> frozenset[str]:
    """The newest revision(s) in migrations/ (read once: they change only with a new release)."""
    return frozenset(ScriptDirectory.from_config(alembic_config("")).get_heads())


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at `url` up to `revision`."""
    command.upgrade(alembic_config(url), revision)


def differences(engine) -> list:
    """What the models have that the migrated database lacks (or the reverse): [] when they
    agree."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, metadata)
