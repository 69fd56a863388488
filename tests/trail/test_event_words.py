"""Every kind of event the app records reads in words on the audit page (audit/telling.py
label_of): each area tells its events (Area.tellings). The codes are found in the source: every
string shaped like an event code ('consent.viewed') that is not a page's endpoint, a file name
or one of the few other dotted names below."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import disclosure
from disclosure import areas

SOURCE = Path(disclosure.__file__).parent
CODE = re.compile(r"[a-z_]+\.[a-z_]+")
FILE_ENDINGS = {"html", "txt", "csv", "json", "pdf", "png", "tar", "pgdump"}
# dotted names that are not events: loggers, hooks, settings keys, foreign keys (table.id)
NOT_EVENTS = {
    "apscheduler.executors",
    "auth.tell",
    "cases.case_gagged",
    "cases.preserved_copies",
    "disclosure.areas",
    "disclosure.engine",
    "disclosure.keyring",
    "disclosure.pinned_connection",
    "disclosure.written_files",
    "notify.as_sent_now",
    "notify.case_visibility",
    "records.keep_prior_versions",
    "records.recount_imported",
    "sqlalchemy.url",
}


def _event_codes(endpoints: set[str]) -> dict[str, str]:
    """Every event code written in the app's source -> the file it is in."""
    found = {}
    for path in SOURCE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
                continue
            code = node.value
            if not CODE.fullmatch(code) or code in endpoints or code in NOT_EVENTS:
                continue
            if code.endswith(".id") or code.rsplit(".", 1)[1] in FILE_ENDINGS:
                continue
            found.setdefault(code, str(path.relative_to(SOURCE)))
    return found


def test_every_event_the_app_records_has_words(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    codes = _event_codes(endpoints)
    with app.app_context():
        told = areas.current().tellings
    assert {"consent.viewed", "case.viewed", "user.created", "breach.recorded"} <= codes.keys()
    assert {code: where for code, where in codes.items() if code not in told} == {}
    assert all(telling.label and not CODE.fullmatch(telling.label) for telling in told.values())
