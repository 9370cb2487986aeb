"""Team mode: accounts, signed session cookies, CSRF tokens, sign-in limits, separate learners."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from examprep import services
from examprep.config import Settings
from examprep.services import Context
from examprep.web.pages import for_learner

from .conftest import Clock, client_for, location, main_text

PASSWORD = "correct horse battery"


@pytest.fixture
def team_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"secret_key": SecretStr("team-secret-" * 4)})


@pytest.fixture
def accounts(team_settings: Settings, clock: Clock) -> Iterator[Context]:
    ctx = services.open_context(team_settings, clock=clock)
    services.add_user(ctx, "ada", PASSWORD)
    services.add_user(ctx, "bob", PASSWORD)
    services.add_user(ctx, "ivy", PASSWORD, role="instructor")
    yield ctx
    ctx.close()


@pytest.fixture
def team(team_settings: Settings, clock: Clock, accounts: Context) -> Iterator[TestClient]:
    with client_for(team_settings, clock) as client:
        yield client


def sign_in(client: TestClient, name: str, password: str = PASSWORD, next_: str = "/") -> str:
    response = client.post(
        "/login", data={"name": name, "password": password, "next": next_}, follow_redirects=False
    )
    assert response.status_code == 303, response.text
    return location(response)


def csrf(client: TestClient, path: str = "/config") -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    assert match
    return match.group(1)


def as_learner(ctx: Context, name: str) -> Context:
    """`name`'s context on the same engine (closed with `ctx`)."""
    return for_learner(ctx, name)


@pytest.mark.parametrize("path", ["/", "/exams", "/cards", "/attempts/1", "/notes"])
def test_every_page_needs_a_sign_in(team: TestClient, path: str) -> None:
    response = team.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert location(response).startswith("/login?next=")


def test_forms_need_a_sign_in_too(team: TestClient, accounts: Context) -> None:
    response = team.post("/config", data={"pass_mark": "90%"}, follow_redirects=False)
    assert location(response) == "/login?next=%2F"
    assert services.get_config(as_learner(accounts, "ada")).pass_mark_is_default


