"""Scans of signed papers the desk keeps (a consent, a written request): the type read from the
file's first bytes, never from its name or the browser's word; kept under the upload folder with
a generated name, outside static/ (docs/rules.md R-files-private)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy.orm import Session

from disclosure import vault
from disclosure.db import write_file
from disclosure.errors import DomainError
from disclosure.pdf import sha256

MAX_SCAN_BYTES = 20 * 1024 * 1024
SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)


@dataclass(frozen=True)
class KeptScan:
    """Where a scan was kept and what it was: enough to find it and prove it unchanged."""

    name: str
    mimetype: str
    sha256: str
    size: int


def scan_type(content: bytes, missing: str) -> tuple[str, str]:
    """(mimetype, extension) of a scan of a PDF, JPEG or PNG; DomainError (`missing` when there
    is no file) for anything else."""
    if not content:
        raise DomainError(missing, field="scan")
    if len(content) > MAX_SCAN_BYTES:
        raise DomainError("That file is too large: scans may be up to 20 MiB.", field="scan")
    for magic, mimetype, extension in SIGNATURES:
        if content.startswith(magic):
            return mimetype, extension
    raise DomainError("The scan must be a PDF, JPEG or PNG file.", field="scan")


def folder(kind: str) -> Path:
    """The folder of one kind of scan ('consents', 'requests') under the upload folder."""
    return Path(current_app.config["SETTINGS"].upload_folder) / kind


def keep_scan(session: Session, kind: str, content: bytes, missing: str) -> KeptScan:
    """Check and write a scan, sealed (removed again unless `session` commits)."""
    mimetype, extension = scan_type(content, missing)
    name = f"{uuid.uuid4().hex}.{extension}"
    target = folder(kind)
    target.mkdir(parents=True, exist_ok=True)
    write_file(session, target / name, vault.seal(content))  # docs/rules.md R-encrypted-at-rest
    return KeptScan(name, mimetype, sha256(content), len(content))
