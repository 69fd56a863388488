"""docs/rules.md R-files-private: the database, the instance and upload folders and every scan
are readable by the app's own user only; SQLite overwrites what it deletes."""

from __future__ import annotations

import stat

from sqlalchemy import text

from disclosure import create_app, migrate
from disclosure.db import db, write_file


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_library_starts_with_private_folders_database_and_files(tmp_path):
    instance = tmp_path / "instance"
    url = f"sqlite:///{instance / 'disclosure.sqlite3'}"
    app = create_app(
        {
            "database_url": url,
            "instance_path": instance,
            "upload_folder": instance / "uploads",
            "extra": {"testing": True},
        }
    )
    migrate.upgrade(url)
    try:
        with app.app_context():
            scan = instance / "uploads" / "cases" / "scan.pdf"
            write_file(db.session, scan, b"%PDF-1.4 a legal paper")
            db.session.commit()
            secure_delete = db.session.execute(text("PRAGMA secure_delete")).scalar()
        assert _mode(instance) == 0o700
        assert _mode(instance / "uploads") == 0o700
        assert _mode(scan.parent) == 0o700
        assert _mode(scan) == 0o600
        assert _mode(instance / "disclosure.sqlite3") == 0o600
        assert secure_delete == 1
    finally:
        db.engine_for(app).dispose()
