"""`disclosure ...` commands: database, users, CSV import, demo library."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from disclosure import demo, migrate
from disclosure.auth import accounts
from disclosure.auth.models import User
from disclosure.db import db
from disclosure.errors import DomainError
from disclosure.records import importer, presets

db_cli = AppGroup("db", help="The database schema (Alembic).")
users_cli = AppGroup("users", help="Staff accounts.")


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Upgrade the database to REVISION (default: head)."""
    migrate.upgrade(current_app.config["DATABASE_URL"], revision)
    click.echo(f"Database upgraded to {revision}.")


@db_cli.command("revision")
@click.option("-m", "--message", required=True)
def db_revision(message: str) -> None:
    """Write a new migration from the difference between models and database."""
    migrate.new_revision(current_app.config["DATABASE_URL"], message)


@db_cli.command("check")
def db_check() -> None:
    """Fail when the models and the migrated database disagree."""
    diff = migrate.differences(db.engine_for())
    for line in diff:
        click.echo(f"  {line}")
    if diff:
        raise click.ClickException("models and migrations disagree")
    click.echo("Models and migrations agree.")


@users_cli.command("create")
@click.option("--username", required=True)
@click.option("--name", "full_name", required=True)
@click.option(
    "--role",
    required=True,
    type=click.Choice(["director", "staff", "supervisor", "counsel", "admin"]),
)
@click.option("--email", default=None)
@click.option("--phone", default=None)
@click.option(
    "--supervisor", "supervisor_username", default=None, help="username of the supervisor"
)
@click.password_option(help="at least 12 characters; asked for when not given")
def users_create(username, full_name, role, email, phone, supervisor_username, password) -> None:
    """Create a staff account."""
    session = db.session
    supervisor_id = None
    if supervisor_username:
        supervisor_id = session.scalar(select(User.id).where(User.username == supervisor_username))
        if supervisor_id is None:
            raise click.ClickException(f"no user named {supervisor_username}")
    try:
        accounts.create_user(
            session,
            None,
            username=username,
            full_name=full_name,
            role=role,
            password=password,
            email=email,
            phone=phone,
            supervisor_id=supervisor_id,
        )
    except DomainError as err:
        raise click.ClickException(err.message) from err
    session.commit()
    click.echo(f"Created {role} account {username}.")


@users_cli.command("confirm")
@click.argument("username")
def users_confirm(username) -> None:
    """Confirm what the administrator did to an account, from the server (when no other holder
    of the Director's powers is there to confirm it on the Staff page)."""
    session = db.session
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise click.ClickException(f"no user named {username}")
    try:
        accounts.confirm_account(session, None, user)
    except DomainError as err:
        raise click.ClickException(err.message) from err
    session.commit()
    click.echo(f"Account {username} is confirmed.")


@click.command("import")
@with_appcontext
@click.argument("kind")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--preset",
    default=None,
    help="the file is another system's export: koha, evergreen, or a mapping file (.toml)",
)
def import_command(kind: str, file: Path, preset: str | None) -> None:
    """Import (sync) library records of KIND from a CSV FILE, all or nothing: records already
    here are updated by their natural key, new ones added (see README for columns)."""
    if kind not in importer.KINDS:
        raise click.ClickException(f"unknown kind {kind!r}; one of: {', '.join(importer.KINDS)}")
    session = db.session
    try:
        mapping = presets.named(preset) if preset else None
        sheet = importer.read_csv(kind, file, mapping)
        with click.progressbar(
            length=sheet.size, label=f"Importing {kind}", file=sys.stderr
        ) as bar:
            tally = importer.import_rows(session, sheet, progress=bar.update)
        session.commit()
    except DomainError as err:
        session.rollback()
        raise click.ClickException(f"{file.name}: {err.message} Nothing was imported.") from err
    click.echo(f"Imported {tally.total} {kind}: {tally}.")


@click.group("demo", invoke_without_command=True)
@with_appcontext
@click.pass_context
@click.option(
    "--scale",
    default=1.0,
    show_default=True,
    help="fraction of the full demo volume (tests use less)",
)
@click.option(
    "--if-empty", is_flag=True, help="do nothing (and succeed) when the database has data"
)
@click.option(
    "--no-cases",
    is_flag=True,
    help="accounts and library records only, no sample law-enforcement cases",
)
def demo_command(ctx: click.Context, scale: float, if_empty: bool, no_cases: bool) -> None:
    """Fill an empty database with a realistic demo library and one account per role."""
    if ctx.invoked_subcommand is not None:
        return
    if if_empty and not demo.is_empty(db.session):
        click.echo("The database has data already; the demo library was not loaded.")
        return
    try:
        summary = demo.load(db.session, scale=scale, progress=click.echo, with_cases=not no_cases)
    except DomainError as err:
        raise click.ClickException(err.message) from err
    db.session.commit()
    click.echo(summary)


@demo_command.command("code")
@with_appcontext
@click.argument("username")
def demo_code_command(username: str) -> None:
    """Print the code a demo account's authenticator app shows now (second step of sign-in)."""
    try:
        click.echo(demo.current_code(db.session, username))
    except DomainError as err:
        raise click.ClickException(err.message) from err


def init_app(app: Flask) -> None:
    """Register the commands of the whole app (an area's own come with its Area.commands)."""
    for command in (db_cli, users_cli, import_command, demo_command):
        app.cli.add_command(command)
