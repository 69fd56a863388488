"""The WSGI entry point: `flask --app wsgi ...`, or any WSGI server with `wsgi:app`."""

from disclosure import create_app

app = create_app()
