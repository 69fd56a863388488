"""`disclosure check`, `mail test ADDRESS`, and the data keys (`keys new`, `keys rotate`,
`keys status`)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from disclosure import vault
from disclosure.db import db
from disclosure.errors import DomainError
from disclosure.ops import backup, keys, service

mail_cli = AppGroup("mail", help="E-mail settings.")
backup_cli = AppGroup("backup", help="Backups sealed with the data key.")
keys_cli = AppGroup("keys", help="The data key that seals patrons' details, advice and files.")
MARKS = {"ok": "ok  ", "warn": "WARN", "fail": "FAIL"}


@click.command("check")
@with_appcontext
def check_command() -> None:
    """Check configuration, file permissions, keys, database, scheduler, SMTP and Pango."""
    findings = service.configuration_findings(current_app.config["SETTINGS"], db.session)
    for finding in findings:
        click.echo(f"{MARKS[finding.level]}  {finding.text}")
    failed = sum(finding.level == "fail" for finding in findings)
    if failed:
        raise click.ClickException(f"{failed} check(s) failed")


@mail_cli.command("test")
@click.argument("address")
def mail_test(address: str) -> None:
    """Send a test message to ADDRESS through the configured SMTP server."""
    try:
        service.send_test_mail(current_app.config["SETTINGS"], address)
    except (OSError, RuntimeError) as err:
        raise click.ClickException(f"Not sent: {err}") from err
    click.echo(f"Sent a test message to {address}.")


@keys_cli.command("new")
def keys_new() -> None:
    """Make a new data key current (then run `keys rotate`)."""
    settings = current_app.config["SETTINGS"]
    if settings.data_key:
        click.echo(
            "The data key comes from DISCLOSURE_DATA_KEY. Put this new key there, move the old "
            "one into DISCLOSURE_OLD_DATA_KEYS, restart both services, then run `keys rotate`:"
        )
        click.echo(vault.new_key_text())
        return
    kid = vault.append_key(settings.instance_path)
    click.echo(
        f"Key {kid} is now current ({vault.key_file(settings.instance_path)}). Restart both "
        "services, then run `keys rotate`."
    )


@keys_cli.command("rotate")
@click.option("--batch", default=keys.BATCH, show_default=True, help="Values per transaction.")
def keys_rotate(batch: int) -> None:
    """Re-seal everything an older key sealed, in batches; safe to interrupt and run again."""
    ring = vault.keyring()
    resealed = 0
    for progress in keys.rotate(db.session, ring, batch):
        db.session.commit()
        resealed += progress.resealed
        if progress.resealed:
            click.echo(f"{progress.where}: {progress.resealed} of {progress.checked} re-sealed")
    click.echo(f"Done: {resealed} value(s) and file(s) now sealed with key {ring.current}.")


@keys_cli.command("status")
def keys_status() -> None:
    """How many stored values each key sealed; the current key's id."""
    ring = vault.keyring()
    click.echo(f"current key: {ring.current}")
    for kid, count in sorted(keys.counts_by_key(db.session).items(), key=str):
        click.echo(f"{kid or 'plaintext (before encryption)'}: {count}")


@backup_cli.command("create")
@click.option("--to", "folder", type=click.Path(file_okay=False, path_type=Path), default=None)
def backup_create(folder: Path | None) -> None:
    """Write a backup of the database and the uploaded files (default: DISCLOSURE_BACKUP_FOLDER)."""
    settings = current_app.config["SETTINGS"]
    folder = folder or settings.backup_folder or Path(settings.instance_path) / "backups"
    try:
        path = backup.create(db.engine_for(), settings.upload_folder, folder)
    except DomainError as err:
        raise click.ClickException(str(err)) from err
    click.echo(f"Backup written: {path}")


@backup_cli.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def backup_restore(file: Path, yes: bool) -> None:
    """Replace the database and the uploaded files with those of a backup (stop both services
    first)."""
    if not yes:
        click.confirm(
            "Everything in the database and the upload folder is replaced. Go on?", abort=True
        )
    settings = current_app.config["SETTINGS"]
    db.session.remove()
    try:
        manifest = backup.restore(db.engine_for(), settings.upload_folder, file)
    except DomainError as err:
        raise click.ClickException(str(err)) from err
    click.echo(f"Restored the backup made at {manifest['made_at']}. Run `disclosure db upgrade`.")
