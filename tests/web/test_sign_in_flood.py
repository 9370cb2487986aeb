"""Forty sign-ins at once with the real argon2 cost: memory and the lockout both hold."""

from __future__ import annotations

import resource
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from examprep import services
from examprep.config import Settings
from examprep.services import Context
from examprep.web.accounts import SIGN_IN_SLOTS

from ..conftest import Clock
from ..test_accounts import RecordingHasher
from .conftest import client_for

PASSWORD = "correct horse battery"
PARALLEL = 40
MIB = 1024  # ru_maxrss is in KiB on Linux


@pytest.fixture
def real_hashes(monkeypatch: pytest.MonkeyPatch) -> RecordingHasher:
    """The production hasher (19 MiB per check), recording every check."""
    recording = RecordingHasher(services.accounts.make_hasher())
    monkeypatch.setattr(services.accounts, "_hasher", lambda: recording)
    return recording


@pytest.fixture
def team_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"secret_key": SecretStr("flood-secret-" * 4)})


@pytest.fixture
def ada(team_settings: Settings, clock: Clock, real_hashes: RecordingHasher) -> Iterator[str]:
    """Ada's account and its stored password hash."""
    ctx: Context = services.open_context(team_settings, clock=clock)
    services.add_user(ctx, "ada", PASSWORD)
    with ctx.transaction() as session:
        from sqlalchemy import select

        from examprep.store.tables import LearnerRow

        digest = session.scalars(select(LearnerRow.password_hash)).one()
    ctx.close()
    assert digest is not None
    yield digest


def post_all(clients: list[TestClient], forms: list[dict[str, str]]) -> list[int]:
    """Send every form at once, spread over the clients; the status codes."""

    def send(n: int) -> int:
        client = clients[n % len(clients)]
        return client.post("/login", data=forms[n], follow_redirects=False).status_code

    for client in clients:  # the app's first request builds its routes: not in forty threads
        assert client.get("/login").status_code == 200
    with ThreadPoolExecutor(max_workers=len(forms)) as pool:
        return list(pool.map(send, range(len(forms))))


def test_forty_bogus_sign_ins_at_once_stay_bounded(
    team_settings: Settings, clock: Clock, ada: str, real_hashes: RecordingHasher
) -> None:
    forms = [{"name": f"nobody{n}", "password": f"guess {n}"} for n in range(PARALLEL)]
    with client_for(team_settings, clock) as client:
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        statuses = post_all([client], forms)
        growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert set(statuses) <= {403, 429}
    # Never more password checks at once than the process's slots (19 MiB each) ...
    assert 1 <= real_hashes.most_at_once <= SIGN_IN_SLOTS
    # ... so memory grows by a few checks' worth, not forty (40 x 19 MiB = 760 MiB).
    assert growth < 200 * MIB
    # Unknown names count against the client's address like any other guess.
    assert len(real_hashes.checked) <= services.accounts.ADDRESS_FAILURES


def test_forty_guesses_at_once_on_two_servers_check_at_most_five(
    team_settings: Settings, clock: Clock, ada: str, real_hashes: RecordingHasher
) -> None:
    forms = [{"name": "ada", "password": f"guess number {n}"} for n in range(PARALLEL)]
    with client_for(team_settings, clock) as one, client_for(team_settings, clock) as two:
        statuses = post_all([one, two], forms)
        assert set(statuses) <= {403, 429}
        on_ada = [digest for digest in real_hashes.checked if digest == ada]
        assert 1 <= len(on_ada) <= services.accounts.MAX_FAILURES
        right = one.post("/login", data={"name": "ada", "password": PASSWORD})
        assert right.status_code == 403  # paused: even the right password waits
