"""db.write_file: a file written during a transaction lives only if that transaction commits."""

from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from disclosure.db import write_file


def _session():
    session = Session(create_engine("sqlite://"))
    session.execute(text("select 1"))
    return session


def test_a_file_stays_only_when_the_outermost_transaction_commits(tmp_path):
    kept, dropped, closed = tmp_path / "kept", tmp_path / "dropped", tmp_path / "closed"

    session = _session()
    write_file(session, kept, b"scan")
    with session.begin_nested():  # releasing a savepoint is not the commit
        pass
    session.commit()
    assert kept.read_bytes() == b"scan"

    session = _session()
    write_file(session, dropped, b"scan")
    with session.begin_nested():
        pass
    session.rollback()
    assert not dropped.exists()

    session = Session(create_engine("sqlite://"))  # nothing begun yet, then closed without a commit
    write_file(session, closed, b"scan")
    session.close()
    assert not closed.exists()
