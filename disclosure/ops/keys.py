"""Data keys (docs/rules.md R-encrypted-at-rest): re-sealing, under the current key, whatever an
older key sealed or was stored before encryption began (`disclosure keys rotate`).

The rotation works in batches, each its own transaction, and skips what the current key already
sealed, so it may be interrupted and run again. On every table it changes only the sealed column
itself (its envelope carries the key id): never a stored SHA-256, never another column, and never
through the ORM, so a final document's "never changed" guard and the database's refusals of
rewriting history see only the one column they allow a rotation to change."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Column, Table, select, type_coerce, update
from sqlalchemy.orm import Session

from disclosure import vault
from disclosure.cases import uploads
from disclosure.cases.models import CaseDocument
from disclosure.models import metadata
from disclosure.patrons import consent, scans
from disclosure.patrons.models import ConsentRelease, PatronRequest

BATCH = 500


@dataclass(frozen=True)
class Progress:
    """One batch done: where, how many values were looked at, how many were sealed again."""

    where: str
    checked: int
    resealed: int


def sealed_columns() -> list[tuple[Table, Column]]:
    """Every (table, column) whose type seals it, in a fixed order."""
    return [
        (table, column)
        for table in metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, vault.ENCRYPTED_TYPES)
    ]


def rotate(session: Session, ring: vault.Keyring, batch: int = BATCH) -> Iterator[Progress]:
    """Re-seal every column and stored file not sealed under `ring`'s current key; yields after
    each batch, which the caller commits."""
    for table, column in sealed_columns():
        yield from _rotate_column(session, ring, table, column, batch)
    yield from _rotate_files(session, ring, "case scans", _case_scans(session), batch)
    yield from _rotate_files(session, ring, "consent scans", _consent_scans(session), batch)
    yield from _rotate_files(session, ring, "request scans", _request_scans(session), batch)


def _rotate_column(
    session: Session, ring: vault.Keyring, table: Table, column: Column, batch: int
) -> Iterator[Progress]:
    (key,) = table.primary_key.columns
    stored = type_coerce(column, column.type.impl)  # the envelope itself, not its plaintext
    after = None
    while True:
        query = select(key, stored).where(column.is_not(None)).order_by(key).limit(batch)
        if after is not None:
            query = query.where(key > after)
        rows = session.execute(query).all()
        if not rows:
            return
        stale = [(row_id, value) for row_id, value in rows if vault.key_of(value) != ring.current]
        for row_id, value in stale:
            session.execute(
                update(table)
                .where(key == row_id)
                .values({column.name: type_coerce(vault.reseal(value, ring), column.type.impl)})
            )
        after = rows[-1][0]
        yield Progress(f"{table.name}.{column.name}", len(rows), len(stale))


def _case_scans(session: Session) -> list[Path]:
    names = session.scalars(select(CaseDocument.stored_name).order_by(CaseDocument.id))
    return [uploads.folder() / name for name in names]


def _consent_scans(session: Session) -> list[Path]:
    names = session.scalars(select(ConsentRelease.scan_name).order_by(ConsentRelease.id))
    return [consent.scan_folder() / name for name in names]


def _request_scans(session: Session) -> list[Path]:
    # the scanned signed requests the desk keeps (patrons.service.log_desk_request)
    names = session.scalars(
        select(PatronRequest.signed_scan_name)
        .where(PatronRequest.signed_scan_name.is_not(None))
        .order_by(PatronRequest.id)
    )
    return [scans.folder("requests") / name for name in names]


def _rotate_files(
    session: Session, ring: vault.Keyring, where: str, paths: list[Path], batch: int
) -> Iterator[Progress]:
    for start in range(0, len(paths), batch):
        chunk = [path for path in paths[start : start + batch] if path.is_file()]
        resealed = 0
        for path in chunk:
            content = path.read_bytes()
            if vault.key_of(content) != ring.current:
                _replace(path, vault.reseal(content, ring))
                resealed += 1
        yield Progress(where, len(chunk), resealed)


def _replace(path: Path, content: bytes) -> None:
    # Written beside the file and renamed over it: an interrupted rotation leaves either the old
    # sealed file or the new one, never half of one.
    partial = path.with_name(path.name + ".rotating")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, path)


def counts_by_key(session: Session) -> dict[str | None, int]:
    """How many stored values each key sealed (None: stored before encryption), for `keys
    status`."""
    counts: dict[str | None, int] = {}
    for _table, column in sealed_columns():
        stored = type_coerce(column, column.type.impl)
        for (value,) in session.execute(select(stored).where(column.is_not(None))):
            kid = vault.key_of(value)
            counts[kid] = counts.get(kid, 0) + 1
    return counts
