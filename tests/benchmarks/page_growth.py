"""Benchmark: pages cost the same however large the library. The demo library is loaded at scale
1 and at scale 10 (ten times the patrons, loans and computer sessions); each demo account signs
in and crawls every page it can reach from its home page by links (one URL per endpoint, GET
only); every page's statements and cost are measured at both scales. A page fails when its cost
at scale 10 is above 1.5 times that at scale 1, or when it makes more statements. The scale-1
figures are the baseline, measured in the same run and in turns with scale 10, page by page.

A page's cost is the CPU time spent serving it: this process's (the app, and SQLite, which runs
inside it) plus that of the PostgreSQL server processes its connections talk to (read from
/proc, so the server must run on this machine, as the throwaway cluster does). Wall time on a
shared machine measures the neighbours too: a 3 ms page came out 0.3x to 2.9x in one run. CPU
time still counts everything the page does, in Python or in the database. Each round times a
batch of requests lasting about BATCH_MS (a clock tick or a one-off pause then weighs little);
the two scales take turns for ROUNDS rounds, and each scale's cheapest round is its cost: the
machine's other work can only add to a round, never take from it.

    .venv/bin/python -m tests.benchmarks.page_growth
    DISCLOSURE_BENCH_DATABASE_URL=postgresql+psycopg://.../db_{scale} \
.venv/bin/python -m tests.benchmarks.page_growth
"""

from __future__ import annotations

import math
import os
import re
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("DISCLOSURE_SECRET_KEY", "benchmark")
_TMP = Path(tempfile.mkdtemp(prefix="disclosure-bench-"))
os.environ.setdefault("DISCLOSURE_INSTANCE_PATH", str(_TMP))

from sqlalchemy import event  # noqa: E402
from werkzeug.routing.exceptions import HTTPException as RoutingException  # noqa: E402

from disclosure import create_app, demo, migrate  # noqa: E402
from disclosure.db import db  # noqa: E402
from tests.conftest import Client  # noqa: E402
from tests.statements import page_and_statements  # noqa: E402

LIMIT = 1.5
SCALES = (1, 10)  # the baseline's and the measured library's
ROUNDS = 9
BATCH_MS = 40  # CPU time of one round at scale 1
MAX_PAGES = 40  # per account
STAFF = ("director", "clerk", "supervisor", "counsel", "admin")
PATRON = ("21000000000001", "1234")
LINK = re.compile(r'href="(/[^"#]*)"')
SKIP = re.compile(r"^/(static|logout|patron/logout)|\.(pdf|csv|json|png)$|/download|/file")


def build(url: str, scale: int):
    """A migrated database at `url` holding the demo library at `scale`; its app."""
    migrate.upgrade(url)
    app = create_app({"database_url": url})
    app.test_client_class = Client
    with app.app_context():
        demo.load(db.session, scale=scale, progress=lambda line: None)
        db.session.commit()
    app.extensions["bench_server_pids"] = _server_pids(app)
    return app


def _server_pids(app) -> set[int]:
    """The process ids of the PostgreSQL server processes serving `app`'s connections, kept up
    to date as connections open (none on SQLite, which runs in this process)."""
    pids: set[int] = set()
    engine = db.engine_for(app)
    if engine.dialect.name != "postgresql":
        return pids

    def remember(dbapi_connection, _record):
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pids.add(cursor.fetchone()[0])
        dbapi_connection.rollback()

    event.listen(engine, "connect", remember)
    engine.dispose()  # the connections opened before this listened are not counted: close them
    return pids


