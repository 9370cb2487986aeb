"""Shared fixtures: settings in tmp_path, a fresh database per test on SQLite and PostgreSQL."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from examprep import services
from examprep.config import Settings
from examprep.content.loader import load_pack
from examprep.content.pack import Pack
from examprep.content.search import SearchIndex, build_index
from examprep.services.context import Context

T0 = dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC)
FIXTURES = Path(__file__).parent / "fixtures"
MINI_PACK = FIXTURES / "mini"
POSTGRES_ENV = "EXAMPREP_TEST_POSTGRES_URL"


@pytest.fixture(scope="session")
def pack_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One compiled pack cache for the session: each pack is read and validated once."""
    return tmp_path_factory.mktemp("pack-cache")


@pytest.fixture(autouse=True)
def _isolated_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pack_cache: Path
) -> None:
    """No test reads the developer's real data dir, database or cache."""
    for name in list(os.environ):
        if name.startswith("EXAMPREP_") and name != POSTGRES_ENV:
            monkeypatch.delenv(name)
    monkeypatch.setenv("EXAMPREP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("EXAMPREP_CACHE_DIR", str(pack_cache))


@pytest.fixture(autouse=True)
def _fast_password_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests need argon2 hashes, not their cost: the least time and memory argon2 allows."""
    from argon2 import PasswordHasher

    fast = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr("examprep.services.accounts._hasher", lambda: fast)


def _postgres_url() -> str | None:
    return os.environ.get(POSTGRES_ENV) or None


@contextlib.contextmanager
def fresh_postgres_schema(base: str) -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a new schema, dropped afterwards."""
    import sqlalchemy as sa

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base)
    try:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    except sa.exc.OperationalError as exc:
        admin.dispose()
        pytest.fail(f"{POSTGRES_ENV} is set but PostgreSQL is unreachable: {exc}")
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A PostgreSQL URL on a fresh schema (skips when PostgreSQL is not configured)."""
    base = _postgres_url()
    if base is None:
        pytest.skip(f"PostgreSQL not configured: set {POSTGRES_ENV} (see README)")
    with fresh_postgres_schema(base) as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database URL: SQLite file, then PostgreSQL schema."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'db' / 'examprep.sqlite3'}"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    """Settings pointing at the fresh database and the mini fixture pack."""
    return Settings(database_url=db_url, data_dir=tmp_path / "data", pack_path=MINI_PACK)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += dt.timedelta(**kwargs)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def ctx(settings: Settings, clock: Clock) -> Iterator[Context]:
    """A services context on the fresh database, the mini pack and the test clock."""
    context = services.open_context(settings, clock=clock)
    yield context
    context.close()


@pytest.fixture(scope="module")
def pack() -> Pack:
    """The bundled pack, read once per test module."""
    return load_pack()


@pytest.fixture(scope="module")
def index(pack: Pack) -> SearchIndex:
    """The search index of the bundled pack."""
    return build_index(pack)