def test_sign_in_sets_a_safe_cookie_and_returns_to_the_page(team: TestClient) -> None:
    page = team.get("/login?next=/exams")
    assert page.status_code == 200 and 'name="password" type="password"' in page.text
    response = team.post(
        "/login",
        data={"name": "Ada", "password": PASSWORD, "next": "/exams"},
        follow_redirects=False,
    )
    assert location(response) == "/exams"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("examprep_session=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Max-Age=43200" in cookie
    home = team.get("/")
    assert home.status_code == 200 and "ada ·" in home.text and "Sign out" in home.text


@pytest.mark.parametrize(
    ("name", "password"), [("ada", "wrong password!"), ("nobody", PASSWORD), ("", PASSWORD)]
)
def test_a_wrong_sign_in_is_refused(team: TestClient, name: str, password: str) -> None:
    response = team.post("/login", data={"name": name, "password": password})
    assert response.status_code in (403, 422)
    assert "examprep_session" not in response.headers.get("set-cookie", "")
    assert location(team.get("/", follow_redirects=False)).startswith("/login")


def test_sign_in_pauses_after_five_wrong_passwords(team: TestClient) -> None:
    for _ in range(5):
        assert (
            team.post("/login", data={"name": "ada", "password": "nope nope nope"}).status_code
            == 403
        )
    response = team.post("/login", data={"name": "ada", "password": PASSWORD})
    assert response.status_code == 403 and services.accounts.WRONG in main_text(response.text)
    assert "examprep_session" not in response.headers.get("set-cookie", "")


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example", "\\\\evil", "x"])
def test_the_return_address_stays_on_this_site(team: TestClient, target: str) -> None:
    assert sign_in(team, "ada", next_=target) == "/"


def test_forms_need_the_sessions_csrf_token(team: TestClient, accounts: Context) -> None:
    sign_in(team, "ada")
    token = csrf(team)
    assert team.post("/config", data={"pass_mark": "90%"}).status_code == 403
    bad = team.post("/config", data={"pass_mark": "90%", "csrf": "0" * 64})
    assert bad.status_code == 403 and "form has expired" in bad.text
    ada = as_learner(accounts, "ada")
    assert services.get_config(ada).pass_mark_is_default
    good = team.post("/config", data={"pass_mark": "90%", "csrf": token}, follow_redirects=False)
    assert good.status_code == 303
    assert services.get_config(ada).pass_mark == 0.9
    assert services.get_config(as_learner(accounts, "bob")).pass_mark_is_default


def test_every_form_carries_the_token(team: TestClient) -> None:
    sign_in(team, "ada")
    token = csrf(team)
    team.post("/exams", data={"questions": "4", "csrf": token})
    for path in ("/", "/exams/1/questions/1", "/exams/1/review", "/practice", "/config", "/study"):
        html = team.get(path).text
        forms = html.count('<form method="post"')
        assert forms and html.count(f'name="csrf" value="{token}"') == forms, path


def test_a_token_from_another_session_is_refused(
    team_settings: Settings, clock: Clock, team: TestClient
) -> None:
    sign_in(team, "ada")
    with client_for(team_settings, clock) as other:
        sign_in(other, "ada")  # the same learner in another browser: another session
        theirs = csrf(other)
    assert theirs != csrf(team)
    assert team.post("/config", data={"pass_mark": "90%", "csrf": theirs}).status_code == 403


def session_cookie(client: TestClient, name: str) -> str:
    response = client.post(
        "/login", data={"name": name, "password": PASSWORD}, follow_redirects=False
    )
    assert response.status_code == 303
    return str(response.cookies["examprep_session"])


def only_cookie(client: TestClient, value: str) -> None:
    client.cookies.clear()
    client.cookies.set("examprep_session", value)


def test_a_forged_or_foreign_cookie_is_not_a_session(
    team: TestClient, settings: Settings, clock: Clock, accounts: Context
) -> None:
    real = session_cookie(team, "ada")
    only_cookie(team, real)
    assert team.get("/", follow_redirects=False).status_code == 200
    only_cookie(team, real[:-2] + ("AA" if not real.endswith("AA") else "BB"))
    assert location(team.get("/", follow_redirects=False)).startswith("/login")
    other_key = settings.model_copy(update={"secret_key": SecretStr("another-secret-" * 3)})
    with client_for(other_key, clock) as elsewhere:
        services.add_user(accounts, "eve", PASSWORD)
        foreign = session_cookie(elsewhere, "eve")
    only_cookie(team, foreign)
    assert location(team.get("/", follow_redirects=False)).startswith("/login")


def test_session_fixation_fails(team: TestClient) -> None:
    """A cookie planted before sign-in is never a session; every sign-in makes a new one."""
    only_cookie(team, "planted-by-someone-else")
    assert location(team.get("/", follow_redirects=False)).startswith("/login")
    first = session_cookie(team, "ada")
    second = session_cookie(team, "ada")
    assert "planted-by-someone-else" not in (first, second)
    assert first != second


def test_a_new_password_or_disabling_ends_sessions(team: TestClient, accounts: Context) -> None:
    sign_in(team, "ada")
    assert team.get("/", follow_redirects=False).status_code == 200
    services.set_password(accounts, "ada", "a brand new password")
    assert location(team.get("/", follow_redirects=False)).startswith("/login")
    sign_in(team, "ada", "a brand new password")
    services.disable_user(accounts, "ada")
    assert location(team.get("/", follow_redirects=False)).startswith("/login")
    refused = team.post("/login", data={"name": "ada", "password": "a brand new password"})
    assert refused.status_code == 403 and services.accounts.WRONG in main_text(refused.text)


def test_sign_out(team: TestClient) -> None:
    sign_in(team, "ada")
    response = team.post("/logout", data={"csrf": csrf(team)}, follow_redirects=False)
    assert location(response) == "/login"
    assert location(team.get("/", follow_redirects=False)).startswith("/login")


def test_learners_see_only_their_own_attempts(
    team: TestClient, team_settings: Settings, clock: Clock, accounts: Context
) -> None:
    sign_in(team, "ada")
    started = team.post(
        "/exams", data={"questions": "4", "csrf": csrf(team)}, follow_redirects=False
    )
    exam = int(location(started).split("/")[2])
    with client_for(team_settings, clock) as bob:
        sign_in(bob, "bob")
        token = csrf(bob)
        assert bob.get(f"/exams/{exam}/questions/1").status_code == 403
        assert bob.get(f"/attempts/{exam}").status_code == 403
        write = bob.post(f"/exams/{exam}/questions/1", data={"choice": "A", "csrf": token})
        assert write.status_code == 403
        assert f"/exams/{exam}" not in bob.get("/history").text
    ada = as_learner(accounts, "ada")
    assert services.get_attempt(ada, exam).answers == {}
    assert f"/exams/{exam}" in team.get("/history").text


def test_the_role_is_shown(team: TestClient) -> None:
    sign_in(team, "ivy")
    assert re.search(r"ivy\s*\(instructor\) ·", team.get("/").text)


def test_team_mode_answers_to_any_host_name(team: TestClient) -> None:
    sign_in(team, "ada")
    assert team.get("/", headers={"host": "exams.example.org"}).status_code == 200


def test_local_mode_has_no_sign_in(client: TestClient) -> None:
    assert location(client.get("/login", follow_redirects=False)) == "/"
    assert (
        location(client.post("/login", data={"name": "a", "password": "b"}, follow_redirects=False))
        == "/"
    )
    assert "Sign out" not in client.get("/").text


def test_the_cohort_is_for_instructors(team: TestClient, accounts: Context) -> None:
    ada = as_learner(accounts, "ada")
    view = services.start_practice(ada, services.PracticeFilter(count=2), seed=3)
    services.answer(ada, view.attempt, 1, "A")
    sign_in(team, "ada")
    assert 'href="/cohort"' not in team.get("/").text
    refused = team.get("/cohort")
    assert refused.status_code == 403 and "for instructors" in refused.text
    sign_in(team, "ivy")
    assert 'href="/cohort"' in team.get("/").text
    page = team.get("/cohort")
    text = main_text(page.text)
    assert page.status_code == 200
    assert "ada 1" in text and "bob" not in text  # bob has not answered anything
    assert view.questions[0].id in text and "Facility" in text


def test_the_instructor_sees_results_on_the_cohort_page(
    team: TestClient, accounts: Context
) -> None:
    ada = as_learner(accounts, "ada")
    view = services.start_practice(ada, services.PracticeFilter(count=2), seed=3)
    services.answer(ada, view.attempt, 1, "A")
    services.record_outcome(ada, "fail", "2026-11-20", ["S2=below"])
    sign_in(team, "ivy")
    text = main_text(team.get("/cohort").text)
    assert "Exam results" in text and "fail 2026-11-20 (S2 below)" in text
    assert "Assumes the real exam is as hard as this bank" in text


def test_local_mode_has_no_cohort(client: TestClient) -> None:
    assert client.get("/cohort").status_code == 403


def test_two_servers_on_one_database_share_everything(
    team_settings: Settings, clock: Clock, accounts: Context
) -> None:
    """Two app instances (own engines, as two processes would have) behind one load balancer."""
    with client_for(team_settings, clock) as one, client_for(team_settings, clock) as two:
        sign_in(one, "ada")
        two.cookies.set("examprep_session", one.cookies["examprep_session"])
        token = csrf(one)
        assert csrf(two) == token  # the session and its token are valid on either server
        started = one.post("/exams", data={"questions": "4", "csrf": token}, follow_redirects=False)
        exam = int(location(started).split("/")[2])
        # The form is drawn at random: answer question 2 with as many options as it asks for.
        asked = two.get(f"/exams/{exam}/questions/2").text
        want = int(re.search(r'data-autosave="(\d)"', asked).group(1))  # type: ignore[union-attr]
        letters = re.findall(r'data-key="([A-F])"', asked)[:want]
        saved = two.post(
            f"/exams/{exam}/questions/2",
            data={"choice": letters, "csrf": token},
            follow_redirects=False,
        )
        assert saved.status_code == 303, saved.text
        one.post(f"/exams/{exam}/questions/3/flag", data={"on": "true", "csrf": token})
        page = two.get(f"/exams/{exam}/questions/3").text
        assert "Question 2: answered" in page and "Question 3: unanswered, flagged" in page
        services.disable_user(accounts, "ada")  # takes effect on both at once
        assert location(one.get("/", follow_redirects=False)).startswith("/login")
        assert location(two.get("/", follow_redirects=False)).startswith("/login")


def test_a_signed_out_cookie_is_dead_everywhere(
    team: TestClient, team_settings: Settings, clock: Clock
) -> None:
    """Replaying the cookie after sign-out, on this server or another, reaches nothing."""
    cookie = session_cookie(team, "ada")
    only_cookie(team, cookie)
    token = csrf(team)
    assert team.post("/logout", data={"csrf": token}, follow_redirects=False).status_code == 303
    only_cookie(team, cookie)
    assert location(team.get("/", follow_redirects=False)).startswith("/login")
    with client_for(team_settings, clock) as other_server:
        only_cookie(other_server, cookie)
        assert location(other_server.get("/", follow_redirects=False)).startswith("/login")


def test_sign_out_everywhere(team: TestClient, team_settings: Settings, clock: Clock) -> None:
    with client_for(team_settings, clock) as laptop, client_for(team_settings, clock) as bob:
        sign_in(laptop, "ada")
        sign_in(bob, "bob")
        sign_in(team, "ada")
        page = team.get("/").text
        assert 'name="everywhere"' in page and "Sign out everywhere" in page
        sent = team.post("/logout", data={"csrf": csrf(team), "everywhere": "yes"})
        assert sent.url.path == "/login"
        assert location(laptop.get("/", follow_redirects=False)).startswith("/login")
        assert location(team.get("/", follow_redirects=False)).startswith("/login")
        assert bob.get("/", follow_redirects=False).status_code == 200  # other learners stay


def test_sign_out_needs_the_csrf_token(team: TestClient) -> None:
    sign_in(team, "ada")
    assert team.post("/logout", data={"everywhere": "yes"}).status_code == 403
    assert team.get("/", follow_redirects=False).status_code == 200


def test_signed_in_pages_are_never_cached(team: TestClient) -> None:
    sign_in(team, "ada")
    for path in ("/", "/history", "/config", "/login"):
        assert team.get(path).headers["cache-control"] == "no-store", path


def test_cookies_can_be_marked_secure_behind_a_tls_proxy(
    team_settings: Settings, clock: Clock, accounts: Context
) -> None:
    def cookie_of(settings: Settings) -> str:
        with client_for(settings, clock) as client:
            response = client.post(
                "/login", data={"name": "ada", "password": PASSWORD}, follow_redirects=False
            )
            return response.headers["set-cookie"]

    assert "Secure" not in cookie_of(team_settings)  # plain HTTP, no setting
    assert "Secure" in cookie_of(team_settings.model_copy(update={"secure_cookies": True}))


def test_the_secure_cookie_setting_is_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from examprep.config import load_settings

    assert load_settings().secure_cookies is False
    monkeypatch.setenv("EXAMPREP_SECURE_COOKIES", "true")
    assert load_settings().secure_cookies is True


@pytest.mark.parametrize("name", ["ada\x00", "\x00", "a\x1bda"])
def test_control_characters_in_the_sign_in_name_are_a_400(team: TestClient, name: str) -> None:
    response = team.post("/login", data={"name": name, "password": PASSWORD})
    assert response.status_code == 400 and "control characters" in response.text
    assert "examprep_session" not in response.headers.get("set-cookie", "")


def test_sign_in_answers_429_when_every_slot_stays_busy(team: TestClient) -> None:
    from examprep.web.accounts import BUSY, SignInGate

    team.app.state.sign_in_gate = SignInGate(slots=0, wait=0.0)  # type: ignore[attr-defined]
    response = team.post("/login", data={"name": "ada", "password": PASSWORD})
    assert response.status_code == 429 and response.headers["retry-after"] == "5"
    assert BUSY in main_text(response.text)
    assert "examprep_session" not in response.headers.get("set-cookie", "")
    team.app.state.sign_in_gate = SignInGate()  # type: ignore[attr-defined]
    assert sign_in(team, "ada") == "/"  # the 429 cost none of ada's attempts


def test_a_learner_changes_their_own_password_and_stays_signed_in(
    team: TestClient, team_settings: Settings, clock: Clock, accounts: Context
) -> None:
    sign_in(team, "ada")
    with client_for(team_settings, clock) as other_device:
        sign_in(other_device, "ada")
        token = csrf(team, "/account")
        wrong = team.post(
            "/account",
            data={
                "csrf": token,
                "current": "nope",
                "new": "a new long passphrase",
                "again": "a new long passphrase",
            },
        )
        assert wrong.status_code == 403
        differ = team.post(
            "/account",
            data={
                "csrf": token,
                "current": PASSWORD,
                "new": "a new long passphrase",
                "again": "another",
            },
        )
        assert differ.status_code == 400
        done = team.post(
            "/account",
            data={
                "csrf": token,
                "current": PASSWORD,
                "new": "a new long passphrase",
                "again": "a new long passphrase",
            },
            follow_redirects=False,
        )
        assert location(done) == "/account?changed=true"
        assert "Password changed" in team.get("/account?changed=true").text  # still signed in
        assert other_device.get("/", follow_redirects=False).status_code == 303  # ended there
    services.authenticate(accounts, "ada", "a new long passphrase")


def test_an_instructor_opens_a_learner_s_attempts_read_only(
    team: TestClient, accounts: Context
) -> None:
    ada = as_learner(accounts, "ada")
    exam = services.start_exam(ada, questions=4, seed=1)
    services.answer(ada, exam.attempt, 1, exam.questions[0].options[0].key)
    services.submit(ada, exam.attempt)
    open_exam = services.start_exam(ada, questions=4, seed=2)
    sign_in(team, "ivy")
    listing = team.get("/cohort/learners/ada")
    assert listing.status_code == 200
    assert f'href="/cohort/learners/ada/attempts/{exam.attempt}"' in listing.text
    assert f'href="/cohort/learners/ada/attempts/{open_exam.attempt}"' not in listing.text
    result = team.get(f"/cohort/learners/ada/attempts/{exam.attempt}?show=wrong")
    assert result.status_code == 200 and "read-only" in main_text(result.text)
    # An exam in progress is not submitted on the learner's behalf.
    assert team.get(f"/cohort/learners/ada/attempts/{open_exam.attempt}").status_code == 409
    assert services.get_attempt(ada, open_exam.attempt).status == "open"
    assert team.get("/cohort/learners/nobody").status_code == 404


def test_a_learner_cannot_open_another_learner_s_attempts(
    team: TestClient, accounts: Context
) -> None:
    bob = as_learner(accounts, "bob")
    exam = services.start_exam(bob, questions=4, seed=1)
    services.submit(bob, exam.attempt)
    sign_in(team, "ada")
    assert team.get("/cohort/learners/bob").status_code == 403
    assert team.get(f"/cohort/learners/bob/attempts/{exam.attempt}").status_code == 403
    assert team.get(f"/attempts/{exam.attempt}").status_code == 403
