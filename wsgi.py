"""The WSGI entry point: any WSGI server with `wsgi:app` (gunicorn), or `flask --app wsgi ...`
(the `disclosure` command runs the same commands and starts faster: disclosure/console.py)."""

from disclosure import built

app = built()
