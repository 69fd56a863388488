"""How letters and certificates read on their case's timeline (audit/telling.py)."""

from __future__ import annotations

from disclosure.audit.telling import Telling, short_hash
from disclosure.documents.models import DocumentKind


def _kind(f) -> str:
    try:
        return DocumentKind(f.get("kind", "")).label
    except ValueError:
        return "A document"


EVENTS = {
    "document.drafted": Telling("Letter drafted", lambda f, d, s: f"{_kind(f)}."),
    "document.edited": Telling("Draft letter edited"),
    "document.draft_viewed": Telling("Draft letter opened"),
    "document.viewed": Telling("Kept document opened", lambda f, d, s: f"{_kind(f)}."),
    "document.mismatch": Telling(
        "Kept document refused",
        lambda f, d, s: "Its stored bytes no longer match its SHA-256; it was not served.",
    ),
    "document.draft_deleted": Telling("Draft letter deleted"),
    "document.finalized": Telling(
        "Letter made final", lambda f, d, s: f"{_kind(f)}. {short_hash(f.get('sha256', ''))}"
    ),
    "document.issued": Telling(
        "Document issued", lambda f, d, s: f"{_kind(f)}. {short_hash(f.get('sha256', ''))}"
    ),
}
