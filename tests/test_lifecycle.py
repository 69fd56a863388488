"""The shape of the web layer: one request lifecycle (disclosure/web/lifecycle.py) commits and
rolls back for every view, no view catches a rule's refusal itself, and view modules do not
import each other in a circle."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import disclosure
from disclosure.web.forms import lines

PACKAGE = Path(disclosure.__file__).parent
LIFECYCLE = PACKAGE / "web" / "lifecycle.py"


def view_modules() -> list[Path]:
    """Every module that holds routes or helpers of routes (…views.py, view_helpers.py) and the
    web layer's own modules, except the lifecycle itself."""
    found = set(PACKAGE.glob("**/*view*.py")) | set((PACKAGE / "web").glob("*.py"))
    return sorted(found - {LIFECYCLE})


def test_only_the_lifecycle_commits_or_rolls_back():
    modules = view_modules()
    assert len(modules) >= 15  # the glob found the views (no vacuous pass)
    offenders = [
        f"{path.relative_to(PACKAGE)}:{n}"
        for path in modules
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"\.(commit|rollback)\(", line)
    ]
    assert offenders == [], "views commit through disclosure.web.lifecycle (submit, confirm, keep)"


def test_no_view_catches_a_refusal_itself():
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in view_modules()
        if re.search(r"except\s*\(?[^:]*DomainError", path.read_text())
    ]
    assert offenders == [], "a refusal is shown by disclosure.web.lifecycle, beside its field"


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def _module_name(path: Path) -> str:
    return "disclosure." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts)


def test_view_modules_do_not_import_each_other_in_a_circle():
    views = {_module_name(p): p for p in PACKAGE.glob("**/*view*.py")}
    graph = {name: _imports(path) & views.keys() for name, path in views.items()}

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(nxt == goal or reaches(nxt, goal, seen | {nxt}) for nxt in graph[start] - seen)

    assert "disclosure.cases.gag_views" in graph and "disclosure.patrons.desk_views" in graph
    circles = sorted(name for name in graph if reaches(name, name, set()))
    assert circles == []


def test_lines_takes_one_item_per_line_or_between_commas_keeping_inner_spaces():
    typed = " 29000000000001\r\n\n29000000000002, 29000000000003,\nHQ PC 03 \n , \n"
    assert lines(typed) == ["29000000000001", "29000000000002", "29000000000003", "HQ PC 03"]
    assert lines(None) == [] and lines("  \n ") == []
