"""Configuration: the only module that reads environment variables (DISCLOSURE_*)."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(f"DISCLOSURE_{name}", default)


def _env_path(name: str) -> Path | None:
    value = _env(name)
    return Path(value) if value else None


def _env_int(name: str, default: int) -> int:
    value = _env(name)
    return int(value) if value not in (None, "") else default


def _env_bool(name: str, default: bool = False) -> bool:
    value = _env(name)
    if value in (None, ""):
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def configured_timezone() -> str:
    """The library's time zone as configured (DISCLOSURE_TIMEZONE), for times outside an app."""
    return _env("TIMEZONE", "America/Chicago")


def _secret_key(instance: Path) -> str:
    """The secret key from the environment, else one generated once into instance/ (never in
    code)."""
    from_env = _env("SECRET_KEY")
    if from_env:
        return from_env
    key_file = instance / "secret_key"
    if not key_file.exists():
        instance.mkdir(mode=0o700, parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


@dataclass
class Settings:
    """Everything the app reads at start-up; tests pass overrides to create_app()."""

    instance_path: Path
    database_url: str
    secret_key: str
    library_name: str
    timezone: str
    upload_folder: Path
    smtp_host: str | None
    smtp_port: int
    smtp_user: str | None
    smtp_password: str | None
    smtp_from: str
    smtp_starttls: bool
    base_url: str
    debug: bool
    run_scheduler: bool
    purge_hour: int
    exigent_paperwork_days: int
    patron_request_days: int
    report_download_days: int
    proxy_hops: int = 0
    library_address: str = ""  # the letterhead's postal address, lines split on " | " or newlines
    library_phone: str = ""  # the letterhead's telephone number
    staff_idle_minutes: float = 15
    patron_idle_minutes: float = 10
    session_max_hours: int = 12
    ratelimit_storage_url: str = "memory://"
    sip2_host: str | None = None
    sip2_port: int = 6001
    sip2_login: str = ""
    sip2_password: str = ""
    sip2_institution: str = ""
    sip2_location: str = ""
    sip2_tls: bool = False
    translations_folder: Path | None = None  # the library's own language catalogues (i18n.py)
    import_folder: Path | None = None  # the drop folder the ILS sync reads (records/dropfolder.py)
    # the data key (disclosure/vault.py); unset: generated once into instance/data_keys
    data_key: str | None = None
    old_data_keys: str | None = None
    backup_folder: Path | None = None  # where the nightly backup goes (ops/backup.py); unset: none
    backup_days: int = 7
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_env(cls) -> Settings:
        """Read DISCLOSURE_* variables, with defaults a single library can start from."""
        instance = Path(_env("INSTANCE_PATH", str(PROJECT_ROOT / "instance")))
        return cls(
            instance_path=instance,
            database_url=_env("DATABASE_URL") or f"sqlite:///{instance / 'disclosure.sqlite3'}",
            secret_key=_secret_key(instance),
            library_name=_env("LIBRARY_NAME", "Jefferson County Library"),
            library_address=_env("LIBRARY_ADDRESS", ""),
            translations_folder=_env_path("TRANSLATIONS_FOLDER"),
            library_phone=_env("LIBRARY_PHONE", ""),
            timezone=configured_timezone(),
            upload_folder=Path(_env("UPLOAD_FOLDER", str(instance / "uploads"))),
            smtp_host=_env("SMTP_HOST") or None,
            smtp_port=_env_int("SMTP_PORT", 587),
            smtp_user=_env("SMTP_USER") or None,
            smtp_password=_env("SMTP_PASSWORD") or None,
            smtp_from=_env("SMTP_FROM", "disclosure@library.invalid"),
            smtp_starttls=_env_bool("SMTP_STARTTLS", True),
            base_url=_env("BASE_URL", "http://127.0.0.1:5000"),
            debug=_env_bool("DEBUG", False),
            run_scheduler=_env_bool("RUN_SCHEDULER", False),
            purge_hour=_env_int("PURGE_HOUR", 2),
            exigent_paperwork_days=_env_int("EXIGENT_PAPERWORK_DAYS", 7),
            patron_request_days=_env_int("PATRON_REQUEST_DAYS", 30),
            report_download_days=_env_int("REPORT_DOWNLOAD_DAYS", 14),
            proxy_hops=_env_int("PROXY_HOPS", 0),
            staff_idle_minutes=_env_int("STAFF_IDLE_MINUTES", 15),
            patron_idle_minutes=_env_int("PATRON_IDLE_MINUTES", 10),
            session_max_hours=_env_int("SESSION_MAX_HOURS", 12),
            ratelimit_storage_url=_env("RATELIMIT_STORAGE_URL", "memory://"),
            sip2_host=_env("SIP2_HOST") or None,
            sip2_port=_env_int("SIP2_PORT", 6001),
            sip2_login=_env("SIP2_LOGIN", ""),
            sip2_password=_env("SIP2_PASSWORD", ""),
            sip2_institution=_env("SIP2_INSTITUTION", ""),
            sip2_location=_env("SIP2_LOCATION", ""),
            sip2_tls=_env_bool("SIP2_TLS", False),
            import_folder=Path(_env("IMPORT_FOLDER")) if _env("IMPORT_FOLDER") else None,
            data_key=_env("DATA_KEY") or None,
            old_data_keys=_env("OLD_DATA_KEYS") or None,
            backup_folder=Path(_env("BACKUP_FOLDER")) if _env("BACKUP_FOLDER") else None,
            backup_days=_env_int("BACKUP_DAYS", 7),
        )
