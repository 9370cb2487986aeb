"""Team mode sign-in and sign-out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from examprep.errors import Forbidden
from examprep.services import Context
from examprep.web.pages import render, see_other
from examprep.web.sessions import COOKIE, Sessions

router = APIRouter()


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
def sign_in(
    request: Request,
    name: Annotated[str, Form(max_length=80)],
    password: Annotated[str, Form(max_length=1000)],
    next: Annotated[str, Form(max_length=500)] = "/",
) -> Response:
    """Check the password and start a new session (a new cookie, whatever was sent)."""
    from examprep.services import authenticate

    sessions = _sessions(request)
    if sessions is None:
        return see_other("/")
    base: Context = request.app.state.context
    try:
        account = authenticate(base, name.strip().lower(), password)
    except Forbidden as exc:
        page = SignInPage(safe_next(next), name, str(exc))
        return render(request, "login.html", page, "Sign in", 403)
    response = see_other(safe_next(next))
    sessions.start(response, request, account.name, account.stamp)
    return response


@router.post("/logout")
def sign_out() -> Response:
    """End the session on this browser."""
    response = see_other("/login")
    response.delete_cookie(COOKIE, path="/")
    return response
