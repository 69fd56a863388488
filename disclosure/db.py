"""Engine, session, declarative Base, the UTC datetime type, and SQLite pragmas."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app, has_request_context
from flask.globals import app_ctx
from sqlalchemy import DateTime, MetaData, create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Every table of the app; constraint names are fixed so migrations stay stable."""

    # The modules that map tables do without `from __future__ import annotations`: with it every
    # column's `Mapped[...]` is a string SQLAlchemy evaluates when the class is made, 10 ms of
    # every start (tests/test_startup.py). A name defined further down is quoted instead.
    metadata = MetaData(naming_convention=NAMING)


class UTCDateTime(TypeDecorator):
    """A tz-aware UTC instant on every backend (SQLite has no time zones, so we store naive UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; use clock.now()")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _sqlite_pragmas(engine: Engine) -> None:
    """Foreign keys on, WAL, a busy timeout; and let SQLAlchemy own BEGIN so that
    savepoints and BEGIN IMMEDIATE (the purge's write lock) work with pysqlite."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # deleted rows (purged records) are overwritten with zeros, not left in free pages
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


def _private_sqlite_file(url: str) -> None:
    """Create the SQLite file readable by its owner only (its -wal and -shm files follow)."""
    database = make_url(url).database
    if not database or database == ":memory:":
        return
    path = Path(database)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    path.chmod(0o600)


def make_engine(url: str) -> Engine:
    """An engine for `url` with this app's settings for its backend."""
    if url.startswith("sqlite"):
        _private_sqlite_file(url)
        engine = create_engine(url, connect_args={"timeout": 15})
        _sqlite_pragmas(engine)
        return engine
    return create_engine(url, pool_pre_ping=True)


class Database:
    """Each app's engine, and a session scoped to the current app context.

    The engine lives on the app (not here), so two apps can live side by side in one process:
    the gag-order twin test signs in to two databases at once."""

    def __init__(self) -> None:
        self.session: scoped_session[Session] = scoped_session(
            self._new_for_app, scopefunc=_app_ctx_id
        )

    def init_app(self, app) -> None:
        """Give the app its engine; close the session when the app context ends."""
        app.extensions["disclosure.engine"] = make_engine(app.config["DATABASE_URL"])
        app.teardown_appcontext(lambda _exc: self.session.remove())

    @staticmethod
    def engine_for(app=None) -> Engine:
        """The engine of `app` (or the current app)."""
        return (app or current_app).extensions["disclosure.engine"]

    def _new_for_app(self) -> Session:
        # A test pins the app to one connection inside an outer transaction; sessions then
        # work in savepoints and everything is rolled back when the test ends.
        pinned = current_app.extensions.get("disclosure.pinned_connection")
        if pinned is not None:
            return Session(
                bind=pinned, join_transaction_mode="create_savepoint", expire_on_commit=False
            )
        engine = self.engine_for()
        if engine.dialect.name == "sqlite" and has_request_context():
            # A web request on SQLite takes the write lock when it begins (waiting its turn up
            # to the busy timeout). Most requests write (an audit event, a sign-in), and a
            # transaction that read first and writes later fails at once with "database is
            # locked" when another request committed in between: no timeout helps that one.
            # Requests are short. So are most scheduled jobs, whose transactions begin the same
            # way (jobs.run_job); long ones read deferred and take the lock where they write
            # (begin_writing below).
            engine = engine.execution_options(sqlite_begin="IMMEDIATE")
        return Session(bind=engine, expire_on_commit=False)

    def new_session(self, app=None) -> Session:
        """A session of its own, outside the request scope (batches, locks, races)."""
        return Session(bind=self.engine_for(app), expire_on_commit=False)


def _app_ctx_id() -> int:
    return id(app_ctx._get_current_object())


db = Database()


def is_sqlite(session: Session) -> bool:
    """True when the session talks to SQLite (locking differs there)."""
    return session.get_bind().dialect.name == "sqlite"


# ---- SQLite's write lock, taken first ----------------------------------------------------------
# On SQLite (WAL) a transaction that read first and writes later fails at once with "database is
# locked" when another connection committed in between: its snapshot is stale, and no busy timeout
# helps. A transaction that begins IMMEDIATE takes the write lock before it reads (waiting its turn
# up to the busy timeout) and cannot fail that way. Hold it only for short work: web requests
# wait at most their busy timeout for it. PostgreSQL needs none of this (the option is ignored).


def begin_with_write_lock(session: Session) -> None:
    """Begin `session`'s next transaction with the write lock on SQLite (BEGIN IMMEDIATE); call
    it when no transaction is open. Only that transaction: the one after its commit is deferred."""
    session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})


def begin_writing(session: Session) -> None:
    """End what `session` read (committed: nothing was written yet), and begin its writes in a
    transaction that holds the write lock on SQLite from its start. Re-check under it what the
    writes depend on."""
    session.commit()
    begin_with_write_lock(session)


def always_write_lock_first(session: Session) -> None:
    """Every transaction `session` begins from now on takes the write lock first on SQLite, as a
    web request's does; call it when no transaction is open. (A session pinned to one connection
    by a test works in savepoints of that connection's transaction, and is left as it is.)"""
    if isinstance(session, scoped_session):
        session = session()
    bind = session.get_bind()
    if isinstance(bind, Engine) and bind.dialect.name == "sqlite":
        session.bind = bind.execution_options(sqlite_begin="IMMEDIATE")


# ---- files that belong to a transaction --------------------------------------------------------
# A scan is written to disk before its row is committed. If the transaction then does not
# commit (a refusal further on, an error in the request, a session closed without commit), the
# file would stay behind with no row to find it by: a copy of a legal paper or a consent nobody
# can see or delete. So the file is remembered on the session, forgotten when the outermost
# transaction commits, and removed when it ends any other way. (A file written inside a savepoint
# that rolls back while the outer transaction commits is kept; nothing writes files that way.)
_WRITTEN_FILES = "disclosure.written_files"


def write_file(session: Session, path: Path, data: bytes) -> None:
    """Write `path` now; delete it again unless `session`'s transaction commits."""
    if isinstance(session, scoped_session):
        session = session()  # the request's own Session behind the proxy
    if not session.in_transaction():
        session.begin()  # so that even a session closed at once ends a transaction that removes it
    _write_private(path, data)
    session.info.setdefault(_WRITTEN_FILES, []).append(path)


def _write_private(path: Path, data: bytes) -> None:
    # Scans of legal papers and consents are for the app alone: the folder 0700 and the file
    # 0600 from the moment it exists, whatever the process's umask (docs/rules.md R-files-private).
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.parent.chmod(0o700)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)


@event.listens_for(Session, "after_commit")
def _keep_written_files(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint released: the outer transaction may still roll back
    session.info.pop(_WRITTEN_FILES, None)


@event.listens_for(Session, "after_transaction_end")
def _remove_uncommitted_files(session: Session, transaction) -> None:
    if transaction.parent is not None:
        return  # a savepoint inside the transaction: the files live or die with the outer one
    for path in session.info.pop(_WRITTEN_FILES, []):
        path.unlink(missing_ok=True)
