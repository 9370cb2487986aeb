"""Accounts for team mode on SQLite and PostgreSQL: hashes, roles, disabling, sign-in limits."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from typer.testing import CliRunner

from examprep import services
from examprep.cli.app import app
from examprep.config import Settings
from examprep.errors import Conflict, Forbidden, InvalidInput, NotFound
from examprep.services import Context

from .conftest import Clock

if TYPE_CHECKING:
    from argon2 import PasswordHasher

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
    with pytest.raises(Forbidden, match="wrong name or password"):
        services.authenticate(ctx, "ada", PASSWORD)  # the same message as any other refusal
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
    with pytest.raises(Forbidden, match="wrong name or password"):
        services.authenticate(ctx, "ada", PASSWORD)  # even the right password waits
    clock.now += dt.timedelta(minutes=16)
    assert services.authenticate(ctx, "ada", PASSWORD).name == "ada"
    with pytest.raises(Forbidden, match="wrong name or password"):
        services.authenticate(ctx, "ada", "guess guess guess")  # the count started again


class RecordingHasher:
    """A real argon2 hasher that records the digests it checks and how many hashes overlap."""

    def __init__(self, hasher: PasswordHasher) -> None:
        self.hasher = hasher
        self.checked: list[str] = []
        self.inside = 0
        self.most_at_once = 0  # argon2 computations (hash or check) running at the same time
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def _computing(self) -> Iterator[None]:
        with self._lock:
            self.inside += 1
            self.most_at_once = max(self.most_at_once, self.inside)
        try:
            yield
        finally:
            with self._lock:
                self.inside -= 1

    def hash(self, password: str) -> str:
        with self._computing():
            return self.hasher.hash(password)

    def check_needs_rehash(self, digest: str) -> bool:
        return self.hasher.check_needs_rehash(digest)

    def verify(self, digest: str, password: str) -> bool:
        with self._lock:
            self.checked.append(digest)
        with self._computing():
            return self.hasher.verify(digest, password)


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> RecordingHasher:
    """The test's fast hasher, recording every password check."""
    recording = RecordingHasher(services.accounts._hasher())
    monkeypatch.setattr(services.accounts, "_hasher", lambda: recording)
    return recording


