"""The app's URL rules: each one's URL builders are written at the first `url_for` that needs them.

Werkzeug writes two Python functions per rule as the rule is added (building its URL with and
without extra query arguments), by assembling a syntax tree and compiling it: some 20 ms of CPU
at every start for the app's hundred-odd rules, which a CLI command, the scheduler and most
requests never build (README, "Benchmarks"). Matching requests is unchanged: each rule's regular
expression is still made as it is added. This overrides werkzeug's `Rule._compile_builder`;
tests/test_startup.py checks every route builds what werkzeug's own Rule builds."""

from __future__ import annotations

from collections.abc import Callable

from werkzeug.routing import Rule


class LazyBuilderRule(Rule):
    """A werkzeug Rule whose URL builders are compiled on their first use, then kept."""

    def _compile_builder(self, append_unknown: bool = True) -> Callable[..., tuple[str, str]]:
        compile_now = super()._compile_builder
        compiled: list[Callable[..., tuple[str, str]]] = []

        def build(rule: Rule, /, *args, **kwargs) -> tuple[str, str]:
            if not compiled:
                compiled.append(compile_now(append_unknown))
            return compiled[0](rule, *args, **kwargs)

        return build
