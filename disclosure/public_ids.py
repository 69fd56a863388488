"""Addresses that count nothing (docs/rules.md R-addresses-count-nothing): every URL naming a
case, receipt, document, production, hold, patron request, consent or scan carries the row's
`public_id`, a random string made at insert, never its database id (ids in sequence would tell
how many rows, gagged ones included, lie between two addresses).

One mechanism: a model takes the `PublicId` mixin, its area names a URL converter for it
(`Area.converters`, e.g. {"case": converter_for(Case)}), and a route says `<case:case_id>` where it
said `<int:case_id>`. The view still receives the database id (0, matching no row, for an
unknown address: the view's loader answers 404 after the access guard, as for any missing row),
and `url_for(..., case_id=case.id)` (or `=case`) writes the public id."""

from __future__ import annotations

import secrets

from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.orm.util import identity_key
from werkzeug.routing import BaseConverter

from disclosure.db import db

# 12 random bytes: 16 URL-safe characters, 96 bits (no address is found by trying).
PUBLIC_ID_BYTES = 12
PUBLIC_ID_PATTERN = r"[A-Za-z0-9_-]{16}"
NO_ROW = 0  # what an unknown address becomes: a database id no row has


def new_public_id() -> str:
    """A fresh random public id (16 URL-safe characters)."""
    return secrets.token_urlsafe(PUBLIC_ID_BYTES)


def _drawn_at_insert() -> str:
    # new_public_id is looked up at each insert, not bound once: the twin test
    # (tests/gag/test_twin_numbering.py) gives both its libraries the same draws.
    return new_public_id()


class PublicId:
    """Mixin: the random, unique `public_id` a row is named by in every URL."""

    public_id: Mapped[str] = mapped_column(
        String(24), nullable=False, index=True, unique=True, default=_drawn_at_insert
    )


def _public_id_of(model, row_id: int) -> str:
    """The public id of row `row_id`: from the session when the row is loaded (as a rule), else
    that one column (not the whole row, whose sealed columns would be opened for nothing)."""
    loaded = db.session.identity_map.get(identity_key(model, row_id))
    if loaded is not None:
        return loaded.public_id
    found = db.session.scalar(select(model.public_id).where(model.id == row_id))
    if found is None:
        raise LookupError(f"no {model.__name__} {row_id} to name in a URL")
    return found


def converter_for(model) -> type[BaseConverter]:
    """A URL converter between `model`'s public ids (in the URL) and its database ids (in the
    view); the one place a public id is looked up."""

    class PublicIdConverter(BaseConverter):
        regex = PUBLIC_ID_PATTERN
        part_isolating = True

        def to_python(self, value: str) -> int:
            found = db.session.scalar(select(model.id).where(model.public_id == value))
            return NO_ROW if found is None else found

        def to_url(self, value) -> str:
            if isinstance(value, model):
                return value.public_id
            if isinstance(value, int) and not isinstance(value, bool):
                return _public_id_of(model, value)
            return str(value)

    PublicIdConverter.__name__ = f"{model.__name__}PublicIdConverter"
    return PublicIdConverter
