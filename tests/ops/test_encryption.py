"""Encryption at rest (docs/rules.md R-encrypted-at-rest): what reaches the disk is sealed, the app
reads it back, and `keys rotate` re-seals under a new key without touching anything else."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text, type_coerce
from sqlalchemy.engine import make_url

from disclosure import clock, vault
from disclosure.cases import service, uploads
from disclosure.cases.models import CaseDocument, CounselAdvice, DocumentKind
from disclosure.db import db
from disclosure.documents.models import Document
from disclosure.models import metadata
from disclosure.ops import keys
from disclosure.patrons import scans as patrons_scans
from disclosure.patrons import service as patrons
from disclosure.records.models import Patron
from tests import factories
from tests.conftest import make_app
from tests.ops.own_library import library
from tests.patrons.test_consent import PNG

CANARY_NAME = "Quillon Vexmarrow"
CANARY_EMAIL = "quillon.vexmarrow@example.invalid"
CANARY_ADVICE = "Counsel privately thinks the zqxjv subpoena is defective"
CANARY_SCAN = b"Scanned warrant text: kwyjibo-canary-9731"
CANARY_WALK_IN = "Ottoline Brackwater"


def _stored_bytes(app) -> bytes:
    """Everything the database holds as it lies on disk (SQLite: the file and its WAL), or, on
    PostgreSQL, every row of every table as the server returns it raw (the row as text)."""
    url = app.config["DATABASE_URL"]
    if url.startswith("sqlite"):
        path = Path(make_url(url).database)
        return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())
    chunks = []
    with db.engine_for(app).connect() as connection:
        for table in metadata.sorted_tables:
            query = text(f'SELECT t::text FROM "{table.name}" AS t')  # noqa: S608
            chunks += [str(row).encode() for (row,) in connection.execute(query)]
    assert chunks, "nothing was read"
    return b"\n".join(chunks)


def _upload_bytes(app) -> bytes:
    folder = Path(app.config["SETTINGS"].upload_folder)
    return b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())


def _canary_case(app):
    """A patron, counsel's advice and a scan with unmistakable words, committed."""
    with app.app_context():
        session = db.new_session(app)
        patron = factories.patron(session, name=CANARY_NAME, email=CANARY_EMAIL)
        case = factories.case(session, patron_cards=[patron.card_number])
        factories.computer_session(session, signup_name=CANARY_WALK_IN)
        director = factories.user(session, "director")
        counsel = factories.user(session, "counsel")
        due = clock.today() + timedelta(days=7)
        service.assign_counsel(session, director, case, counsel, due)
        service.record_advice(
            session, counsel, case, advice=CANARY_ADVICE, recommendation="comply", checklist={}
        )
        scan = uploads.store(
            session,
            director,
            case,
            uploads.Scan("warrant.pdf", b"%PDF-1.4\n" + CANARY_SCAN),
            DocumentKind.LEGAL_PROCESS,
        )
        session.commit()
        ids = patron.id, case.id, scan.id
        session.close()
    return ids


def test_the_disk_holds_no_patrons_name_counsels_advice_or_scan_text(backend, server_for, tmp_path):
    with library(backend, server_for(backend), tmp_path) as app:
        patron_id, case_id, scan_id = _canary_case(app)
        on_disk = _stored_bytes(app) + _upload_bytes(app)
        for canary in (CANARY_NAME, CANARY_EMAIL, CANARY_ADVICE, CANARY_WALK_IN):
            assert canary.encode() not in on_disk
        assert CANARY_SCAN not in on_disk
        # ... and the app reads every one of them back
        with app.app_context():
            session = db.new_session(app)
            assert session.get(Patron, patron_id).name == CANARY_NAME
            advice = session.scalar(select(CounselAdvice).where(CounselAdvice.case_id == case_id))
            assert advice.advice == CANARY_ADVICE
            assert uploads.content_of(session.get(CaseDocument, scan_id)).endswith(CANARY_SCAN)
            session.close()


def _raw_keys(app) -> set[str | None]:
    """The key id of every sealed value in the database, and of every stored scan."""
    found = set()
    with app.app_context():
        session = db.new_session(app)
        for _table, column in keys.sealed_columns():
            stored = select(type_coerce(column, column.type.impl)).where(column.is_not(None))
            found |= {vault.key_of(value) for (value,) in session.execute(stored)}
        for document in session.scalars(select(CaseDocument)):
            found.add(vault.key_of(uploads.path_of(document).read_bytes()))
        session.close()
    return found


