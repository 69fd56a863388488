"""The drop folder (DISCLOSURE_IMPORT_FOLDER): the library's own system (ILS) leaves its exports
there, and a scheduled job (retention/area.py, before the nightly purge) imports them.

A file is named `<kind>[-<preset>]-anything.csv`: `loans-koha-2026-03-02.csv` is a Koha loans
report, `patrons-sierra-nightly.csv` a patrons export mapped by `sierra.toml` in the folder
itself, `computer_sessions-0302.csv` a file in our own columns. The kind is everything before
the first hyphen (kinds use underscores); the part after it is a preset when it names one
(records/presets.py: koha, evergreen, or a `<name>.toml` beside the files), otherwise it is just
part of the name.

Each file is imported all or nothing (records/importer.py) and committed on its own; it then moves
to `done/`, or to `failed/` with a `<file>.reason.txt` naming the bad line and column, and a failed
file changes nothing. On SQLite that one transaction holds the database's write lock while it
writes, and pages that write wait for it: 4.6 s for 200,000 loans (README, "Load: how much SQLite
serves"; measured by tests/benchmarks/loans_import.py). Files are taken in the order their records
refer to one another (branches before computers, patrons before their loans), then by name. A file
in `done/` holds the same personal data as the records, so it is deleted after DONE_KEEP_DAYS (the
retention schedule cannot reach it); a failed one waits for a person to mend it."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from disclosure import clock
from disclosure.errors import DomainError
from disclosure.records import importer, presets

DONE, FAILED = "done", "failed"
DONE_KEEP_DAYS = 7  # long enough to look at what came in, short of the shortest retention


@dataclass
class Summary:
    """What one sync of the folder did: counts only (no names, no card numbers)."""

    imported: dict[str, importer.Tally] = field(default_factory=dict)  # kind -> tally
    files_done: int = 0
    files_failed: int = 0

    def add(self, kind: str, tally: importer.Tally) -> None:
        """Count one imported file of `kind`."""
        total = self.imported.setdefault(kind, importer.Tally())
        total.added += tally.added
        total.updated += tally.updated
        total.unchanged += tally.unchanged
        self.files_done += 1

    def lines(self) -> list[str]:
        """One line per kind imported, then the failures."""
        found = [f"{kind}: {tally}" for kind, tally in self.imported.items()]
        if self.files_failed:
            found.append(
                f"{self.files_failed} file(s) failed and changed nothing; the reason is beside "
                f"each in the {FAILED}/ folder."
            )
        return found

    def __str__(self) -> str:
        return f"{self.files_done} file(s) imported, {self.files_failed} failed"


def kind_and_preset(path: Path) -> tuple[str, presets.Preset | None]:
    """The kind and preset a file's name gives; DomainError when the kind is unknown."""
    parts = path.stem.split("-")
    kind = parts[0]
    if kind not in importer.KINDS:
        raise DomainError(
            f"the name does not start with a kind of record ({', '.join(importer.KINDS)})."
        )
    if len(parts) > 1 and (
        parts[1] in presets.BUILT_IN or (path.parent / f"{parts[1]}.toml").is_file()
    ):
        return kind, presets.named(parts[1], path.parent)
    return kind, None


def waiting(folder: Path) -> list[Path]:
    """The CSV files waiting in `folder`, in import order."""
    order = {kind: n for n, kind in enumerate(importer.KINDS)}
    files = [p for p in folder.glob("*.csv") if p.is_file()]
    return sorted(files, key=lambda p: (order.get(p.stem.split("-")[0], len(order)), p.name))


def sync(session: Session, folder: Path) -> Summary:
    """Import every waiting file of `folder`, each in a transaction of its own (committed here,
    as the nightly purge commits its batches: this is a job, not a service)."""
    summary = Summary()
    for path in waiting(folder):
        try:
            kind, preset = kind_and_preset(path)
            tally = importer.import_rows(session, importer.read_csv(kind, path, preset))
            session.commit()
        except DomainError as err:
            session.rollback()
            _move(path, FAILED).with_suffix(".reason.txt").write_text(
                f"{path.name}: {err.message} Nothing was imported.\n", encoding="utf-8"
            )
            summary.files_failed += 1
            continue
        _move(path, DONE)
        summary.add(kind, tally)
    _forget_done(folder)
    return summary


def _forget_done(folder: Path) -> None:
    """Delete the files imported more than DONE_KEEP_DAYS ago."""
    done = folder / DONE
    if not done.is_dir():
        return
    before = (clock.now() - timedelta(days=DONE_KEEP_DAYS)).timestamp()
    for path in done.iterdir():
        if path.is_file() and path.stat().st_mtime < before:
            path.unlink()


def _move(path: Path, to: str) -> Path:
    """Move `path` into the sub-folder `to`, its name kept unless a file there has it already."""
    target_folder = path.parent / to
    target_folder.mkdir(exist_ok=True)
    target = target_folder / path.name
    if target.exists():
        target = target_folder / f"{path.stem}.{clock.now():%Y%m%dT%H%M%S}{path.suffix}"
    moved = Path(shutil.move(str(path), str(target)))
    now = clock.now().timestamp()
    os.utime(moved, (now, now))  # when it was moved here, for _forget_done
    return moved
