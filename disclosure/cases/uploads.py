"""Scans of legal papers: PDF, JPEG or PNG up to 20 MiB, the type checked by the file's content
(its first bytes), never by its name or the browser's word. Stored outside static/ under a
generated name; served only through an access-checked route (cases.document)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy.orm import Session

from disclosure import clock, vault
from disclosure.cases.models import Case, CaseDocument, DocumentKind
from disclosure.db import write_file
from disclosure.errors import DomainError

MAX_BYTES = 20 * 1024 * 1024
# magic bytes -> (content type, extension)
SIGNATURES = (
    (b"%PDF-", ("application/pdf", ".pdf")),
    (b"\xff\xd8\xff", ("image/jpeg", ".jpg")),
    (b"\x89PNG\r\n\x1a\n", ("image/png", ".png")),
)


@dataclass(frozen=True)
class Scan:
    """An uploaded file as the service sees it: the name the person's computer gave it, and its
    bytes."""

    filename: str
    data: bytes


def sniff(data: bytes) -> tuple[str, str] | None:
    """(content type, extension) of a PDF, JPEG or PNG by its first bytes, else None."""
    for magic, kind in SIGNATURES:
        if data.startswith(magic):
            return kind
    return None


def check(scan: Scan, field: str = "scans") -> tuple[str, str]:
    """The scan's type, or a DomainError a person can act on."""
    if len(scan.data) > MAX_BYTES:
        raise DomainError(
            f"“{scan.filename}” is larger than 20 MiB. Scan it at a lower resolution.", field=field
        )
    if not scan.data:
        raise DomainError(f"“{scan.filename}” is empty.", field=field)
    kind = sniff(scan.data)
    if kind is None:
        raise DomainError(
            f"“{scan.filename}” is not a PDF, JPEG or PNG file. Scan the paper to one of those.",
            field=field,
        )
    return kind


def folder() -> Path:
    """Where case scans live: <upload folder>/cases (outside static/, never served directly)."""
    return Path(current_app.config["SETTINGS"].upload_folder) / "cases"


def store(
    session: Session, actor, case: Case, scan: Scan, kind: DocumentKind, field: str = "scans"
) -> CaseDocument:
    """Check and store one scan for `case`, recording its SHA-256; the file is written now (and
    removed again if the caller's transaction rolls back), the row lands with that transaction."""
    content_type, extension = check(scan, field)
    target = folder()
    target.mkdir(parents=True, exist_ok=True)
    stored_name = (
        f"{secrets.token_hex(16)}{extension}"  # generated: the uploaded name never reaches a path
    )
    write_file(session, target / stored_name, vault.seal(scan.data))  # R-encrypted-at-rest
    document = CaseDocument(
        case_id=case.id,
        kind=kind.value,
        original_name=(Path(scan.filename).name or "scan")[:255],
        stored_name=stored_name,
        content_type=content_type,
        size=len(scan.data),
        sha256=hashlib.sha256(scan.data).hexdigest(),
        uploaded_at=clock.now(),
        uploaded_by_id=actor.id,
    )
    session.add(document)
    return document


def path_of(document: CaseDocument) -> Path:
    """The file of a stored scan (sealed: read it with `content_of`)."""
    return folder() / document.stored_name


def content_of(document: CaseDocument) -> bytes | None:
    """The scan's bytes as uploaded, or None when its file is missing."""
    path = path_of(document)
    return vault.read_file(path) if path.is_file() else None
