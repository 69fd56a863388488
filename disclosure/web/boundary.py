"""The input boundary: what any request may carry before a view or a service sees it.

Text goes into the database and back onto pages and documents. PostgreSQL cannot store a NUL
character at all, and other control characters are never typed on purpose; the bidirectional
override, embedding and isolate characters (U+202A-202E, U+2066-2069) would show the text that
follows them reversed. Ids are database integers: a larger number names nothing, so it answers
404 like any missing id instead of overflowing the database driver. The forms of every area
apply these checks through disclosure.web.forms.BaseForm."""

from __future__ import annotations

import re

from flask import Flask, g
from werkzeug.routing import IntegerConverter

# Ids are INTEGER columns: 32-bit on PostgreSQL, the smaller of the two backends.
ID_MAX = 2**31 - 1
ID_MIN = -(2**31)

BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_BIDI = re.compile(f"[{BIDI_CONTROLS}]")
_ONE_LINE_BAD = re.compile(f"[\x00-\x1f\x7f-\x9f{BIDI_CONTROLS}]")
# tab, line feed and carriage return (browsers send CR LF) belong in a multi-line field
_MULTI_LINE_BAD = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{BIDI_CONTROLS}]")
_NO_BIDI = str.maketrans(dict.fromkeys(BIDI_CONTROLS))

# A same-site path: one slash then no second slash or backslash (both would leave the site),
# and no control character or space (a line break would split the Location header).
_LOCAL_PATH = re.compile(r"/(?![/\\])[^\x00-\x20\x7f-\x9f\\]*")

# Request bodies: a scan of 20 MiB plus the form around it. Text fields are held in memory up to
# the same size, so a field over its own stated limit is refused beside the field (with what was
# typed kept), not by the request parser before any field can speak.
MAX_REQUEST_BYTES = 21 * 1024 * 1024
TOO_LARGE = (
    "The form was too large to accept (more than 21 MiB in all), so nothing was saved. A scan may "
    "be up to 20 MiB, and each long text field says its limit beside it."
)


def text_problem(value: str, *, multiline: bool = False) -> str | None:
    """Why `value` cannot be kept as typed, in words the person can act on; None when it can."""
    found = (_MULTI_LINE_BAD if multiline else _ONE_LINE_BAD).search(value)
    if found is None:
        return None
    char = found.group()
    if char in "\r\n":
        return "This field takes one line: remove the line break."
    if char == "\t":
        return "This field takes one line: remove the tab."
    if char in BIDI_CONTROLS:
        return (
            f"Remove the invisible direction-control character (U+{ord(char):04X}): it would show "
            "the text reversed."
        )
    return f"Remove the invisible control character (U+{ord(char):04X})."


def id_in_range(value: int) -> bool:
    """True when `value` fits the database's integer ids."""
    return ID_MIN <= value <= ID_MAX


def local_path(target: str | None) -> str | None:
    """`target` when it is a path on this site without control characters, else None."""
    if target and _LOCAL_PATH.fullmatch(target):
        return target
    return None


def without_bidi_controls(value):
    """Text as it is printed on a page or document: any direction-control character removed (a
    record imported or stored before the forms refused them must not reverse what follows)."""
    # Every printed value passes here (the templates' finalize): a search, a fraction of a
    # translate's cost, finds that almost every value has none.
    if isinstance(value, str) and _BIDI.search(value):  # Markup too: translate keeps it Markup
        return value.translate(_NO_BIDI)
    return value


class IdConverter(IntegerConverter):
    """`<int:...>` in a URL, bounded to the database's ids: a larger number answers 404."""

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):
        super().__init__(map, fixed_digits, min, ID_MAX if max is None else max, signed)


def _refusal_is_400(response):
    """A form shown again because a field held what no person types (a control character, an id
    out of range) answers 400 Bad Request, the message beside the field."""
    if response.status_code == 200 and g.get("refused_at_boundary"):
        response.status_code = 400
    return response


def init_app(app: Flask) -> None:
    """Bound ids in URLs, size limits of requests, direction controls on every page, and 400 for
    a form refused at the boundary. Called before any blueprint, so every `<int:...>` rule is
    built with the bounded converter."""
    app.url_map.converters["int"] = IdConverter
    app.config.update(MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES, MAX_FORM_MEMORY_SIZE=MAX_REQUEST_BYTES)
    app.jinja_env.finalize = without_bidi_controls
    app.after_request(_refusal_is_400)
