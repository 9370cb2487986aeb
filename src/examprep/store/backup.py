"""Consistent copies of an SQLite database file with sqlite3's online backup API."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from examprep.errors import DatabaseError


def backup_sqlite(source: Path, target: Path) -> int:
    """Copy `source` to `target` page by page while others may write; return the page count."""
    try:
        # the caller checked that `source` exists, so connecting cannot create an empty file
        with (
            contextlib.closing(sqlite3.connect(source, timeout=30)) as src,
            contextlib.closing(sqlite3.connect(target)) as dst,
        ):
            src.backup(dst)
            check = dst.execute("PRAGMA quick_check").fetchone()
            pages = int(dst.execute("PRAGMA page_count").fetchone()[0])
    except sqlite3.DatabaseError as exc:
        target.unlink(missing_ok=True)
        raise DatabaseError(
            f"cannot back up {source}: {exc}; it may be corrupt or not an SQLite database"
        ) from None
    if check is None or check[0] != "ok":
        target.unlink(missing_ok=True)
        raise DatabaseError(f"the backup of {source} failed its integrity check: {check}")
    return pages
