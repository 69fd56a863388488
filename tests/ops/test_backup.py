"""Backups (docs/rules.md R-backups-expire): backup, wipe, restore gives back the same records and
the same audit trail; the nightly job deletes backups older than DISCLOSURE_BACKUP_DAYS."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from disclosure import clock, jobs, vault
from disclosure.audit.models import AuditEvent
from disclosure.cases import uploads
from disclosure.cases.models import CaseDocument, DocumentKind
from disclosure.db import db
from disclosure.models import metadata
from disclosure.ops import backup
from disclosure.records.models import Patron
from tests import factories
from tests.ops.own_library import library

SCAN = b"%PDF-1.4\nthe warrant as scanned"


def _fill(app) -> tuple[int, int]:
    with app.app_context():
        session = db.new_session(app)
        patron = factories.patron(session, name="Mirela Tanaka-Obi")
        case = factories.advised_case(session, patron_cards=[patron.card_number])
        scan = uploads.store(
            session, case.received_by, case, uploads.Scan("w.pdf", SCAN), DocumentKind.LEGAL_PROCESS
        )
        session.commit()
        ids = patron.id, scan.id
        session.close()
    return ids


def _state(app) -> tuple[dict, list]:
    """Rows per table, and every audit event as stored."""
    with app.app_context():
        session = db.new_session(app)
        counts = {
            table.name: session.scalar(select(func.count()).select_from(table))
            for table in metadata.sorted_tables
        }
        events = session.execute(select(AuditEvent.__table__).order_by(AuditEvent.id)).all()
        session.close()
    return counts, [tuple(event) for event in events]


def _wipe(app) -> None:
    engine = db.engine_for(app)
    if engine.dialect.name == "sqlite":
        engine.dispose()
        database = Path(make_url(engine.url).database)
        for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
            path.unlink(missing_ok=True)
    else:
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    for path in Path(app.config["SETTINGS"].upload_folder).rglob("*"):
        if path.is_file():
            path.unlink()


def _restore(app, file) -> None:
    """`disclosure backup restore FILE --yes`, as the administrator runs it; it must succeed."""
    restored = app.test_cli_runner().invoke(args=["backup", "restore", str(file), "--yes"])
    assert restored.exit_code == 0, restored.output


def test_backup_wipe_restore_gives_back_the_same_records_and_audit_trail(
    backend, server_for, tmp_path
):
    with library(backend, server_for(backend), tmp_path) as app:
        patron_id, scan_id = _fill(app)
        before = _state(app)
        assert before[0]["patrons"] >= 1 and before[1], "nothing to back up"
        made = app.test_cli_runner().invoke(args=["backup", "create", "--to", str(tmp_path / "b")])
        assert made.exit_code == 0, made.output
        (file,) = (tmp_path / "b").glob("disclosure-backup-*.dsb")
        assert file.stat().st_mode & 0o077 == 0
        assert b"Mirela Tanaka-Obi" not in file.read_bytes()

        _wipe(app)
        _restore(app, file)
        assert _state(app) == before
        with app.app_context():
            session = db.new_session(app)
            assert session.get(Patron, patron_id).name == "Mirela Tanaka-Obi"
            assert uploads.content_of(session.get(CaseDocument, scan_id)) == SCAN
            session.close()


def test_a_backup_sealed_with_another_key_is_refused_with_a_reason(backend, server_for, tmp_path):
    with library(backend, server_for(backend), tmp_path) as app, app.app_context():
        file = backup.create(db.engine_for(app), tmp_path / "uploads", tmp_path / "b")
    with library(
        backend, server_for(backend), tmp_path / "other", data_key=vault.new_key_text()
    ) as other:
        refused = other.test_cli_runner().invoke(args=["backup", "restore", str(file), "--yes"])
        assert refused.exit_code != 0
        assert "cannot be opened" in refused.output and "does not have" in refused.output


def _chunks(data: bytes) -> list[bytes]:
    """The length-prefixed chunks of a backup file, after its header."""
    chunks, at = [], len(backup.HEADER)
    while at < len(data):
        size = int.from_bytes(data[at : at + 4], "big")
        chunks.append(data[at : at + 4 + size])
        at += 4 + size
    return chunks


def test_a_backup_cut_short_or_reordered_is_refused_and_changes_nothing(
    backend, server_for, tmp_path, monkeypatch
):
    monkeypatch.setattr(backup, "CHUNK", 4096)  # many chunks from a small library
    with library(backend, server_for(backend), tmp_path) as app:
        patron_id, _scan_id = _fill(app)
        before = _state(app)
        with app.app_context():
            file = backup.create(db.engine_for(app), tmp_path / "uploads", tmp_path / "b")
        data = file.read_bytes()
        chunks = _chunks(data)
        assert len(chunks) > 3
        spoiled = {
            "cut short": backup.HEADER + b"".join(chunks[:-1]),
            "reordered": backup.HEADER + b"".join([chunks[1], chunks[0], *chunks[2:]]),
            "truncated": data[:-10],
        }
        for how, content in spoiled.items():
            bad = tmp_path / f"{how}.dsb"
            bad.write_bytes(content)
            refused = app.test_cli_runner().invoke(args=["backup", "restore", str(bad), "--yes"])
            assert refused.exit_code != 0, how
            assert "cannot be" in refused.output, (how, refused.output)
        assert _state(app) == before
        _restore(app, file)
        assert _state(app) == before
        with app.app_context():
            session = db.new_session(app)
            assert session.get(Patron, patron_id).name == "Mirela Tanaka-Obi"
            session.close()


def test_the_nightly_backup_deletes_backups_older_than_the_days_kept(backend, server_for, tmp_path):
    folder = tmp_path / "nightly"
    with library(
        backend, server_for(backend), tmp_path, backup_folder=folder, backup_days=7
    ) as app:
        clock.freeze(datetime(2026, 12, 2, 3, 0, tzinfo=UTC))
        folder.mkdir()
        for days in (8, 7, 1):
            (folder / backup.name_at(clock.now() - timedelta(days=days, minutes=1))).write_bytes(
                b"x"
            )
        (folder / "notes.txt").write_text("kept: not a backup")
        outcome = jobs.run_job(app, jobs.job_named(app, "backup"))
        assert "2 older than 7 days deleted" in outcome
        left = sorted(p.name for p in folder.iterdir())
        assert left == [
            backup.name_at(clock.now() - timedelta(days=1, minutes=1)),
            backup.name_at(clock.now()),
            "notes.txt",
        ]


def test_the_retention_page_says_how_long_backups_are_kept(client):
    page = client.get("/retention").get_data(as_text=True)
    assert "Backups" in page and "7 days" in page
