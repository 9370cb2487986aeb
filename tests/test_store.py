"""Storage: migrations from empty, round trips on SQLite and PostgreSQL, refusals."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from examprep.errors import DatabaseError
from examprep.store.database import current_revision, head_revision, make_engine, upgrade
from examprep.store.tables import (
    AttemptRow,
    CardStateRow,
    ItemParamRow,
    LearnerRow,
    ResponseRow,
    ReviewLogRow,
    SettingRow,
)

NOW = dt.datetime(2026, 11, 27, 9, 30, tzinfo=dt.UTC)


def test_migrates_from_empty(db_url: str) -> None:
    engine = make_engine(db_url)
    assert current_revision(engine) is None
    before, after = upgrade(engine)
    assert (before, after) == (None, head_revision())
    assert current_revision(engine) == head_revision()
    assert upgrade(engine) == (head_revision(), head_revision())
    engine.dispose()


def test_round_trip_every_table(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    with Session(engine) as session, session.begin():
        learner = LearnerRow(name="ada", display_name="Ada", created_at=NOW)
        session.add(learner)
        session.flush()
        attempt = AttemptRow(
            uid="a1",
            learner_id=learner.id,
            pack_id="mini",
            mode="exam",
            seed=2**40,
            form=[{"item": "q-1", "order": [2, 0, 1, 3]}],
            started_at=NOW,
            deadline=NOW + dt.timedelta(minutes=120),
        )
        session.add(attempt)
        session.flush()
        session.add_all(
            [
                ResponseRow(
                    uid="r1",
                    attempt_id=attempt.id,
                    learner_id=learner.id,
                    position=1,
                    item_id="q-1",
                    event="answer",
                    choice=[2, 3],
                    correct=False,
                    elapsed_ms=41_000,
                    answered_at=NOW,
                ),
                CardStateRow(
                    learner_id=learner.id,
                    card_id="card:c-1",
                    state={"stability": 2.5},
                    due=NOW,
                    updated_at=NOW,
                ),
                ReviewLogRow(
                    uid="v1",
                    learner_id=learner.id,
                    card_id="card:c-1",
                    rating=3,
                    reviewed_at=NOW,
                    duration_ms=5000,
                ),
                ItemParamRow(
                    pack_id="mini",
                    item_id="q-1",
                    a=1.2,
                    b=-0.4,
                    c=0.25,
                    n=10,
                    method="mml",
                    updated_at=NOW,
                ),
                SettingRow(
                    learner_id=learner.id, key="exam_date", value="2027-01-15", updated_at=NOW
                ),
            ]
        )
    with Session(engine) as session:
        attempt = session.scalars(select(AttemptRow)).one()
        assert attempt.form == [{"item": "q-1", "order": [2, 0, 1, 3]}]
        assert attempt.seed == 2**40
        assert attempt.deadline == NOW + dt.timedelta(minutes=120)
        assert attempt.deadline is not None and attempt.deadline.tzinfo is not None
        response = session.scalars(select(ResponseRow)).one()
        assert (response.choice, response.correct, response.answered_at) == ([2, 3], False, NOW)
        assert session.scalars(select(CardStateRow)).one().state == {"stability": 2.5}
        assert session.scalars(select(ReviewLogRow)).one().rating == 3
        assert session.scalars(select(ItemParamRow)).one().b == pytest.approx(-0.4)
        assert session.scalars(select(SettingRow)).one().value == "2027-01-15"
    engine.dispose()


def test_foreign_keys_are_enforced(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    with pytest.raises(IntegrityError), Session(engine) as session, session.begin():
        session.add(SettingRow(learner_id=999, key="k", value=1, updated_at=NOW))
    engine.dispose()


def test_naive_datetimes_are_refused(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    with pytest.raises(Exception, match="naive datetime"), Session(engine) as session:
        session.add(LearnerRow(name="x", created_at=dt.datetime(2026, 1, 1)))
        session.flush()
    engine.dispose()


def test_newer_schema_is_refused_and_untouched(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(DatabaseError, match="schema revision 9999, which is newer"):
        upgrade(engine)
    assert current_revision(engine) == "9999"
    engine.dispose()


def test_corrupt_sqlite_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "broken.sqlite3"
    original = b"this is not a database, it is a shopping list\n" * 200
    path.write_bytes(original)
    engine = make_engine(f"sqlite:///{path}")
    with pytest.raises(DatabaseError, match="corrupt or not an SQLite database"):
        upgrade(engine)
    engine.dispose()
    assert path.read_bytes() == original


def test_foreign_sqlite_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE recipes (id INTEGER PRIMARY KEY)"))
    with pytest.raises(DatabaseError, match="not an examprep database"):
        upgrade(engine)
    engine.dispose()


def test_sqlite_uses_wal_and_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


def test_invalid_url() -> None:
    with pytest.raises(DatabaseError, match="invalid database URL"):
        make_engine("not a url at all")


@pytest.mark.postgres
def test_unreachable_postgres_is_a_clear_error() -> None:
    engine = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
    with pytest.raises(DatabaseError, match="cannot use the database"):
        upgrade(engine)
    engine.dispose()


@pytest.mark.slow
def test_concurrent_first_use_migrates_once(tmp_path: Path) -> None:
    """Several processes opening a new SQLite file at once all succeed."""
    import subprocess
    import sys

    db = tmp_path / "race.sqlite3"
    code = (
        "from examprep.store.database import make_engine, upgrade\n"
        f"e = make_engine('sqlite:///{db}')\n"
        "print(upgrade(e)[1]); e.dispose()\n"
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(4)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], [err for _, err in outputs]
    assert {out.strip() for out, _ in outputs} == {head_revision()}


@pytest.mark.slow
def test_concurrent_first_use_creates_the_learner_once(tmp_path: Path) -> None:
    """Processes creating the same learners at the same moment all succeed, each learner once."""
    import subprocess
    import sys

    db = tmp_path / "learner.sqlite3"
    go = tmp_path / "go"
    engine = make_engine(f"sqlite:///{db}")
    upgrade(engine)
    engine.dispose()
    code = (
        "import datetime as dt, os, time\n"
        "from sqlalchemy.orm import Session\n"
        "from examprep.store.database import make_engine\n"
        "from examprep.store.learners import get_or_create_learner\n"
        f"e = make_engine('sqlite:///{db}')\n"
        f"while not os.path.exists({str(go)!r}): time.sleep(0.001)\n"
        "ids = []\n"
        "for i in range(40):\n"
        "    with Session(e) as s, s.begin():\n"
        "        ids.append(get_or_create_learner(s, f'me-{i}', dt.datetime.now(dt.UTC)).id)\n"
        "print(ids); e.dispose()\n"
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(3)
    ]
    time.sleep(1.0)  # let every process reach the starting line
    go.touch()
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [err for _, err in outputs]
    assert len({out.strip() for out, _ in outputs}) == 1


def test_the_security_migration_replaces_failure_counts_in_settings(db_url: str) -> None:
    """A database at 0001 gains sign_in_limits and web_sessions; old failure counts go."""
    from alembic import command
    from sqlalchemy import inspect

    from examprep.store.database import _alembic_config

    engine = make_engine(db_url)
    command.upgrade(_alembic_config(engine), "0001")
    with Session(engine) as session, session.begin():
        learner = LearnerRow(name="ada", display_name="ada", created_at=NOW)
        session.add(learner)
        session.flush()
        for key in ("login_failures", "exam_date"):
            session.add(SettingRow(learner_id=learner.id, key=key, value=1, updated_at=NOW))
    assert upgrade(engine) == ("0001", head_revision())
    with engine.connect() as conn:
        assert {"sign_in_limits", "web_sessions"} <= set(inspect(conn).get_table_names())
        keys = conn.execute(text("SELECT key FROM settings")).scalars().all()
    assert keys == ["exam_date"]
    engine.dispose()
