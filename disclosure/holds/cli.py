"""`disclosure holds export-patrons`: the card numbers under an active hold, for the
library's own system (ILS) to pause its own anonymisation of those patrons' history (README,
"The library's own system (ILS)")."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from disclosure.db import db
from disclosure.holds import coverage

holds_cli = AppGroup("holds", help="Preservation holds.")


@holds_cli.command("export-patrons")
def export_patrons() -> None:
    """Print the card numbers under an active hold, one per line (no reasons, no case)."""
    for card_number in coverage.held_card_numbers(db.session):
        click.echo(card_number)
