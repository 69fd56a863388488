"""Alembic environment: the URL comes from the caller (disclosure.migrate), the models from
disclosure.models."""

from alembic import context

from disclosure.db import make_engine
from disclosure.models import metadata

config = context.config


def run_migrations_online() -> None:
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    try:
        _migrate(engine)
    finally:
        engine.dispose()


def _migrate(engine) -> None:
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            compare_type=True,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
