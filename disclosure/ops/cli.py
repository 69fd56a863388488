"""`flask --app wsgi check` and `flask --app wsgi mail test ADDRESS`."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from disclosure.db import db
from disclosure.ops import service

mail_cli = AppGroup("mail", help="E-mail settings.")
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
