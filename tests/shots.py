"""Screenshots for a person to look at: `python -m tests.shots ROLE URL [URL ...]`.

Serves a small demo library (a fresh SQLite file) on a loopback port, signs in as ROLE
(director, clerk, supervisor, counsel, admin, or patron / guardian for the portal, or
anonymous), and saves a full-page PNG of each URL under tests/artifacts/shots/, at a desktop's
width and a phone's (WIDTHS).
Not a test: a tool for looking at what we build."""

from __future__ import annotations

import os
import re
import sys
import tempfile
import threading
from pathlib import Path

os.environ.setdefault("DISCLOSURE_SECRET_KEY", "shots")
FOLDER = Path(tempfile.mkdtemp(prefix="disclosure-shots-"))
os.environ["DISCLOSURE_INSTANCE_PATH"] = str(FOLDER)

from werkzeug.serving import make_server  # noqa: E402

from disclosure import create_app, migrate  # noqa: E402
from tests import browsing  # noqa: E402

OUT = Path(__file__).parent / "artifacts" / "shots"
WIDTHS = (1280, 390)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]


def serve(setup_commands: list[list[str]]):
    url = f"sqlite:///{FOLDER / 'shots.sqlite3'}"
    migrate.upgrade(url)
    app = create_app({"database_url": url, "extra": {"insecure_cookies": True, "ratelimit": False}})
    runner = app.test_cli_runner()
    for args in [["demo", "--scale", "0.05"], *setup_commands]:
        result = runner.invoke(args=args)
        if result.exit_code:
            raise SystemExit(f"{' '.join(args)} failed: {result.output}")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", server


def sign_in(page, base: str, role: str) -> None:
    if role == "anonymous":
        return
    if role in ("patron", "guardian"):
        page.goto(f"{base}/patron/login")
        page.fill("[name=card_number]", "21000000000001" if role == "patron" else "21000000000002")
        page.fill("[name=pin]", "1234")
    else:
        browsing.sign_in(page, base, role)  # the demo's second factor included
        return
    page.click("button[type=submit]")


def main(argv: list[str]) -> None:
    from playwright.sync_api import sync_playwright

    role, urls = argv[0], argv[1:]
    base, server = serve([])
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        page = browser.new_page(viewport={"width": WIDTHS[0], "height": 900})
        sign_in(page, base, role)
        for url in urls:
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                page.goto(base + url)
                name = re.sub(r"[^A-Za-z0-9]+", "-", f"{role}{url}").strip("-")
                path = OUT / f"{name}-{width}.png"
                page.screenshot(path=str(path), full_page=True)
                print(path)
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main(sys.argv[1:])
