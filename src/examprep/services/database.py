"""Database use cases: create or migrate the schema."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import make_url

from examprep.config import Settings, load_settings
from examprep.store.database import make_engine, upgrade


@dataclass(frozen=True)
class UpgradeResult:
    where: str
    before: str | None
    after: str


def describe_database(settings: Settings) -> str:
    """The database location for humans (no password)."""
    url = make_url(settings.resolved_database_url())
    if url.get_backend_name() == "sqlite":
        return str(url.database)
    return url.render_as_string(hide_password=True)


def upgrade_database(settings: Settings | None = None) -> UpgradeResult:
    """Create the database or migrate it to the newest schema."""
    settings = settings or load_settings()
    engine = make_engine(settings.resolved_database_url())
    try:
        before, after = upgrade(engine)
    finally:
        engine.dispose()
    return UpgradeResult(where=describe_database(settings), before=before, after=after)
