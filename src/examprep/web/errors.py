"""Expected failures as pages: each services error kind maps to one HTTP status.

Every 5xx is logged with its cause and a request id; the page shows the id, never the cause
(a database error names the server, port, user and database).
"""

from __future__ import annotations

import logging
import secrets
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

LOG = logging.getLogger("examprep.web")
STATUS: dict[type[ExamprepError], tuple[int, str]] = {
    NotFound: (404, "Not found"),
    Forbidden: (403, "Not yours"),
    InvalidInput: (400, "That did not work"),
    Conflict: (409, "Not possible now"),
    DatabaseError: (503, "The database cannot be used"),
}
UNAVAILABLE = (
    "The database cannot be used right now. Try again in a moment; if it keeps happening, "
    "give the request id below to whoever runs this server."
)
BROKEN = (
    "Something went wrong on the server. Give the request id below to whoever runs this server."
)


@dataclass(frozen=True)
class ErrorPage:
    status: int
    heading: str
    message: str
    request_id: str = ""  # shown on 5xx pages: it finds the cause in the server log


def assign_request_id(request: Request) -> str:
    """This request's id (new on first use), for the log and the error page."""
    request_id: str | None = getattr(request.state, "request_id", None)
    if request_id is None:
        request_id = secrets.token_hex(8)
        request.state.request_id = request_id
    return request_id


def error_response(request: Request, status: int, heading: str, message: str) -> HTMLResponse:
    request_id = assign_request_id(request) if status >= 500 else ""
    page = ErrorPage(status, heading, message, request_id)
    response = render(request, "error.html", page, heading, status)
    if request_id:
        response.headers["X-Request-Id"] = request_id
    return response


def _log_failure(request: Request, status: int, cause: BaseException) -> None:
    LOG.error(
        "%s %s answered %d (request id %s): %s",
        request.method,
        request.url.path,
        status,
        assign_request_id(request),
        str(cause) or type(cause).__name__,
        exc_info=None if isinstance(cause, ExamprepError) else cause,
    )


def _status_of(exc: ExamprepError) -> tuple[int, str]:
    for kind, answer in STATUS.items():
        if isinstance(exc, kind):
            return answer
    return 400, "That did not work"


async def _expected(request: Request, exc: Exception) -> HTMLResponse:
    assert isinstance(exc, ExamprepError)
    status, heading = _status_of(exc)
    if status >= 500:
        _log_failure(request, status, exc)
        return error_response(request, status, heading, UNAVAILABLE)
    return error_response(request, status, heading, str(exc))


async def _unexpected(request: Request, exc: Exception) -> HTMLResponse:
    """Anything else: a 500 page with the request id; the traceback goes to the log."""
    _log_failure(request, 500, exc)
    return error_response(request, 500, "Server error", BROKEN)


async def _invalid_request(request: Request, exc: Exception) -> HTMLResponse:
    assert isinstance(exc, RequestValidationError)
    problems = "; ".join(
        f"{'.'.join(str(part) for part in e['loc'][1:]) or 'request'}: {e['msg']}"
        for e in exc.errors()
    )
    return error_response(request, 422, "The form was not filled in right", problems)


async def _http(request: Request, exc: Exception) -> HTMLResponse:
    assert isinstance(exc, HTTPException)
    if exc.status_code >= 500:
        _log_failure(request, exc.status_code, exc)
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
    app.add_exception_handler(Exception, _unexpected)


def configure_logging() -> None:
    """Send examprep's web log (5xx causes with request ids) to standard error when served."""
    logger = logging.getLogger("examprep")
    if logger.handlers or logging.getLogger().handlers:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
