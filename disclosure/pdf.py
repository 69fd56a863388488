"""HTML -> PDF with WeasyPrint, for every area that prints (the documents area's letters and
reports, the patrons area's own-records report). Every document extends
templates/documents/base.html, which carries the library's name, the reference and page numbers
on every page."""

from __future__ import annotations

import hashlib

from flask import current_app, render_template


def render_pdf(template: str, **context) -> bytes:
    """Render `template` (under templates/documents/) to PDF bytes. Needs an app context."""
    from weasyprint import HTML  # lazy: WeasyPrint takes a second to load, most runs print nothing

    html = render_template(template, **context)
    # base_url lets the stylesheet and images load from static/ on disk: no network, ever.
    return HTML(string=html, base_url=current_app.static_folder).write_pdf()


def sha256(data: bytes) -> str:
    """The hex SHA-256 of a document or export, printed on certificates and manifests."""
    return hashlib.sha256(data).hexdigest()
