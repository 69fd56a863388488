"""Reading generated PDFs the way a person would: their text, and a PNG of each page to look at."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

from pypdf import PdfReader

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"


def pdf_text(data: bytes) -> str:
    """Every page's text, whitespace folded to single spaces (line breaks fall anywhere)."""
    assert data[:5] == b"%PDF-", "not a PDF"
    text = " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", " ", text)


def page_texts(data: bytes) -> list[str]:
    """Each page's text, whitespace folded to single spaces."""
    return [
        re.sub(r"\s+", " ", page.extract_text() or "") for page in PdfReader(io.BytesIO(data)).pages
    ]


def page_count(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def save_png(data: bytes, name: str, backend: str = "", resolution: int = 70) -> list[Path]:
    """Turn the PDF into PNGs under tests/artifacts/ (when pdftoppm exists) for a person to look
    at."""
    ARTIFACTS.mkdir(exist_ok=True)
    stem = ARTIFACTS / f"{name}{'-' + backend if backend else ''}"
    stem.with_suffix(".pdf").write_bytes(data)
    if shutil.which("pdftoppm") is None:
        return []
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(resolution), str(stem.with_suffix(".pdf")), str(stem)],
        check=True,
    )
    return sorted(ARTIFACTS.glob(f"{stem.name}*.png"))
