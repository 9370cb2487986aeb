"""The per-process context: settings, the database engine (opened lazily) and the loaded pack."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from examprep.config import Settings, load_settings
from examprep.content.compiled import load_compiled
from examprep.content.pack import Pack, bundled_pack_path
from examprep.errors import NotFound

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session


@dataclass
class Context:
    """What every use case needs. Build one per process (CLI run, web app)."""

    settings: Settings
    clock: Callable[[], dt.datetime] = field(default=lambda: dt.datetime.now(dt.UTC))
    _engine: Engine | None = field(default=None, repr=False)
    _pack: Pack | None = field(default=None, repr=False)

    @property
    def engine(self) -> Engine:
        """The database engine, created and migrated on first use."""
        if self._engine is None:
            from examprep.store.database import make_engine, upgrade

            engine = make_engine(self.settings.resolved_database_url())
            upgrade(engine)
            self._engine = engine
        return self._engine

    @property
    def pack(self) -> Pack:
        if self._pack is None:
            self._pack = load_pack_for(self.settings)
        return self._pack

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work commits at the end of the block, or rolls back on error."""
        from sqlalchemy.exc import DBAPIError
        from sqlalchemy.orm import Session

        from examprep.errors import DatabaseError
        from examprep.store.database import explain

        engine = self.engine
        try:
            with Session(engine, expire_on_commit=False) as session, session.begin():
                yield session
        except DBAPIError as exc:
            raise DatabaseError(explain(engine, exc)) from None

    def now(self) -> dt.datetime:
        """The current time (UTC); tests pass a fixed clock."""
        return self.clock()

    @property
    def learner(self) -> str:
        return self.settings.learner

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


def open_context(
    settings: Settings | None = None, clock: Callable[[], dt.datetime] | None = None
) -> Context:
    """A context for `settings` (default: from the environment) and an optional fixed clock."""
    ctx = Context(settings=settings or load_settings())
    if clock is not None:
        ctx.clock = clock
    return ctx


def pack_dir(path: Path | None) -> Path:
    """The pack folder `path` names (the bundled pack for None); NotFound if there is none."""
    root = path if path is not None else bundled_pack_path()
    if not root.exists():
        raise NotFound(f"pack not found: {root} does not exist")
    if not root.is_dir():
        raise NotFound(f"pack not found: {root} is not a directory")
    return root


# Packs loaded in this process, by folder and the fingerprint of its files: `examprep serve`
# checks the pack before it starts the server and the app loads it again in the same process.
_LOADED: dict[Path, tuple[tuple[int, int], Pack]] = {}


def _fingerprint(root: Path) -> tuple[int, int]:
    """How many files the pack has and the newest change among them (an edit shows in both)."""
    count, newest = 0, 0
    for folder, _, files in os.walk(root):
        for name in files:
            count += 1
            newest = max(newest, os.stat(os.path.join(folder, name)).st_mtime_ns)
    return count, newest


def load_pack_for(settings: Settings) -> Pack:
    """The pack the settings point at (the bundled one by default), from the compiled
    cache, kept in memory while its files stay unchanged."""
    root = pack_dir(settings.pack_path).resolve()
    fingerprint = _fingerprint(root)
    known = _LOADED.get(root)
    if known is not None and known[0] == fingerprint:
        return known[1]
    pack = load_compiled(root, settings.resolved_cache_dir())
    _LOADED[root] = (fingerprint, pack)
    return pack
