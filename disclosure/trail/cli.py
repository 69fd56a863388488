"""`disclosure audit verify [--against HASH]`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from disclosure.audit import chain
from disclosure.db import db
from disclosure.trail import service

audit_cli = AppGroup("audit", help="The audit trail's hash chain.")


@audit_cli.command("verify")
@click.option(
    "--against",
    metavar="HASH",
    help="A head hash kept outside the database (the daily anchor); it must be in the chain.",
)
def verify(against: str | None) -> None:
    """Walk the audit chain, oldest first, and name the first event that does not match."""
    session = db.session
    total = chain.head(session).count
    with click.progressbar(length=total, label="Checking the audit trail") as bar:
        verification = service.verify(session, "command line", against, bar.update)
    session.commit()
    click.echo(verification.finding)
    click.echo(f"Head: {verification.head_sha256} after {verification.checked:,} events.")
    if not verification.ok:
        raise click.ClickException("The audit trail does not verify.")
