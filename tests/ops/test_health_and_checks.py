"""Running it for real: /healthz, `disclosure check`, `disclosure mail test`, the reverse proxy
and HSTS."""

from __future__ import annotations

from datetime import timedelta

from disclosure import clock, migrate
from disclosure.db import db
from disclosure.ops import service
from tests import databases, factories
from tests.conftest import _TMP, make_app


def test_healthz_is_503_until_the_scheduler_beats_then_200(client, session):
    first = client.get("/healthz")
    assert first.status_code == 503
    assert first.get_json() == {
        "status": "failing",
        "database": "ok",
        "schema": "ok",
        "scheduler": "never",
    }
    service.beat(session)
    session.commit()
    assert client.get("/healthz").get_json() == {
        "status": "ok",
        "database": "ok",
        "schema": "ok",
        "scheduler": "ok",
    }


def test_healthz_says_stale_when_the_scheduler_stopped_beating(client, session):
    service.beat(session)
    session.commit()
    clock.freeze(clock.now() + service.HEARTBEAT_STALE_AFTER + timedelta(seconds=1))
    answer = client.get("/healthz")
    assert answer.status_code == 503
    assert answer.get_json()["scheduler"] == "stale"


def test_healthz_says_behind_when_a_migration_is_missing(backend, server_for):
    server = server_for(backend)
    url = databases.new_database(backend, server, _TMP)
    migrate.upgrade(url, "0009_report_productions")
    application = make_app(url)
    try:
        answer = application.test_client().get("/healthz")
        assert answer.status_code == 503
        assert answer.get_json()["schema"] == "behind"
    finally:
        db.engine_for(application).dispose()
        databases.drop_database(url, server)


def test_healthz_reveals_nothing_else_and_needs_no_sign_in(client, session):
    factories.case(session)
    session.commit()
    body = client.get("/healthz").get_data(as_text=True)
    assert set(client.get("/healthz").get_json()) == {"status", "database", "schema", "scheduler"}
    assert "case" not in body.lower()


def test_check_names_each_finding_and_fails_while_the_scheduler_is_silent(app, session):
    result = app.test_cli_runner().invoke(args=["check"])
    assert result.exit_code != 0
    assert "FAIL  The scheduler has beaten in the last five minutes" in result.output
    assert "ok    The database is reachable." in result.output
    assert "WARN  No SMTP server" in result.output
    assert "PDFs can be made" in result.output
    service.beat(session)
    session.commit()
    again = app.test_cli_runner().invoke(args=["check"])
    assert "ok    The scheduler has beaten" in again.output


def test_check_says_where_backups_go_and_warns_when_none_are_made_or_kept_too_long(
    app, session, tmp_path
):
    settings = app.config["SETTINGS"]

    def lines(**changes):
        changed = type(settings)(**{**settings.__dict__, **changes})
        return [f"{f.level} {f.text}" for f in service.configuration_findings(changed, session)]

    assert "warn DISCLOSURE_BACKUP_FOLDER is not set: no nightly backup." in lines(
        backup_folder=None
    )
    kept_long = lines(backup_folder=tmp_path, backup_days=30)
    assert any(line.startswith("warn Backups are kept 30 days") for line in kept_long)
    assert f"ok Nightly backups go to {tmp_path}, kept 7 days." in lines(
        backup_folder=tmp_path, backup_days=7
    )


def test_check_fails_on_folders_every_user_can_read(app, session, tmp_path):
    open_folder = tmp_path / "uploads"
    open_folder.mkdir(mode=0o755)
    open_folder.chmod(0o755)
    settings = app.config["SETTINGS"]
    findings = service.configuration_findings(
        type(settings)(**{**settings.__dict__, "upload_folder": open_folder}), session
    )
    assert any(
        f.level == "fail" and f"The upload folder {open_folder} can be read by every user" in f.text
        for f in findings
    )


def test_mail_test_sends_one_message_through_the_smtp_server(app, session, smtp_server):
    controller, handler = smtp_server
    settings = app.config["SETTINGS"]
    app.config["SETTINGS"] = type(settings)(
        **{
            **settings.__dict__,
            "smtp_host": "127.0.0.1",
            "smtp_port": controller.port,
            "smtp_starttls": False,
        }
    )
    try:
        result = app.test_cli_runner().invoke(args=["mail", "test", "it@library.example"])
    finally:
        app.config["SETTINGS"] = settings
    assert result.exit_code == 0, result.output
    assert "Sent a test message to it@library.example." in result.output
    assert [m.rcpt_tos for m in handler.messages] == [["it@library.example"]]
    assert b"Test message from Disclosure" in handler.messages[0].content


def test_mail_test_says_why_when_no_smtp_server_is_set(app, session):
    result = app.test_cli_runner().invoke(args=["mail", "test", "it@library.example"])
    assert result.exit_code != 0
    assert "Not sent: No SMTP server is configured" in result.output


def test_hsts_only_over_https_and_forwarded_scheme_only_behind_a_proxy(app):
    direct = make_app(app.config["DATABASE_URL"])
    proxied = make_app(app.config["DATABASE_URL"], {"proxy_hops": 1})
    try:
        forwarded = {"X-Forwarded-Proto": "https"}
        assert (
            "Strict-Transport-Security"
            not in direct.test_client().get("/login", headers=forwarded).headers
        )
        assert (
            "Strict-Transport-Security"
            in proxied.test_client().get("/login", headers=forwarded).headers
        )
        assert (
            "Strict-Transport-Security"
            in direct.test_client().get("/login", base_url="https://localhost").headers
        )
        assert "Strict-Transport-Security" not in proxied.test_client().get("/login").headers
    finally:
        db.engine_for(direct).dispose()
        db.engine_for(proxied).dispose()
