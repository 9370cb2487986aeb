"""Browser-side protections: loopback host names only, no cross-site posts, strict headers."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Awaitable, Callable, Iterable
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.responses import Response

from examprep.errors import InvalidInput
from examprep.web.errors import assign_request_id, error_response

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Local mode answers only to names of this computer: a page on another site that makes its own
# name resolve to 127.0.0.1 (DNS rebinding) must not read or change the learner's data. Exact
# names only, plus the address the server is bound to: never a prefix such as "127.".
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}
# C0 controls but tab, line feed and carriage return, and DEL: no text a learner types has them,
# and PostgreSQL cannot store NUL in text.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL_MESSAGE = "the request contains control characters; remove them and try again"


def is_cross_site(request: Request) -> bool:
    """True when a browser says the request comes from another site (a forged form post)."""
    if request.headers.get("sec-fetch-site") == "cross-site":
        return True
    origin = request.headers.get("origin")
    if origin is None:
        return False
    return origin == "null" or urlsplit(origin).netloc != request.headers.get("host", "")


def is_local_host(request: Request) -> bool:
    """True when the Host header names this computer exactly (any port)."""
    try:
        host = urlsplit(f"//{request.headers.get('host', '')}").hostname or ""
    except ValueError:  # a malformed Host header (an unclosed "[", ...)
        return False
    server = request.scope.get("server")
    bound = str(server[0]).lower() if server else ""
    return host in LOCAL_HOSTS or (bound != "" and host == bound)


def is_local_client(request: Request) -> bool:
    """False when the connection comes from another computer (local mode must not answer it)."""
    if request.client is None:
        return True
    try:
        return ipaddress.ip_address(request.client.host).is_loopback
    except ValueError:  # not an IP address: a Unix socket or an in-process test client
        return True


def has_control_characters(values: Iterable[str]) -> bool:
    return any(CONTROL.search(value) for value in values)


async def refuse_control_characters(request: Request) -> None:
    """A dependency of every route: form fields with control characters are a 400, not a 500."""
    if request.method in SAFE_METHODS:
        return
    form = await request.form()
    if has_control_characters(
        text for item in form.multi_items() for text in item if isinstance(text, str)
    ):
        raise InvalidInput(CONTROL_MESSAGE)


def _refusal(request: Request) -> Response | None:
    team = request.app.state.sessions is not None  # served to a network: any host name
    if not team and not (is_local_host(request) and is_local_client(request)):
        return error_response(
            request, 400, "Refused", "This address is served to this computer only."
        )
    query = (text for item in request.query_params.multi_items() for text in item)
    if has_control_characters([request.url.path]) or has_control_characters(query):
        return error_response(request, 400, "That did not work", CONTROL_MESSAGE)
    if request.method not in SAFE_METHODS and is_cross_site(request):
        return error_response(
            request, 403, "Refused", "This form was sent from another site; it was ignored."
        )
    return None


def install_origin_check(app: FastAPI) -> None:
    """Refuse foreign host names and cross-site posts; add security headers to every answer."""

    @app.middleware("http")
    async def _guard(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        request_id = assign_request_id(request)
        response = _refusal(request) or await call_next(request)
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if request.url.path.startswith("/static/") and "v" in request.query_params:
            # A hashed address (pages.asset): its content never changes.
            response.headers.setdefault("Cache-Control", "public, max-age=31536000, immutable")
        elif not request.url.path.startswith("/static/"):
            # Pages show a learner's own data: no browser or proxy cache may keep a copy.
            response.headers.setdefault("Cache-Control", "no-store")
        response.headers["X-Request-Id"] = request_id
        return response
