"""Disclosure: law-enforcement requests for library records, handled by the rules.

The app is wired in disclosure/app.py. This module stays light on purpose: importing the package
loads nothing else, so that built() can make the app with the garbage collector off (the import
of every area is most of the making)."""

import gc


def create_app(config: dict | None = None):
    """Build the app: settings, database, sign-in, CSRF, blueprints, CLI, error pages."""
    # Imported here, not at the top: see the module's docstring.
    from disclosure.app import create_app as wired

    return wired(config)


def built():
    """The app of a long-lived process: wsgi.py (gunicorn's workers, `flask --app wsgi`) and the
    `disclosure` command (disclosure/console.py).

    Start-up makes some 125,000 objects that live as long as the process (modules, classes,
    mappers, routes). Collecting while they are made finds no garbage yet took 0.1 s of CPU at
    every start, and so did the final collection when the process ends; frozen once made, they
    are never scanned again (README, "Benchmarks")."""
    gc.disable()
    try:
        return create_app()
    finally:
        gc.freeze()
        gc.enable()