def test_password_hashes_follow_owasp_guidance_for_interactive_sign_in(
    ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    from argon2 import Type, extract_parameters
    from sqlalchemy import select

    from examprep.store.tables import LearnerRow

    monkeypatch.setattr(services.accounts, "_hasher", services.accounts.make_hasher)
    services.add_user(ctx, "ada", PASSWORD)
    with ctx.transaction() as session:
        digest = session.scalars(select(LearnerRow.password_hash)).one()
    assert digest is not None
    params = extract_parameters(digest)
    # Argon2id, 19 MiB, 2 passes, 1 lane: OWASP's Password Storage Cheat Sheet minimum.
    assert (params.type, params.memory_cost, params.time_cost, params.parallelism) == (
        Type.ID,
        19 * 1024,
        2,
        1,
    )


def test_unknown_names_cost_one_check_of_a_hash_like_the_real_ones(
    ctx: Context, recorder: RecordingHasher
) -> None:
    from argon2 import extract_parameters

    services.add_user(ctx, "ada", PASSWORD)
    services.start_practice(ctx, services.PracticeFilter(count=1))  # "me": no password
    for name in ("ada", "nobody", "me"):
        recorder.checked.clear()
        with pytest.raises(Forbidden) as refused:
            services.authenticate(ctx, name, "not the password")
        assert str(refused.value) == services.accounts.WRONG
        [digest] = recorder.checked  # exactly one argon2 check, whether the name exists or not
        assert extract_parameters(digest) == extract_parameters(recorder.hash("x"))


def test_every_refusal_has_the_same_message(ctx: Context) -> None:
    services.add_user(ctx, "ada", PASSWORD)
    services.add_user(ctx, "bob", PASSWORD)
    services.disable_user(ctx, "bob")
    messages = set()
    for name, password in [("nobody", PASSWORD), ("ada", "wrong password"), ("bob", PASSWORD)]:
        with pytest.raises(Forbidden) as refused:
            services.authenticate(ctx, name, password)
        messages.add(str(refused.value))
    for _ in range(services.accounts.MAX_FAILURES):
        with pytest.raises(Forbidden):
            services.authenticate(ctx, "ada", "wrong password")
    with pytest.raises(Forbidden) as paused:
        services.authenticate(ctx, "ada", PASSWORD)
    messages.add(str(paused.value))
    assert messages == {services.accounts.WRONG}


def test_unknown_names_are_paused_too(ctx: Context, recorder: RecordingHasher) -> None:
    for _ in range(services.accounts.MAX_FAILURES + 3):
        with pytest.raises(Forbidden):
            services.authenticate(ctx, "nobody", PASSWORD)
    assert len(recorder.checked) == services.accounts.MAX_FAILURES


def test_sign_in_pauses_per_client_address(
    ctx: Context, clock: Clock, recorder: RecordingHasher
) -> None:
    services.add_user(ctx, "ada", PASSWORD)
    limit = services.accounts.ADDRESS_FAILURES
    for n in range(limit):
        with pytest.raises(Forbidden):
            services.authenticate(ctx, f"guess{n}", PASSWORD, address="203.0.113.9")
    recorder.checked.clear()
    with pytest.raises(Forbidden):  # the right password, from the address that guessed
        services.authenticate(ctx, "ada", PASSWORD, address="203.0.113.9")
    assert recorder.checked == []  # refused before any password check
    assert services.authenticate(ctx, "ada", PASSWORD, address="203.0.113.10").name == "ada"
    for n in range(limit):  # an IPv6 client is counted by its /64
        with pytest.raises(Forbidden):
            services.authenticate(ctx, f"v6guess{n}", PASSWORD, address=f"2001:db8::{n:x}")
    recorder.checked.clear()
    with pytest.raises(Forbidden):
        services.authenticate(ctx, "ada", PASSWORD, address="2001:db8::ffff")
    assert recorder.checked == []
    clock.advance(minutes=16)
    assert services.authenticate(ctx, "ada", PASSWORD, address="203.0.113.9").name == "ada"


def test_a_right_password_gives_the_address_its_attempt_back(ctx: Context) -> None:
    services.add_user(ctx, "ada", PASSWORD)
    for _ in range(services.accounts.ADDRESS_FAILURES * 2):  # a class behind one address
        services.authenticate(ctx, "ada", PASSWORD, address="198.51.100.7")
    with pytest.raises(Forbidden):
        services.authenticate(ctx, "ada", "wrong password", address="198.51.100.7")


def test_parallel_guesses_from_two_servers_check_at_most_the_limit(
    settings: Settings, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """40 guesses at once through two contexts (two engines, as two server processes have)."""
    from concurrent.futures import ThreadPoolExecutor

    recording = RecordingHasher(services.accounts.make_hasher())  # the real cost: a wide window
    monkeypatch.setattr(services.accounts, "_hasher", lambda: recording)
    one = services.open_context(settings, clock=clock)
    two = services.open_context(settings, clock=clock)
    try:
        services.add_user(one, "ada", PASSWORD)
        _ = two.engine

        def guess(n: int) -> str:
            try:
                services.authenticate(one if n % 2 else two, "ada", f"guess number {n}")
            except Forbidden as exc:
                return str(exc)
            return "signed in"

        with ThreadPoolExecutor(max_workers=40) as pool:
            answers = list(pool.map(guess, range(40)))
        assert set(answers) == {services.accounts.WRONG}
        assert 1 <= len(recording.checked) <= services.accounts.MAX_FAILURES
        with pytest.raises(Forbidden):
            services.authenticate(one, "ada", PASSWORD)
    finally:
        one.close()
        two.close()


def test_a_stored_hash_with_old_parameters_is_upgraded_at_sign_in(
    ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    from argon2 import PasswordHasher, extract_parameters
    from sqlalchemy import select

    from examprep.store.tables import LearnerRow

    services.add_user(ctx, "ada", PASSWORD)  # with the tests' fast hasher: 8 KiB
    current = PasswordHasher(time_cost=1, memory_cost=16, parallelism=1)
    monkeypatch.setattr(services.accounts, "_hasher", lambda: current)
    services.authenticate(ctx, "ada", PASSWORD)
    with ctx.transaction() as session:
        digest = session.scalars(select(LearnerRow.password_hash)).one()
    assert digest is not None and extract_parameters(digest).memory_cost == 16
    assert services.authenticate(ctx, "ada", PASSWORD).name == "ada"


def test_a_new_password_ends_the_pause(ctx: Context) -> None:
    services.add_user(ctx, "ada", PASSWORD)
    for _ in range(services.accounts.MAX_FAILURES):
        with pytest.raises(Forbidden):
            services.authenticate(ctx, "ada", "wrong password")
    services.set_password(ctx, "ada", "another long password")
    assert services.authenticate(ctx, "ada", "another long password").name == "ada"


def test_sessions_end_at_sign_out_disabling_and_a_new_password(ctx: Context, clock: Clock) -> None:
    from sqlalchemy import select

    from examprep.store.tables import WebSessionRow

    services.add_user(ctx, "ada", PASSWORD)
    first, second = services.start_session(ctx, "ada"), services.start_session(ctx, "ada")
    with ctx.transaction() as session:
        stored = set(session.scalars(select(WebSessionRow.id)))
    assert first not in stored and second not in stored  # only hashes of the tokens
    assert services.session_account(ctx, first) == services.find_account(ctx, "ada")
    services.end_session(ctx, first)
    assert services.session_account(ctx, first) is None
    assert services.session_account(ctx, second) is not None
    assert services.end_sessions(ctx, "ada") == 1
    assert services.session_account(ctx, second) is None
    for end in (
        lambda: services.set_password(ctx, "ada", "another long password"),
        lambda: services.disable_user(ctx, "ada"),
    ):
        token = services.start_session(ctx, "ada")
        end()
        assert services.session_account(ctx, token) is None
    services.disable_user(ctx, "ada", disabled=False)
    token = services.start_session(ctx, "ada")
    clock.advance(hours=12, seconds=1)
    assert services.session_account(ctx, token) is None  # sessions last 12 hours at most


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
