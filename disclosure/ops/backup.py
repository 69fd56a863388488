"""Backups (docs/rules.md R-backups-expire): a consistent snapshot of the database (SQLite's online
backup API; pg_dump on PostgreSQL) and the upload folder, in one file sealed with the data key;
restoring one; and the nightly backup that deletes those older than DISCLOSURE_BACKUP_DAYS, so that
no backup brings back what the retention schedule has purged.

A backup holds one tar archive: `manifest.json`, the database (`database.sqlite3` or
`database.pgdump`) and `uploads/...` (each scan sealed, as on disk). The archive is built in a
private temporary folder and sealed (disclosure/vault.py) in chunks of 4 MiB, each bound to its
place and to whether it is the last, so a backup cut short, reordered or spliced does not open;
memory stays at a chunk or two whatever the size.

    b"DSB2" then, per chunk: its length (4 bytes, big-endian) and its sealed envelope"""

from __future__ import annotations

import glob
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path, PurePosixPath

from sqlalchemy.engine import Engine, make_url

from disclosure import clock, vault
from disclosure.errors import DomainError

HEADER = b"DSB2"
CHUNK = 4 * 1024 * 1024
PREFIX = "disclosure-backup-"
SUFFIX = ".dsb"
STAMP = "%Y%m%dT%H%M%SZ"


def name_at(moment: datetime) -> str:
    """The file name of a backup made at `moment` (UTC): it sorts by time, and says it."""
    return f"{PREFIX}{moment.strftime(STAMP)}{SUFFIX}"


def made_at(path: Path) -> datetime | None:
    """When the backup `path` was made, read from its name; None for any other file."""
    name = path.name
    if not (name.startswith(PREFIX) and name.endswith(SUFFIX)):
        return None
    try:
        stamp = datetime.strptime(name[len(PREFIX) : -len(SUFFIX)], STAMP)
    except ValueError:
        return None
    return stamp.replace(tzinfo=UTC)


# ---- making one --------------------------------------------------------------------------------


def create(engine: Engine, upload_folder: Path, folder: Path) -> Path:
    """Write a sealed backup of the database and the upload folder into `folder`; its path."""
    moment = clock.now()
    target = Path(folder) / name_at(moment)
    with tempfile.TemporaryDirectory(prefix="disclosure-backup-") as work:
        database_name, database_file = _snapshot(engine, Path(work))
        archive = Path(work) / "backup.tar"
        with tarfile.open(archive, mode="w") as tar:
            manifest = {
                "made_at": moment.isoformat(),
                "backend": engine.dialect.name,
                "database": database_name,
            }
            _add_bytes(tar, "manifest.json", json.dumps(manifest).encode())
            tar.add(database_file, arcname=database_name)
            for path in sorted(Path(upload_folder).rglob("*")):
                if path.is_file():
                    tar.add(path, arcname=f"uploads/{path.relative_to(upload_folder).as_posix()}")
        _seal_file(archive, target)
    return target


def _aad(index: int, last: bool) -> bytes:
    return HEADER + index.to_bytes(8, "big") + (b"L" if last else b"C")


def _seal_file(source: Path, target: Path) -> None:
    ring = vault.keyring()
    partial = target.with_name(target.name + ".partial")
    with source.open("rb") as plain, _open_private(partial) as out:
        out.write(HEADER)
        index, chunk = 0, plain.read(CHUNK)
        while True:
            following = plain.read(CHUNK)
            sealed = vault.seal(chunk, ring, aad=_aad(index, last=not following))
            out.write(len(sealed).to_bytes(4, "big") + sealed)
            if not following:
                break
            index, chunk = index + 1, following
    partial.replace(target)  # a backup is never seen half written


def _unseal_file(source: Path, target: Path) -> None:
    with source.open("rb") as sealed, target.open("wb") as out:
        if sealed.read(len(HEADER)) != HEADER:
            raise DomainError(f"{source} is not a Disclosure backup.")
        index, size = 0, sealed.read(4)
        while True:
            if len(size) < 4:
                raise DomainError(f"{source} is cut short: it cannot be restored.")
            body = sealed.read(int.from_bytes(size, "big"))
            size = sealed.read(4)
            try:
                out.write(vault.unseal(body, aad=_aad(index, last=not size)))
            except vault.SealError as err:
                raise DomainError(f"{source} cannot be opened: {err}") from err
            if not size:
                return
            index += 1


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))


