"""Expected failures as pages: each services error kind maps to one HTTP status."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, Response
from starlette.exceptions import HTTPException

from examprep.errors import (
    Conflict,
    DatabaseError,
    ExamprepError,
    Forbidden,
    InvalidInput,
    NotFound,
)
from examprep.web.pages import render, see_other
from examprep.web.sessions import SignInRequired

STATUS: dict[type[ExamprepError], tuple[int, str]] = {
    NotFound: (404, "Not found"),
    Forbidden: (403, "Not yours"),
    InvalidInput: (400, "That did not work"),
    Conflict: (409, "Not possible now"),
    DatabaseError: (503, "The database cannot be used"),
}


@dataclass(frozen=True)
class ErrorPage:
    status: int
    heading: str
    message: str


def error_response(request: Request, status: int, heading: str, message: str) -> HTMLResponse:
    return render(request, "error.html", ErrorPage(status, heading, message), heading, status)


def _status_of(exc: ExamprepError) -> tuple[int, str]:
    for kind, answer in STATUS.items():
        if isinstance(exc, kind):
            return answer
    return 400, "That did not work"


async def _expected(request: Request, exc: Exception) -> HTMLResponse:
    assert isinstance(exc, ExamprepError)
    status, heading = _status_of(exc)
    return error_response(request, status, heading, str(exc))


async def _invalid_request(request: Request, exc: Exception) -> HTMLResponse:
    assert isinstance(exc, RequestValidationError)
    problems = "; ".join(
        f"{'.'.join(str(part) for part in e['loc'][1:]) or 'request'}: {e['msg']}"
        for e in exc.errors()
    )
    return error_response(request, 422, "The form was not filled in right", problems)


async def _http(request: Request, exc: Exception) -> HTMLResponse:
    assert isinstance(exc, HTTPException)
    message = "There is no page at this address." if exc.status_code == 404 else str(exc.detail)
    return error_response(
        request, exc.status_code, "Not found" if exc.status_code == 404 else "Error", message
    )


async def _sign_in(request: Request, exc: Exception) -> Response:
    """Team mode without a valid session: to the sign-in page, then back here."""
    target = request.url.path if request.method == "GET" else "/"
    if request.url.query and request.method == "GET":
        target += f"?{request.url.query}"
    return see_other(f"/login?{urlencode({'next': target})}")


def install_error_pages(app: FastAPI) -> None:
    """Answer expected errors, bad forms and unknown addresses with a page saying what happened."""
    app.add_exception_handler(SignInRequired, _sign_in)
    app.add_exception_handler(ExamprepError, _expected)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(HTTPException, _http)
