"""The seams between the domain areas, and how one app joins them.

Each area says what it adds to the app in one `Area`, in its own `area.py`: blueprints, CLI
commands, scheduled jobs, home-page panels, how its audit events read on a case's timeline, and
its answers to other areas' hooks. create_app (disclosure/app.py) lists the areas by name
and `connect`s them; the joined result is kept on the app. So nothing is found by module name,
nothing registers itself at import, and two apps in one process are wired apart.

A lower area never imports an upper one (the layers in pyproject.toml, checked by
import-linter). When it must ask an upper area something, or tell it of an event, it declares a
`Hook`, and the upper area answers it in its `Area.hooks`."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from flask import Flask, current_app

_EXTENSION = "disclosure.areas"


class Skipped(str):
    """A job's outcome when it did not do its work, and why ("another purge is running"):
    `disclosure run-job` says it skipped rather than that it ran."""


@dataclass(frozen=True)
class Job:
    """A scheduled job: its id, its trigger arguments for APScheduler, and the work."""

    id: str
    trigger: str
    trigger_args: dict | Callable  # or trigger_args(settings) -> dict, for times that are settings
    run: Callable  # run(session) -> str or Skipped (a line for the log: counts, never names)
    # False: a short job; each of its transactions begins with SQLite's write lock (jobs.run_job).
    # True: the job reads for long or waits on the network, and takes the write lock itself
    # only where it writes (disclosure/db.py begin_writing).
    own_transactions: bool = False


def _no_context(session, user) -> dict:
    return {}


@dataclass(frozen=True)
class Panel:
    """A panel on a role's home page: its template, and context(session, user) -> dict."""

    role: str
    template: str
    context: Callable = _no_context


class Hook:
    """A question or an event that a lower area names and upper areas answer, per app.

    `many`: several areas may answer (an event each of them hears); otherwise at most one.
    `default`: what answers when no area does; without one, asking an unanswered hook is an
    error, so a rule that depends on an answer can never be skipped in silence."""

    def __init__(self, name: str, *, many: bool = False, default: Callable | None = None):
        self.name, self.many, self.default = name, many, default

    def __repr__(self) -> str:
        return f"Hook({self.name!r})"

    def answers(self) -> list[Callable]:
        """Every function that answers this hook in the current app, in area order."""
        return list(current().hooks.get(self, ()))

    def answer(self) -> Callable:
        """The function that answers this hook in the current app (or its default)."""
        found = current().hooks.get(self) or ([self.default] if self.default else [])
        if not found:
            raise LookupError(f"no area of this app answers {self!r}")
        return found[0]


@dataclass(frozen=True)
class Area:
    """What one area adds to the app; create_app lists every area's."""

    name: str
    blueprints: tuple = ()  # flask.Blueprint
    commands: tuple = ()  # click commands, added to `disclosure ...`
    jobs: tuple[Job, ...] = ()
    panels: tuple[Panel, ...] = ()
    tellings: Mapping[str, object] = field(default_factory=dict)  # action -> audit.telling.Telling
    hooks: Mapping[Hook, Callable] = field(default_factory=dict)
    # URL converter name -> converter (public_ids.converter_for): `<case:case_id>` in a route
    converters: Mapping[str, type] = field(default_factory=dict)


@dataclass
class Wiring:
    """One app's areas, joined: their jobs by id, panels by role, tellings by action, and the
    answers to each hook."""

    areas: tuple[Area, ...]
    jobs: dict[str, Job] = field(default_factory=dict)
    panels: dict[str, list[Panel]] = field(default_factory=dict)
    tellings: dict[str, object] = field(default_factory=dict)
    hooks: dict[Hook, list[Callable]] = field(default_factory=dict)


def connect(app: Flask, areas: Iterable[Area]) -> Wiring:
    """Register each area's blueprints and commands on `app`, and keep their jobs, panels,
    tellings and hook answers on it. A job id or an event told twice is an error, as is a
    second answer to a hook that takes one."""
    wiring = Wiring(tuple(areas))
    # Every area's converters before any blueprint: a route of one area may name another's rows.
    for area in wiring.areas:
        for name, converter in area.converters.items():
            if name in app.url_map.converters and app.url_map.converters[name] is not converter:
                raise ValueError(f"the URL converter {name!r} is given twice")
            app.url_map.converters[name] = converter
    for area in wiring.areas:
        for blueprint in area.blueprints:
            app.register_blueprint(blueprint)
        for command in area.commands:
            app.cli.add_command(command)
        for job in area.jobs:
            _add_once(wiring.jobs, job.id, job, f"job {job.id}")
        for panel in area.panels:
            wiring.panels.setdefault(panel.role, []).append(panel)
        for action, telling in area.tellings.items():
            _add_once(wiring.tellings, action, telling, f"the event {action}")
        for hook, function in area.hooks.items():
            answers = wiring.hooks.setdefault(hook, [])
            if answers and not hook.many:
                raise ValueError(f"{hook!r} takes one answer; {area.name} gives a second")
            answers.append(function)
    app.extensions[_EXTENSION] = wiring
    return wiring


def _add_once(found: dict, key: str, value, what: str) -> None:
    if key in found:
        raise ValueError(f"{what} is given twice")
    found[key] = value


def of(app: Flask) -> Wiring:
    """The areas of `app`, joined."""
    return app.extensions[_EXTENSION]


def current() -> Wiring:
    """The areas of the current app, joined."""
    return of(current_app)
