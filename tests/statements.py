"""The SQL statements a page runs, for the tests and benchmarks that count or read them."""

from __future__ import annotations

from sqlalchemy import event

from disclosure.db import db


def page_and_statements(app, client, url: str) -> tuple[str, list[str]]:
    """GET `url`: the page's text and every SQL statement the request ran."""
    statements = []

    def keep(_conn, _cursor, statement, *_args):
        statements.append(statement)

    engine = db.engine_for(app)
    event.listen(engine, "before_cursor_execute", keep)
    try:
        page = client.get(url).get_data(as_text=True)
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    return page, statements
