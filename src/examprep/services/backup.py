"""`examprep backup`: a consistent, rotated copy of the SQLite learner database."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from examprep.errors import InvalidInput, NotFound
from examprep.services.context import Context
from examprep.store.backup import backup_sqlite

PATTERN = re.compile(r"^examprep-\d{8}T\d{6}Z(-\d+)?\.sqlite3$")
DEFAULT_KEEP = 10


@dataclass(frozen=True)
class BackupReport:
    """The new backup and the old ones removed by rotation."""

    path: Path
    pages: int
    kept: list[Path]
    removed: list[Path]


def sqlite_path(ctx: Context) -> Path:
    """The SQLite file of the configured database; PostgreSQL is refused with a pointer."""
    url = make_url(ctx.settings.resolved_database_url())
    if url.get_backend_name() != "sqlite":
        raise InvalidInput(
            "examprep backup copies SQLite databases only; back up PostgreSQL with pg_dump "
            "(for example: pg_dump -Fc -f examprep.dump DBNAME) or your provider's snapshots"
        )
    if not url.database or url.database == ":memory:":
        raise InvalidInput("the database is in memory; there is no file to back up")
    path = Path(url.database).expanduser()
    if not path.is_file():
        raise NotFound(f"no database at {path} yet: nothing to back up")
    return path


def _target(folder: Path, stamp: str) -> Path:
    target = folder / f"examprep-{stamp}.sqlite3"
    n = 1
    while target.exists():
        target = folder / f"examprep-{stamp}-{n}.sqlite3"
        n += 1
    return target


def backup_database(ctx: Context, keep: int = DEFAULT_KEEP) -> BackupReport:
    """Copy the SQLite database into <data dir>/backups and keep the newest `keep` copies."""
    if keep < 1:
        raise InvalidInput("--keep must be at least 1")
    source = sqlite_path(ctx)
    folder = ctx.settings.resolved_data_dir() / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    target = _target(folder, ctx.now().strftime("%Y%m%dT%H%M%SZ"))
    partial = target.with_name(f".{target.name}.partial")
    pages = backup_sqlite(source, partial)
    os.replace(partial, target)
    # names sort by time; only files this command wrote are ever rotated away
    backups = sorted((p for p in folder.iterdir() if PATTERN.match(p.name)), key=_order)
    removed = backups[:-keep]
    for old in removed:
        old.unlink()
    return BackupReport(target, pages, backups[-keep:], removed)


def _order(path: Path) -> tuple[str, int]:
    stem = path.name.removeprefix("examprep-").removesuffix(".sqlite3")
    stamp, _, n = stem.partition("-")
    return stamp, int(n or 0)
