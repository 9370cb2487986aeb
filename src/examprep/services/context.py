"""The per-process context: settings, the database engine (opened lazily) and the loaded pack."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from examprep.config import Settings, load_settings

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

    from examprep.content.loader import Pack


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
            from examprep.services.packs import load_pack_for

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
