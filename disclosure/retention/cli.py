"""`disclosure purge [--dry-run]`."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from disclosure.db import db
from disclosure.records import kinds
from disclosure.retention import purge


@click.command("purge")
@with_appcontext
@click.option("--dry-run", is_flag=True, help="count what would go, per kind, and change nothing")
def purge_command(dry_run: bool) -> None:
    """Delete (or anonymise) every record past its retention that no hold covers."""
    engine = db.session.get_bind()  # the engine (a test's pinned connection in tests)
    if dry_run:
        report = purge.run_purge(engine, dry_run=True)
        click.echo("Dry run: nothing was changed.")
        for kind, result in report.results.items():
            verb = "would be anonymised" if purge.STEPS[kind].anonymise else "would be deleted"
            click.echo(
                f"  {kinds.get(kind).label}: {result.would_go} {verb}, {result.kept_held} "
                "kept because of holds"
            )
        return
    total = sum(purge.due_counts(engine).values())
    with click.progressbar(length=total, label="Purging", file=sys.stderr, show_pos=True) as bar:
        try:
            report = purge.run_purge(
                engine, trigger="command", progress=lambda _kind, n: bar.update(n)
            )
        except purge.PurgeBusy as busy:
            raise click.ClickException(str(busy)) from busy
        bar.update(total - bar.pos)
    purge.recount_holds(engine)
    for kind, result in report.results.items():
        done = (
            f"{result.anonymised} anonymised"
            if purge.STEPS[kind].anonymise
            else f"{result.deleted} deleted"
        )
        click.echo(f"  {kinds.get(kind).label}: {done}, {result.kept_held} kept because of holds")
    click.echo(f"Purge run {report.run_id} finished.")
