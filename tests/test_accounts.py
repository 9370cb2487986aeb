"""Accounts for team mode on SQLite and PostgreSQL: hashes, roles, disabling, sign-in limits."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from typer.testing import CliRunner

from examprep import services
from examprep.cli.app import app
from examprep.config import Settings
from examprep.errors import Conflict, Forbidden, InvalidInput, NotFound
from examprep.services import Context

from .conftest import Clock

PASSWORD = "correct horse battery"


def test_add_and_sign_in(ctx: Context) -> None:
    account = services.add_user(ctx, "ada", PASSWORD, "instructor")
    assert (account.name, account.role, account.disabled, account.has_password) == (
        "ada",
        "instructor",
        False,
        True,
    )
    assert services.authenticate(ctx, "ada", PASSWORD) == account
    with pytest.raises(Forbidden, match="wrong name or password"):
        services.authenticate(ctx, "ada", "not the password")
    with pytest.raises(Forbidden, match="wrong name or password"):
        services.authenticate(ctx, "nobody", PASSWORD)


def test_the_hash_is_argon2_and_not_the_password(ctx: Context) -> None:
    from sqlalchemy import select

    from examprep.store.tables import LearnerRow

    services.add_user(ctx, "ada", PASSWORD)
    with ctx.transaction() as session:
        digest = session.scalars(select(LearnerRow.password_hash)).one()
    assert digest is not None and digest.startswith("$argon2id$") and PASSWORD not in digest


@pytest.mark.parametrize(
    ("name", "password", "role", "message"),
    [
        ("Ada Lovelace", PASSWORD, "learner", "user name"),
        ("ada", "short", "learner", "at least 10 characters"),
        ("ada", PASSWORD, "admin", "role 'admin'"),
    ],
)
def test_bad_accounts_are_refused(
    ctx: Context, name: str, password: str, role: str, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        services.add_user(ctx, name, password, role)
    assert services.list_users(ctx) == []


def test_a_name_is_taken_once_but_the_cli_learner_can_get_a_password(ctx: Context) -> None:
    services.start_practice(ctx, services.PracticeFilter(count=1), seed=7)  # creates learner "me"
    assert [a.has_password for a in services.list_users(ctx)] == [False]
    services.add_user(ctx, "me", PASSWORD)
    with pytest.raises(Conflict, match="already exists"):
        services.add_user(ctx, "me", PASSWORD)
    [me] = services.list_users(ctx)
    assert me.has_password and len(services.history(ctx)) == 1  # the same learner's data


def test_disable_and_enable(ctx: Context) -> None:
    services.add_user(ctx, "ada", PASSWORD)
    assert services.disable_user(ctx, "ada").disabled
    with pytest.raises(Forbidden, match="disabled"):
        services.authenticate(ctx, "ada", PASSWORD)
    assert not services.disable_user(ctx, "ada", disabled=False).disabled
    assert services.authenticate(ctx, "ada", PASSWORD).name == "ada"
    with pytest.raises(NotFound):
        services.disable_user(ctx, "nobody")


def test_a_new_password_changes_the_stamp(ctx: Context) -> None:
    before = services.add_user(ctx, "ada", PASSWORD)
    after = services.set_password(ctx, "ada", "another long password")
    assert before.stamp != after.stamp
    with pytest.raises(Forbidden):
        services.authenticate(ctx, "ada", PASSWORD)
    assert services.authenticate(ctx, "ada", "another long password").stamp == after.stamp
    with pytest.raises(InvalidInput):
        services.set_password(ctx, "ada", "short")
    with pytest.raises(NotFound):
        services.set_password(ctx, "nobody", "another long password")


def test_sign_in_pauses_after_five_wrong_passwords(ctx: Context, clock: Clock) -> None:
    services.add_user(ctx, "ada", PASSWORD)
    for _ in range(services.accounts.MAX_FAILURES):
        with pytest.raises(Forbidden, match="wrong name or password"):
            services.authenticate(ctx, "ada", "guess guess guess")
    with pytest.raises(Forbidden, match="try again in 15 minutes"):
        services.authenticate(ctx, "ada", PASSWORD)  # even the right password waits
    clock.now += dt.timedelta(minutes=16)
    assert services.authenticate(ctx, "ada", PASSWORD).name == "ada"
    with pytest.raises(Forbidden, match="wrong name or password"):
        services.authenticate(ctx, "ada", "guess guess guess")  # the count started again


runner = CliRunner()


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    assert settings.database_url is not None and settings.pack_path is not None
    monkeypatch.setenv("EXAMPREP_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("EXAMPREP_PACK_PATH", str(settings.pack_path))
    return settings


def test_user_commands(cli_env: Settings) -> None:
    added = runner.invoke(
        app, ["user", "add", "ada", "--role", "instructor"], input=f"{PASSWORD}\n{PASSWORD}\n"
    )
    assert added.exit_code == 0, added.output
    assert "added ada (instructor)" in added.output
    piped = runner.invoke(app, ["user", "add", "bob", "--password-stdin"], input=f"{PASSWORD}\n")
    assert piped.exit_code == 0, piped.output
    listed = runner.invoke(app, ["user", "list", "--json"])
    assert '"name": "ada"' in listed.output and '"role": "instructor"' in listed.output
    assert re.search(r"bob +learner +can sign in", runner.invoke(app, ["user", "list"]).output)
    assert "bob disabled" in runner.invoke(app, ["user", "disable", "bob"]).output
    assert re.search(r"bob +learner +disabled", runner.invoke(app, ["user", "list"]).output)
    assert "bob enabled" in runner.invoke(app, ["user", "disable", "bob", "--enable"]).output
    changed = runner.invoke(
        app, ["user", "passwd", "bob", "--password-stdin"], input="a new long password\n"
    )
    assert changed.exit_code == 0 and "password of bob changed" in changed.output


@pytest.mark.parametrize(
    "args",
    [
        ["user", "add", "Bad Name", "--password-stdin"],
        ["user", "add", "ada", "--role", "boss", "--password-stdin"],
        ["user", "disable", "nobody"],
        ["user", "passwd", "nobody", "--password-stdin"],
    ],
)
def test_user_command_errors_exit_2(cli_env: Settings, args: list[str]) -> None:
    result = runner.invoke(app, args, input=f"{PASSWORD}\n")
    assert result.exit_code == 2
    assert "error:" in result.output


def test_a_short_password_is_refused_by_the_cli(cli_env: Settings) -> None:
    result = runner.invoke(app, ["user", "add", "ada", "--password-stdin"], input="short\n")
    assert result.exit_code == 2 and "at least 10 characters" in result.output
