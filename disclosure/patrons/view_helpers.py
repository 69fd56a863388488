"""What the patron portal's pages and the desk's pages share: the patrons blueprint, the signed-in
patron, and serving a frozen file. patrons/views.py and desk_views.py put their routes on this
blueprint and import only this module, never each other."""

from __future__ import annotations

from flask import Blueprint, Response
from flask_login import current_user

from disclosure.patrons.gather import KINDS

bp = Blueprint("patrons", __name__)


@bp.context_processor
def _record_kinds():
    return {"kinds": KINDS}


def me():
    """The signed-in patron (the object itself, not the request's proxy)."""
    return current_user._get_current_object()


def send_file_content(
    content: bytes, mimetype: str, filename: str, *, inline: bool = False
) -> Response:
    """A frozen file as a download; never cached (it is a patron's records)."""
    disposition = "inline" if inline else "attachment"
    return Response(
        content,
        mimetype=mimetype,
        headers={
            "Content-Disposition": f'{disposition}; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )
