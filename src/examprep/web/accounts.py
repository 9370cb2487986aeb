"""Team mode sign-in and sign-out."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from examprep.errors import Forbidden, InvalidInput
from examprep.services import (
    Context,
    authenticate,
    change_password,
    end_session,
    end_sessions,
    start_session,
)
from examprep.web.pages import Ctx, render, see_other
from examprep.web.sessions import Sessions

router = APIRouter()

# Each sign-in checks an argon2 hash (19 MiB, tens of milliseconds): at most this many at once per
# process, so a flood of sign-ins can neither exhaust memory nor starve the learners' pages.
SIGN_IN_SLOTS = 2
SIGN_IN_WAIT_SECONDS = 3.0  # then 429: the server is busy signing others in
BUSY = "Too many people are signing in at this moment; try again in a few seconds."


class SignInBusy(Exception):
    """No sign-in slot became free in time."""


class SignInGate:
    """A bounded number of concurrent sign-ins; waiting holds no worker thread."""

    def __init__(self, slots: int = SIGN_IN_SLOTS, wait: float = SIGN_IN_WAIT_SECONDS) -> None:
        import anyio

        self._slots = anyio.Semaphore(slots)
        self._wait = wait

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        import anyio

        with anyio.move_on_after(self._wait) as waiting:
            await self._slots.acquire()
        if waiting.cancelled_caught:
            raise SignInBusy
        try:
            yield
        finally:
            self._slots.release()


@dataclass(frozen=True)
class SignInPage:
    next: str
    name: str = ""
    error: str | None = None


def safe_next(target: str) -> str:
    """Only a path on this site: never another site (an open redirect) or a scheme."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _sessions(request: Request) -> Sessions | None:
    sessions: Sessions | None = request.app.state.sessions
    return sessions


@router.get("/login", response_class=HTMLResponse)
def show_sign_in(request: Request, next: Annotated[str, Query(max_length=500)] = "/") -> Response:
    """The sign-in form (local mode has no accounts: straight on)."""
    if _sessions(request) is None:
        return see_other("/")
    return render(request, "login.html", SignInPage(safe_next(next)), "Sign in")


@router.post("/login")
async def sign_in(
    request: Request,
    name: Annotated[str, Form(max_length=80)],
    password: Annotated[str, Form(max_length=1000)],
    next: Annotated[str, Form(max_length=500)] = "/",
) -> Response:
    """Check the password and start a new session (a new cookie, whatever was sent)."""
    sessions = _sessions(request)
    if sessions is None:
        return see_other("/")
    base: Context = request.app.state.context
    gate: SignInGate = request.app.state.sign_in_gate
    address = request.client.host if request.client else None
    try:
        async with gate.slot():
            account = await run_in_threadpool(
                authenticate, base, name.strip().lower(), password, address
            )
            token = await run_in_threadpool(start_session, base, account.name)
    except SignInBusy:
        page = SignInPage(safe_next(next), name, BUSY)
        busy = render(request, "login.html", page, "Sign in", 429)
        busy.headers["Retry-After"] = "5"
        return busy
    except Forbidden as exc:
        page = SignInPage(safe_next(next), name, str(exc))
        return render(request, "login.html", page, "Sign in", 403)
    response = see_other(safe_next(next))
    sessions.set_cookie(response, request, token)
    return response


@router.post("/logout")
def sign_out(
    request: Request, ctx: Ctx, everywhere: Annotated[str, Form(max_length=10)] = ""
) -> Response:
    """End this session (or, with `everywhere`, every session of the learner) for good."""
    sessions = _sessions(request)
    if sessions is None:
        return see_other("/")
    base: Context = request.app.state.context
    if everywhere:
        end_sessions(base, ctx.learner)
    else:
        end_session(base, request.state.session_token)
    response = see_other("/login")
    sessions.clear(response)
    return response


@dataclass(frozen=True)
class PasswordPage:
    error: str | None = None
    changed: bool = False


@router.get("/account", response_class=HTMLResponse)
def show_account(request: Request, ctx: Ctx, changed: Annotated[bool, Query()] = False) -> Response:
    """The learner's own password form (team mode; local mode has no accounts)."""
    if _sessions(request) is None:
        return see_other("/config")
    return render(request, "account.html", PasswordPage(changed=changed), "Your account")


@router.post("/account")
async def change_own_password(
    request: Request,
    ctx: Ctx,
    current: Annotated[str, Form(max_length=1000)],
    new: Annotated[str, Form(max_length=1000)],
    again: Annotated[str, Form(max_length=1000)],
) -> Response:
    """Check the current password, set the new one, end every other session, stay signed in."""
    sessions = _sessions(request)
    if sessions is None:
        return see_other("/config")
    if new != again:
        page = PasswordPage("the two new passwords differ; type the same one twice")
        return render(request, "account.html", page, "Your account", 400)
    address = request.client.host if request.client else None
    try:
        async with request.app.state.sign_in_gate.slot():
            await run_in_threadpool(change_password, ctx, current, new, address)
            token = await run_in_threadpool(start_session, ctx, ctx.learner)
    except SignInBusy:
        return render(request, "account.html", PasswordPage(BUSY), "Your account", 429)
    except Forbidden:
        page = PasswordPage("the current password is not right")
        return render(request, "account.html", page, "Your account", 403)
    except InvalidInput as exc:
        return render(request, "account.html", PasswordPage(str(exc)), "Your account", 400)
    response = see_other("/account?changed=true")
    sessions.set_cookie(response, request, token)
    return response