def test_keys_rotate_reseals_under_the_new_key_and_keeps_every_hash(backend, server_for, tmp_path):
    old, new = vault.new_key_text(), vault.new_key_text()
    with library(backend, server_for(backend), tmp_path, data_key=old) as first:
        patron_id, case_id, scan_id = _canary_case(first)
        with first.app_context():
            session = db.new_session(first)
            director = factories.user(session, "director")
            pdf = b"%PDF-1.4 a final letter"
            letter = Document(
                case_id=case_id,
                kind="letter",
                title="Letter",
                status="final",
                params={},
                body="Dear officer",
                pdf=pdf,
                sha256=hashlib.sha256(pdf).hexdigest(),
                created_at=factories.at(2026, 11, 2),
                updated_at=factories.at(2026, 11, 2),
                created_by_id=director.id,
            )
            session.add(letter)
            # a value written before encryption began, straight into the column
            session.commit()
            session.execute(
                text("UPDATE patrons SET phone = '(636) 555-0100' WHERE id = :id"),
                {"id": patron_id},
            )
            session.commit()
            letter_id = letter.id
            session.close()
        old_id, new_id = vault.key_id(vault.decode_key(old)), vault.key_id(vault.decode_key(new))
        assert _raw_keys(first) == {old_id, None}

        uploads_folder = first.config["SETTINGS"].upload_folder
        second = make_app(first.config["DATABASE_URL"], {"data_key": new, "old_data_keys": old})
        second.config["SETTINGS"].upload_folder = uploads_folder
        try:
            # interrupted after two batches, then run again: both leave every value readable
            with second.app_context():
                session = db.new_session(second)
                batches = keys.rotate(session, vault.keyring(), batch=1)
                for _ in range(2):
                    next(batches)
                    session.commit()
                session.close()
            result = second.test_cli_runner().invoke(args=["keys", "rotate", "--batch", "2"])
            assert result.exit_code == 0, result.output
            assert f"now sealed with key {new_id}" in result.output
            assert _raw_keys(second) == {new_id}
            again = second.test_cli_runner().invoke(args=["keys", "rotate"])
            assert f"Done: 0 value(s) and file(s) now sealed with key {new_id}" in again.output
            status = second.test_cli_runner().invoke(args=["keys", "status"]).output
            assert f"current key: {new_id}" in status and old_id not in status
            assert "plaintext" not in status
        finally:
            db.engine_for(second).dispose()

        only_new = make_app(first.config["DATABASE_URL"], {"data_key": new})
        only_new.config["SETTINGS"].upload_folder = uploads_folder
        try:
            with only_new.app_context():
                session = db.new_session(only_new)
                patron = session.get(Patron, patron_id)
                assert (patron.name, patron.phone) == (CANARY_NAME, "(636) 555-0100")
                letter = session.get(Document, letter_id)
                assert letter.pdf == pdf
                assert letter.sha256 == hashlib.sha256(pdf).hexdigest()
                scan = session.get(CaseDocument, scan_id)
                assert uploads.content_of(scan).endswith(CANARY_SCAN)
                assert scan.sha256 == hashlib.sha256(b"%PDF-1.4\n" + CANARY_SCAN).hexdigest()
                session.close()
        finally:
            db.engine_for(only_new).dispose()


def test_an_altered_ciphertext_is_refused_not_read():
    ring = vault.Keyring.of(vault.decode_key(vault.new_key_text()))
    sealed = bytearray(vault.seal(b"counsel's advice", ring))
    sealed[-1] ^= 1
    with pytest.raises(vault.SealError, match="altered"):
        vault.unseal(bytes(sealed), ring)
    other = vault.Keyring.of(vault.decode_key(vault.new_key_text()))
    with pytest.raises(vault.SealError, match="does not have"):
        vault.unseal_text(vault.seal_text("advice", ring), other)


def test_the_generated_key_is_written_once_private_and_a_new_key_still_opens_the_old(tmp_path):
    first = vault.load_keyring(tmp_path, None, None)
    assert vault.load_keyring(tmp_path, None, None).current == first.current
    assert (vault.key_file(tmp_path).stat().st_mode & 0o777) == 0o600
    sealed = vault.seal_text("counsel's advice", first)
    newer = vault.append_key(tmp_path)
    ring = vault.load_keyring(tmp_path, None, None)
    assert ring.current == newer != first.current
    assert vault.unseal_text(sealed, ring) == "counsel's advice"
    assert vault.key_of(vault.reseal(sealed, ring)) == newer


def test_keys_rotate_reseals_the_scans_of_signed_requests_too(app, session):
    """Every sealed file rotates with the columns: a desk request's scanned signed request
    opens under the new key alone."""
    with app.app_context():  # the files live in the app's upload folder, sealed by its key
        clerk = factories.user(session, "staff")
        card = factories.patron(session).card_number
        scanned = PNG + b"signed request"
        request = patrons.log_desk_request(
            session, clerk, card_number=card, proof="scan", scan=scanned
        )
        session.flush()
        old = vault.keyring()
        new = vault.Keyring.of(vault.decode_key(vault.new_key_text()), list(old.keys.values()))
        try:
            for _progress in keys.rotate(session, new):
                pass
            kept = patrons_scans.folder("requests") / request.signed_scan_name
            assert vault.key_of(kept.read_bytes()) == new.current
            only_new = vault.Keyring.of(new.keys[new.current])
            assert vault.unseal(kept.read_bytes(), only_new) == scanned
        finally:  # the upload folder is shared by the run: its files go back to the app's key
            back = vault.Keyring.of(old.keys[old.current], list(new.keys.values()))
            for _progress in keys.rotate(session, back):
                pass
