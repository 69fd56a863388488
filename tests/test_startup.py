"""Start-up: a CLI command that renders no document loads none of the heavy libraries that only
some processes use (WeasyPrint and Pango for PDFs, Playwright for the browser tests, WebAuthn for
security keys, APScheduler for the scheduler, zxcvbn for passwords, segno for QR codes,
SQLAlchemy's PostgreSQL dialect on SQLite); the garbage collector does not scan what start-up
made; URL builders are written when first used (disclosure/web/routing.py) and build what
werkzeug's own would; SQLAlchemy is given the models' annotations already evaluated."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from flask import url_for
from werkzeug.routing import Map, Rule
from werkzeug.routing.converters import NumberConverter

from disclosure.db import Base
from tests.conftest import make_app

HEAVY = ("weasyprint", "playwright", "webauthn", "apscheduler", "zxcvbn", "pypdf", "segno")

# A command as a library's cron job starts it, in a fresh interpreter: the `disclosure` command
# (README, "Commands") or `flask --app wsgi`. The program prints, once the command has run, which
# heavy modules were loaded and what the collector did while the app was made (from the start of
# disclosure/app.py's import, inside disclosure.built(), until it froze what it made).
CLI = (
    "import gc, json, sys\n"
    "collected = []\n"
    "def seen(phase, info):\n"
    "    if phase == 'start' and 'disclosure.app' in sys.modules and not gc.get_freeze_count():\n"
    "        collected.append(info['generation'])\n"
    "gc.callbacks.append(seen)\n"
    "sys.argv = ARGV + ['import', 'loans', '--help']\n"
    "try:\n"
    "    MAIN()\n"
    "except SystemExit:\n"
    "    pass\n"
    "print(json.dumps(dict(\n"
    f"    loaded=sorted(m for m in {HEAVY!r} if m in sys.modules),\n"
    "    postgresql='sqlalchemy.dialects.postgresql' in sys.modules,\n"
    "    collected_while_made=collected,\n"
    "    frozen=gc.get_freeze_count(),\n"
    "    collecting=gc.isenabled(),\n"
    ")))\n"
)
COMMANDS = {
    "disclosure": "from disclosure.console import main as MAIN\nARGV = ['disclosure']\n",
    "flask": "from flask.cli import main as MAIN\nARGV = ['flask', '--app', 'wsgi']\n",
}


def _run_cli(tmp_path, command: str) -> tuple[str, dict]:
    root = Path(__file__).resolve().parent.parent
    env = {
        **os.environ,
        "DISCLOSURE_INSTANCE_PATH": str(tmp_path),
        "DISCLOSURE_DATABASE_URL": f"sqlite:///{tmp_path / 'startup.sqlite3'}",
    }
    ran = subprocess.run(
        [sys.executable, "-c", COMMANDS[command] + CLI],
        capture_output=True,
        text=True,
        check=True,
        cwd=root,
        env=env,
    )
    *printed, last = ran.stdout.splitlines()
    return "\n".join(printed), json.loads(last)


@pytest.mark.parametrize("command", COMMANDS)
def test_a_cli_command_starts_without_loading_the_heavy_libraries(tmp_path, command):
    """They load where they are used (disclosure/pdf.py, auth/security_keys.py, jobs.py, the
    purge's upsert in retention/purge.py, the QR code in auth/second_factor.py)."""
    printed, seen = _run_cli(tmp_path, command)
    assert "Import (sync) library records" in printed
    assert seen["loaded"] == []
    assert seen["postgresql"] is False


@pytest.mark.parametrize("command", COMMANDS)
def test_no_garbage_is_collected_while_the_app_is_made_and_what_it_made_is_frozen(
    tmp_path, command
):
    """disclosure.built() collects no garbage while the app is made, then freezes it: the
    collections there scanned every module, class and mapper again and again, all alive, for
    0.1 s a start."""
    _printed, seen = _run_cli(tmp_path, command)
    assert seen["collected_while_made"] == []
    assert seen["frozen"] > 50_000
    assert seen["collecting"] is True


def test_the_disclosure_command_offers_flasks_commands_and_the_apps(tmp_path):
    """`disclosure --help`, run away from the checkout (it needs no wsgi.py), lists Flask's run,
    shell and routes beside every area's commands."""
    env = {**os.environ, "DISCLOSURE_INSTANCE_PATH": str(tmp_path)}
    ran = subprocess.run(
        [sys.executable, "-m", "disclosure", "--help"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
        env=env,
    )
    listed = {line.split()[0] for line in ran.stdout.split("Commands:")[1].splitlines() if line}
    assert {"run", "shell", "routes", "db", "users", "import", "purge", "scheduler"} <= listed


def test_the_modules_that_map_tables_give_sqlalchemy_their_annotations_evaluated():
    """No `from __future__ import annotations` where tables are mapped (disclosure/db.py, Base)."""
    app = make_app("sqlite://")
    assert app
    modules = {mapper.class_.__module__ for mapper in Base.registry.mappers}
    assert len(modules) >= 12
    stringified = [name for name in modules if hasattr(sys.modules[name], "annotations")]
    assert stringified == []


def _sample(converter) -> object:
    return 42 if isinstance(converter, NumberConverter) else "Pq7Rs8Tu9Vw2"


def test_every_route_builds_the_url_werkzeugs_own_rule_builds():
    """The app's rules write their URL builders at first use; each builds, with and without
    extra query arguments, exactly what a plain werkzeug Rule of the same route builds."""
    app = make_app("sqlite://")
    rules = [r for r in app.url_map.iter_rules() if r.endpoint != "static"]
    assert len(rules) > 100
    for rule in rules:
        twin = Rule(rule.rule, endpoint=rule.endpoint, defaults=rule.defaults)
        Map([twin], converters=app.url_map.converters)
        values = {name: _sample(c) for name, c in rule._converters.items()}
        for extra in ({}, {"page": 2, "q": "a b&c"}):
            for append_unknown in (True, False):
                built = rule.build({**values, **extra}, append_unknown=append_unknown)
                assert built == twin.build({**values, **extra}, append_unknown=append_unknown)
                assert built is not None
    with app.test_request_context():
        assert url_for("auth.login", next="/x y") == "/login?next=/x+y"
