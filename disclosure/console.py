"""The `disclosure` command (README, "Commands"): every command of the app's areas, and Flask's
own `run`, `shell` and `routes`, on the app disclosure.built() makes.

`flask --app wsgi COMMAND` runs the same commands. This one starts faster: at every start the
`flask` command looks through every installed package for Flask commands of its own to add, and
Flask-Limiter's pulls in a console library, some 0.04 s of a cron job's half-second start-up
(README, "Benchmarks")."""

from __future__ import annotations

from flask import current_app
from flask.cli import AppGroup, ScriptInfo, routes_command, run_command, shell_command

from disclosure import built


class _Commands(AppGroup):
    """Flask's commands, then the app's, found on the app once it is made (as `flask` does)."""

    def make_context(self, info_name, args, parent=None, **extra):
        extra.setdefault("obj", ScriptInfo(create_app=built, set_debug_flag=False))
        return super().make_context(info_name, args, parent, **extra)

    def get_command(self, ctx, name):
        own = super().get_command(ctx, name)
        if own is not None:
            return own
        app = ctx.ensure_object(ScriptInfo).load_app()
        # the app's context for the command's callbacks, as `flask` gives it
        if not current_app or current_app._get_current_object() is not app:
            ctx.with_resource(app.app_context())
        return app.cli.get_command(ctx, name)

    def list_commands(self, ctx):
        app = ctx.ensure_object(ScriptInfo).load_app()
        return sorted(set(super().list_commands(ctx)) | set(app.cli.list_commands(ctx)))


cli = _Commands(
    "disclosure",
    help="Disclosure's commands: the database, accounts, imports, purges, keys, the scheduler.",
)
for command in (run_command, shell_command, routes_command):
    cli.add_command(command)


def main() -> None:
    """The console script's entry point (pyproject.toml, [project.scripts])."""
    cli.main(prog_name="disclosure")
