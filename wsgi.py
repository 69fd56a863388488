"""The WSGI entry point: `flask --app wsgi ...`, or any WSGI server with `wsgi:app`."""

import gc

# Start-up makes some 125,000 objects that live as long as the process (modules, classes,
# mappers, routes). Collecting while they are made finds no garbage yet took 0.1 s of CPU at
# every start (README, "Benchmarks"); frozen once made, they are never scanned again, in a CLI
# command, the scheduler or a gunicorn worker.
gc.disable()
try:
    from disclosure import create_app

    app = create_app()
finally:
    gc.freeze()
    gc.enable()
