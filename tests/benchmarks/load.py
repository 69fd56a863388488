"""Benchmark: throughput under load. The demo library (`disclosure demo` on a fresh
database) is served by gunicorn (deploy/gunicorn.conf.py, 2 workers) or by the development server
(`flask run`), behind a simulated HTTPS proxy. 20 sessions are signed in through the real
sign-in, each from an address of its own (4 Director sessions each on the home page, the queue
and a case page, with the second factor: the authenticator app's code, then recovery codes; 4
clerk sessions on the clerk's home; 4 patron sessions on the patron's home). Then `wrk` keeps 20
connections busy for the duration, each request the next session's page in turn.

Printed per run: requests per second, p50 and p95 latency, errors (HTTP 5xx, connection errors
and timeouts; any other answer than 200, such as a lost session's redirect, is counted apart and
fails the run too), and the CPU milliseconds per request of the server's processes (and of the
PostgreSQL cluster's), read from /proc, and of wrk itself. The baseline is the same load on
/healthz in the same run, so the ratio (CPU per page request over CPU per /healthz request) says
what the app's pages cost above the server's own work. The machine is shared, so requests per
second are low when others work; the CPU figures move less.

    .venv/bin/python -m tests.benchmarks --only load --backend sqlite
    .venv/bin/python -m tests.benchmarks.load --duration 10 --backend sqlite
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager, nullcontext
from http.cookies import SimpleCookie
from pathlib import Path

import pyotp

from disclosure.auth.second_factor import DEMO_SECRET, STEP_SECONDS
from disclosure.config import PROJECT_ROOT
from disclosure.demo import DEMO_PASSWORD
from tests.benchmarks.processes import new_database, postgresql_server

BIN = Path(sys.executable).parent
WRK = "/usr/bin/wrk"
SESSIONS_PER_PAGE = 4
PAGES = (  # (who, page): 4 sessions of each make the 20
    ("director", "/"),
    ("director", "/cases"),
    ("director", "case"),
    ("clerk", "/"),
    ("patron", "/patron"),
)
PATRON = ("21000000000001", "1234")
CASE_LINK = re.compile(r'href="(/cases/[A-Za-z0-9_-]{16})"')
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
TARGET_RPS, TARGET_P95_MS = 200, 150  # gunicorn on PostgreSQL


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Visitor:
    """One person's browser behind the HTTPS proxy, from an address of its own; cookies kept by
    hand (they are Secure, so a cookie jar would not send them over the loopback's HTTP)."""

    def __init__(self, base: str, address: str) -> None:
        self.base, self.cookies = base, SimpleCookie()
        self.headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": address}
        self.opener = urllib.request.build_opener(_NoRedirect)

    def cookie(self) -> str:
        """The Cookie header this visitor sends."""
        return "; ".join(f"{name}={morsel.value}" for name, morsel in self.cookies.items())

    def get(self, path: str, form: dict | None = None) -> tuple[int, str]:
        """Status and body of GET `path`, or of POST `form` to it (with the page's CSRF token)."""
        headers = dict(self.headers)
        if self.cookies:
            headers["Cookie"] = self.cookie()
        data = None
        if form is not None:
            _status, page = self.get(path)
            form = {"csrf_token": CSRF.search(page).group(1), **form}
            data = urllib.parse.urlencode(form).encode()
            headers["Referer"] = "https://" + self.base.split("://", 1)[1] + path
            headers["Cookie"] = self.cookie()
        request = urllib.request.Request(self.base + path, data=data, headers=headers)
        try:
            response = self.opener.open(request, timeout=60)
        except urllib.error.HTTPError as answer:  # 3xx and 4xx, as redirects are not followed
            response = answer
        for header in response.headers.get_all("Set-Cookie") or []:
            self.cookies.load(header)
        return response.status, response.read().decode()

    def submit(self, path: str, form: dict) -> bool:
        """POST a form: True when it is accepted (a redirect)."""
        return self.get(path, form)[0] == 302


def _env(url: str, instance: Path, port: int) -> dict:
    return {
        **os.environ,
        "DISCLOSURE_DATABASE_URL": url,
        "DISCLOSURE_INSTANCE_PATH": str(instance),
        "DISCLOSURE_SECRET_KEY": "benchmark-only",
        "DISCLOSURE_PROXY_HOPS": "1",
        "DISCLOSURE_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
    }


def _flask(env: dict, *args: str) -> str:
    done = subprocess.run(
        [str(BIN / "disclosure"), *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(f"flask {' '.join(args)} failed: {done.stderr[-2000:]}")
    return done.stdout


# Run before each server: ten new recovery codes for the Director's sessions, written to CODES, and
# the app's codes of the last, this and the next step usable again (the app takes each code once;
# 3 + 10 serve the 12 sessions even when the previous server's sign-ins used this minute's), and a
# scheduler heartbeat (so that /healthz answers 200).
_SETUP = """
from sqlalchemy import select
from wsgi import app
from disclosure.auth import second_factor
from disclosure.auth.models import TotpSecret, User
from disclosure.db import db
from disclosure.ops import service
with app.app_context():
    director = db.session.scalar(select(User).where(User.username == "director"))
    codes = second_factor.new_recovery_codes(db.session, director)
    app_codes = select(TotpSecret).where(TotpSecret.user_id == director.id)
    db.session.scalar(app_codes).last_step = None
    service.beat(db.session)
    db.session.commit()
open(CODES, "w").write(" ".join(codes))
"""


def fresh_codes(url: str, instance: Path) -> list[str]:
    """Ten new recovery codes of the Director (and a fresh scheduler heartbeat)."""
    codes = instance.parent / "codes"
    script = _SETUP.replace("CODES", repr(str(codes)))
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT_ROOT, env=_env(url, instance, 0)
    )
    if done.returncode != 0:
        raise SystemExit("the Director's recovery codes could not be made")
    return codes.read_text().split()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serving(kind: str, url: str, instance: Path, log: Path):
    """A running server of `kind` ('gunicorn' or 'flask run') on `url`: (base URL, its pid)."""
    port = _free_port()
    env = _env(url, instance, port)
    if kind == "gunicorn":
        command = [str(BIN / "gunicorn"), "--config", "deploy/gunicorn.conf.py", "wsgi:app"]
    else:
        command = [str(BIN / "disclosure"), "run", "--no-reload"]
        command += ["--host", "127.0.0.1", "--port", str(port)]
    with open(log, "wb") as out:
        process = subprocess.Popen(
            command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=out
        )
    try:
        _wait_for(port, process, log)
        yield f"http://127.0.0.1:{port}", process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)


def _wait_for(port: int, process, log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited: {log.read_text()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not listen within 120 s")


def _second_factor(visitor: Visitor, codes: list[str]) -> None:
    """Pass the second step with the next code that works: the app's codes of the last, this
    and the next step come first (the app takes each once), then the recovery codes."""
    while codes:
        if visitor.submit("/sign-in/second-factor", {"code": codes.pop(0)}):
            return
    raise SystemExit("no second-factor code was left for the Director")


def sign_in(base: str, recovery: list[str]) -> list[tuple[str, str, str]]:
    """(page, Cookie, address) of the 20 signed-in sessions, each checked to answer 200."""
    now, app = time.time(), pyotp.TOTP(DEMO_SECRET)
    codes = [app.at(now + step * STEP_SECONDS) for step in (-1, 0, 1)] + recovery
    sessions, case = [], None
    for who, page in PAGES:
        for _ in range(SESSIONS_PER_PAGE):
            address = f"198.51.100.{len(sessions) + 1}"
            visitor = Visitor(base, address)
            if who == "patron":
                card, pin = PATRON
                accepted = visitor.submit("/patron/login", {"card_number": card, "pin": pin})
            else:
                accepted = visitor.submit("/login", {"username": who, "password": DEMO_PASSWORD})
            if not accepted:
                raise SystemExit(f"the sign-in of {who} was refused")
            if who == "director":
                _second_factor(visitor, codes)
            if page == "case":
                case = case or CASE_LINK.search(visitor.get("/cases")[1]).group(1)
                page = case
            status, _body = visitor.get(page)
            if status != 200:
                raise SystemExit(f"{who} on {page}: {status} after signing in")
            sessions.append((page, visitor.cookie(), address))
    return sessions


_LUA = """
local entries = ENTRIES
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args)
  requests, next_one, server_errors, unexpected = {}, 0, 0, 0
  for i, entry in ipairs(entries) do
    requests[i] = wrk.format("GET", entry[1], {
      ["Cookie"] = entry[2], ["X-Forwarded-For"] = entry[3], ["X-Forwarded-Proto"] = "https"})
  end
end
function request()
  next_one = next_one % #requests + 1
  return requests[next_one]
end
function response(status, headers, body)
  if status >= 500 then server_errors = server_errors + 1
  elseif status ~= 200 then unexpected = unexpected + 1 end
end
function done(summary, latency, requests)
  local s, u = 0, 0
  for _, thread in ipairs(threads) do
    s = s + thread:get("server_errors"); u = u + thread:get("unexpected")
  end
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %d, "seconds": %f, "p50": %f, "p95": %f, "server_errors": %d, ' ..
    '"unexpected": %d, "connection_errors": %d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3,
    latency:percentile(95) / 1e3, s, u, e.connect + e.read + e.write + e.timeout))
end
"""


def _lua(sessions: list[tuple[str, str, str]]) -> str:
    quoted = ", ".join(
        "{" + ", ".join(json.dumps(part) for part in entry) + "}" for entry in sessions
    )
    return _LUA.replace("ENTRIES", "{" + quoted + "}")


def _ticks(pid: int) -> int:
    """CPU ticks of `pid` and of its children, living and ended."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0
    own = sum(int(x) for x in fields[11:15])  # utime, stime, cutime, cstime
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return own + sum(_ticks(int(child)) for child in children)


def _cpu_ms(pids: list[int]) -> float:
    return sum(_ticks(pid) for pid in pids) * 1000 / os.sysconf("SC_CLK_TCK")


def hammer(base: str, sessions, seconds: int, server: int, database: int | None) -> dict:
    """Run wrk for `seconds` over `sessions`: its figures, with CPU ms per request."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_lua(sessions))
    before = _cpu_ms([server]), _cpu_ms([database] if database else [])
    wrk = subprocess.Popen(
        [WRK, "-t1", "-c20", f"-d{seconds}s", "--timeout", "10s", "-s", script.name, base],
        stdout=subprocess.PIPE,
        text=True,
    )
    output = wrk.stdout.read()
    _pid, status, usage = os.wait4(wrk.pid, 0)
    wrk.returncode = os.waitstatus_to_exitcode(status)
    after = _cpu_ms([server]), _cpu_ms([database] if database else [])
    os.unlink(script.name)
    line = next((x for x in output.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        raise SystemExit(f"wrk said: {output}")
    figures = json.loads(line.removeprefix("RESULT "))
    count = max(figures["requests"], 1)
    figures["rps"] = figures["requests"] / figures["seconds"]
    figures["app_ms"] = (after[0] - before[0]) / count
    figures["db_ms"] = (after[1] - before[1]) / count
    figures["wrk_ms"] = (usage.ru_utime + usage.ru_stime) * 1000 / count
    figures["errors"] = figures["server_errors"] + figures["connection_errors"]
    return figures


def _postmaster(url: str) -> int | None:
    """The pid of the throwaway cluster's postmaster serving `url`, if it is one."""
    host = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query).get("host")
    pidfile = Path(host[0]) / "data" / "postmaster.pid" if host else None
    return int(pidfile.read_text().split()[0]) if pidfile and pidfile.exists() else None


def _cpu_text(f: dict) -> str:
    db = f" + PostgreSQL {f['db_ms']:.1f}" if f["db_ms"] else ""
    return f"CPU {f['app_ms']:.1f}{db} ms/request (wrk {f['wrk_ms']:.2f})"


def _row(server: str, pages: dict, health: dict, log: Path, postgresql: bool) -> dict:
    locked = log.read_text(errors="replace").count("database is locked")
    value = (
        f"{pages['rps']:.0f} req/s, p50 {pages['p50']:.0f} ms, p95 {pages['p95']:.0f} ms, "
        f"{pages['errors']} errors ({pages['server_errors']} HTTP 5xx, "
        f"{pages['connection_errors']} connection)"
        + (f", {pages['unexpected']} other answers" if pages["unexpected"] else "")
        + (f", {locked} 'database is locked' logged" if locked else "")
        + f"; {_cpu_text(pages)}"
    )
    baseline = (
        f"/healthz {health['rps']:.0f} req/s, p95 {health['p95']:.0f} ms; {_cpu_text(health)}"
    )
    cost = (pages["app_ms"] + pages["db_ms"]) / max(health["app_ms"] + health["db_ms"], 0.01)
    target = "0 errors"
    ok = pages["errors"] == 0 and pages["unexpected"] == 0 and health["errors"] == 0
    if postgresql and server == "gunicorn":
        target = f">= {TARGET_RPS} req/s, p95 < {TARGET_P95_MS} ms, 0 errors"
        ok = ok and pages["rps"] >= TARGET_RPS and pages["p95"] < TARGET_P95_MS
    workers = "gunicorn, 2 workers" if server == "gunicorn" else "development server"
    return {
        "figure": f"load: 20 signed-in sessions, {workers}",
        "value": value,
        "baseline": baseline,
        "ratio": cost,
        "target": target,
        "ok": ok,
    }


def rows(url: str, seconds: int = 60, servers=("gunicorn", "flask run")) -> list[dict]:
    """The table's lines: each server on the demo library at `url` (a new, empty database)."""
    folder = Path(tempfile.mkdtemp(prefix="disclosure-load-"))
    try:
        return _runs(url, seconds, servers, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _runs(url: str, seconds: int, servers, folder: Path) -> list[dict]:
    instance = folder / "instance"
    env = _env(url, instance, 0)
    _flask(env, "db", "upgrade")
    _flask(env, "demo")
    postgresql = url.startswith("postgresql")
    database = _postmaster(url) if postgresql else None
    lines = []
    for server in servers:
        recovery = fresh_codes(url, instance)
        log = folder / f"{server.replace(' ', '-')}.log"
        with serving(server, url, instance, log) as (base, pid):
            sessions = sign_in(base, recovery)
            trivial = [("/healthz", "", address) for _page, _cookie, address in sessions]
            health = hammer(base, trivial, seconds, pid, database)
            pages = hammer(base, sessions, seconds, pid, database)
        lines.append(_row(server, pages, health, log, postgresql))
        print(f"  {lines[-1]['figure']}: {lines[-1]['value']}", flush=True)
    return lines


def main() -> int:
    """Run alone: `python -m tests.benchmarks.load [--duration S] [--backend ...]`."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=int, default=60, help="seconds of each run")
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    folder = Path(tempfile.mkdtemp(prefix="disclosure-load-db-"))
    lines = []
    try:
        with postgresql_server() if "postgresql" in backends else nullcontext() as server:
            for backend in backends:
                if backend == "sqlite":
                    url = f"sqlite:///{folder / 'load.sqlite3'}"
                    lines += rows(url, args.duration)
                else:
                    url = new_database(server, "bench_load")
                    lines += rows(url, args.duration, servers=("gunicorn",))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    for line in lines:
        print(
            f"{line['figure']}: {line['value']}; baseline {line['baseline']}; "
            f"{line['ratio']:.2f}x; {'pass' if line['ok'] else 'FAIL'}"
        )
    return 0 if all(line["ok"] for line in lines) else 1


if __name__ == "__main__":
    sys.exit(main())
