"""Start-up: a CLI command that renders no document loads none of the heavy libraries that only
some processes use (WeasyPrint and Pango for PDFs, Playwright for the browser tests, WebAuthn for
security keys, APScheduler for the scheduler, zxcvbn for passwords)."""

import os
import subprocess
import sys
from pathlib import Path

HEAVY = ("weasyprint", "playwright", "webauthn", "apscheduler", "zxcvbn", "pypdf")

# The flask command itself, in a fresh interpreter, as a library's cron job would start it; it
# prints which of the heavy modules were loaded once the command has run.
CLI = (
    "import sys\n"
    "from flask.cli import main\n"
    "sys.argv = ['flask', '--app', 'wsgi', 'import', 'loans', '--help']\n"
    "try:\n"
    "    main()\n"
    "except SystemExit:\n"
    "    pass\n"
    f"print('loaded:', *sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
)


def test_a_cli_command_starts_without_loading_the_heavy_libraries(tmp_path):
    """They load where they are used (disclosure/pdf.py, auth/security_keys.py, jobs.py)."""
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "DISCLOSURE_INSTANCE_PATH": str(tmp_path)}
    ran = subprocess.run(
        [sys.executable, "-c", CLI], capture_output=True, text=True, check=True, cwd=root, env=env
    )
    assert "Import (sync) library records" in ran.stdout
    assert ran.stdout.splitlines()[-1] == "loaded:"