def _cpu_ns(pid: int) -> int:
    """CPU nanoseconds process `pid` has run (0 once it has ended)."""
    try:
        with open(f"/proc/{pid}/schedstat") as stat:
            return int(stat.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 0


def _serving_ns(app) -> int:
    """CPU nanoseconds spent so far by this process and by `app`'s database server processes."""
    return time.process_time_ns() + sum(_cpu_ns(pid) for pid in app.extensions["bench_server_pids"])


def signed_in(app, who: str) -> Client:
    """A client signed in as demo account `who` (a username, or 'patron')."""
    client = app.test_client()
    if who == "patron":
        card, pin = PATRON
        client.submit("/patron/login", {"card_number": card, "pin": pin})
        return client
    client.submit("/login", {"username": who, "password": demo.DEMO_PASSWORD})
    if client.get("/sign-in/second-factor").status_code == 200:
        with app.app_context():
            code = demo.current_code(db.session, who)
            db.session.commit()
        client.submit("/sign-in/second-factor", {"code": code})
    return client


def crawl(app, client: Client, start: str) -> dict[str, str]:
    """endpoint -> the first URL of it reached by following links from `start`."""
    adapter = app.url_map.bind("localhost")
    found: dict[str, str] = {}
    queue, seen = [start], {start}
    while queue and len(found) < MAX_PAGES:
        url = queue.pop(0)
        try:
            with app.app_context():  # a public id in the URL is looked up in the database
                endpoint, _ = adapter.match(url.split("?")[0], method="GET")
        except RoutingException:
            continue
        if endpoint in found:
            continue
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.content_type:
            continue
        found[endpoint] = url
        for link in LINK.findall(response.get_data(as_text=True)):
            link = link.replace("&amp;", "&")
            if link not in seen and not SKIP.search(link):
                seen.add(link)
                queue.append(link)
    return found


def cost(client: Client, url: str, batch: int) -> float:
    """CPU milliseconds serving one GET of `url`: the mean over `batch` requests in a row."""
    app = client.application
    started = _serving_ns(app)
    for _ in range(batch):
        client.get(url)
    return (_serving_ns(app) - started) / batch / 1e6


def statements(app, client: Client, url: str) -> int:
    """How many SQL statements GET `url` makes (after a warm-up request)."""
    client.get(url)
    return len(page_and_statements(app, client, url)[1])


def signed_in_everywhere(app) -> dict[str, tuple[Client, dict[str, str]]]:
    """Each demo account: its signed-in client and the pages it reaches (endpoint -> URL)."""
    found = {}
    # requests outside any app context of ours: each request gets its own, as in production
    for who in (*STAFF, "patron"):
        client = signed_in(app, who)
        found[who] = (client, crawl(app, client, "/patron" if who == "patron" else "/"))
    return found


def rows(url_for_scale) -> list[dict]:
    """One row per page reached at both scales. The two libraries are measured in turns, page
    by page (one batch of requests to each, ROUNDS times); the ratio compares each scale's
    cheapest round (module docstring)."""
    base, big = SCALES
    small = signed_in_everywhere(build(url_for_scale(base), base))
    large = signed_in_everywhere(build(url_for_scale(big), big))
    found = []
    for who in small:
        (client1, pages1), (client10, pages10) = small[who], large[who]
        for endpoint in sorted(pages1.keys() & pages10.keys()):
            url1, url10 = pages1[endpoint], pages10[endpoint]
            s1 = statements(client1.application, client1, url1)
            s10 = statements(client10.application, client10, url10)
            batch = max(1, math.ceil(BATCH_MS / max(cost(client1, url1, 1), 0.1)))
            c1, c10 = [], []
            for _ in range(ROUNDS):
                c1.append(cost(client1, url1, batch))
                c10.append(cost(client10, url10, batch))
            m1, m10 = min(c1), min(c10)
            ratio = m10 / m1 if m1 else 0.0
            found.append(
                dict(
                    figure=f"page {endpoint} ({who})",
                    value=f"{m10:.1f} ms CPU, {s10} statements",
                    baseline=f"scale 1: {m1:.1f} ms CPU, {s1} statements",
                    ratio=ratio,
                    target=f"<= {LIMIT}x, statements equal",
                    ok=ratio <= LIMIT and s10 <= s1,
                )
            )
    return found


def main() -> int:
    template = os.environ.get("DISCLOSURE_BENCH_DATABASE_URL")
    if template:

        def url_for_scale(scale: int) -> str:
            return template.format(scale=scale)
    else:

        def url_for_scale(scale: int) -> str:
            return f"sqlite:///{_TMP / f'pages-{scale}.sqlite3'}"

    found = rows(url_for_scale)
    for row in found:
        print(
            f"{row['figure']}: {row['value']}; {row['baseline']} ({row['ratio']:.2f}x): "
            f"{'pass' if row['ok'] else 'FAIL'}"
        )
    return 0 if all(r["ok"] for r in found) else 1


if __name__ == "__main__":
    sys.exit(main())