def _snapshot(engine: Engine, work: Path) -> tuple[str, Path]:
    if engine.dialect.name == "sqlite":
        target = work / "database.sqlite3"
        raw = engine.raw_connection()
        try:
            # The online backup API copies a consistent database while others keep writing.
            copy = sqlite3.connect(target)
            raw.driver_connection.backup(copy)
            copy.close()
        finally:
            raw.close()
        return "database.sqlite3", target
    target = work / "database.pgdump"
    _run_pg(
        "pg_dump", engine, ["--format=custom", "--no-owner", "--no-privileges", f"--file={target}"]
    )
    return "database.pgdump", target


# ---- PostgreSQL's own tools --------------------------------------------------------------------


def _tool(name: str) -> str:
    """The newest PostgreSQL client tool `name` on the machine (it must not be older than the
    server), else the one on PATH."""
    found = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda p: (
            int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0
        ),
    )
    path = found[-1] if found else shutil.which(name)
    if not path:
        raise DomainError(f"{name} was not found: install PostgreSQL's client tools.")
    return path


def _pg_command(tool: str, engine: Engine, arguments: list[str]) -> tuple[list[str], dict]:
    url = make_url(engine.url)
    environment = {**os.environ}
    if url.password:
        # in the environment, not on the command line, which every user of the machine can see
        environment["PGPASSWORD"] = str(url.password)
    libpq = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return [_tool(tool), *arguments, f"--dbname={libpq}"], environment


def _run_pg(tool: str, engine: Engine, arguments: list[str]) -> None:
    command, environment = _pg_command(tool, engine, arguments)
    done = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise DomainError(f"{tool} failed: {done.stderr.strip()[:500]}")


# ---- restoring one -----------------------------------------------------------------------------


def restore(engine: Engine, upload_folder: Path, path: Path) -> dict:
    """Replace the database and the upload folder with the backup's; its manifest. Refused with
    a reason, changing nothing, when the file is not a backup, is cut short or altered, or was
    sealed with a data key this installation does not have."""
    with tempfile.TemporaryDirectory(prefix="disclosure-restore-") as work:
        archive = Path(work) / "backup.tar"
        _unseal_file(Path(path), archive)
        with tarfile.open(archive, mode="r") as tar:
            manifest = json.loads(tar.extractfile("manifest.json").read())
            if manifest["backend"] != engine.dialect.name:
                raise DomainError(
                    f"This backup is of a {manifest['backend']} database; this installation "
                    f"uses {engine.dialect.name}."
                )
            database_file = Path(work) / manifest["database"]
            with tar.extractfile(manifest["database"]) as member, database_file.open("wb") as out:
                shutil.copyfileobj(member, out)
            _restore_database(engine, database_file)
            _restore_uploads(tar, Path(upload_folder))
    return manifest


def _restore_database(engine: Engine, database_file: Path) -> None:
    engine.dispose()  # no pooled connection may hold the old database open
    if engine.dialect.name == "sqlite":
        target = Path(make_url(engine.url).database)
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.close(os.open(target, os.O_RDWR | os.O_CREAT, 0o600))
        source, copy = sqlite3.connect(database_file), sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            source.close()
            copy.close()
        return
    _run_pg(
        "pg_restore",
        engine,
        ["--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction"]
        + [str(database_file)],
    )


def _restore_uploads(tar: tarfile.TarFile, upload_folder: Path) -> None:
    members = []
    for member in tar.getmembers():
        name = PurePosixPath(member.name)
        if not member.isfile() or name.parts[:1] != ("uploads",):
            continue
        if ".." in name.parts or name.is_absolute():
            raise DomainError(f"The backup names a file outside the upload folder: {member.name}")
        members.append((member, Path(*name.parts[1:])))
    for old in sorted(upload_folder.rglob("*"), reverse=True):
        if old.is_file():
            old.unlink()
    for member, relative in members:
        with tar.extractfile(member) as content, _open_private(upload_folder / relative) as out:
            shutil.copyfileobj(content, out)


def _open_private(path: Path):
    # Backups and restored scans are the app's alone (docs/rules.md R-files-private).
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    return os.fdopen(descriptor, "wb")


# ---- the nightly backup ------------------------------------------------------------------------


def prune(folder: Path, days: int) -> int:
    """Delete the backups in `folder` made more than `days` days ago; how many."""
    cutoff = clock.now() - timedelta(days=days)
    deleted = 0
    for path in Path(folder).glob(f"{PREFIX}*{SUFFIX}"):
        moment = made_at(path)
        if moment is not None and moment < cutoff:
            path.unlink()
            deleted += 1
    return deleted
