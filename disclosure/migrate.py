"""Alembic, driven from the app: the schema changes only through migrations/."""

from __future__ import annotations

import functools

from disclosure.config import PROJECT_ROOT
from disclosure.models import metadata

# Alembic is imported where it is used, not at import: every command (and the web app) loads
# this module, and only migrations need Alembic (a tenth of a second of start-up).


def alembic_config(url: str):
    """An Alembic config for `url`, with scripts in migrations/."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


@functools.cache
def heads() -> frozenset[str]:
    """The newest revision(s) in migrations/ (read once: they change only with a new release)."""
    from alembic.script import ScriptDirectory

    return frozenset(ScriptDirectory.from_config(alembic_config("")).get_heads())


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at `url` up to `revision`."""
    from alembic import command

    command.upgrade(alembic_config(url), revision)


def differences(engine) -> list:
    """What the models have that the migrated database lacks (or the reverse): [] when they
    agree."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, metadata)


def new_revision(url: str, message: str) -> None:
    """Write a new migration from the difference between the models and the database at `url`."""
    from alembic import command

    command.revision(alembic_config(url), message=message, autogenerate=True)


def current_heads(connection) -> frozenset[str]:
    """The revision(s) the database behind `connection` is at."""
    from alembic.runtime.migration import MigrationContext

    return frozenset(MigrationContext.configure(connection).get_current_heads())
