"""Browser-side protections: loopback host names only, no cross-site posts, strict headers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.responses import Response

from examprep.web.errors import error_response

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Local mode answers only to names of this computer: a page on another site that makes its own
# name resolve to 127.0.0.1 (DNS rebinding) must not read or change the learner's data.
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


def is_cross_site(request: Request) -> bool:
    """True when a browser says the request comes from another site (a forged form post)."""
    if request.headers.get("sec-fetch-site") == "cross-site":
        return True
    origin = request.headers.get("origin")
    if origin is None:
        return False
    return origin == "null" or urlsplit(origin).netloc != request.headers.get("host", "")


def is_local_host(request: Request) -> bool:
    """True when the Host header names this computer (any port)."""
    host = urlsplit(f"//{request.headers.get('host', '')}").hostname or ""
    return host in LOCAL_HOSTS or host.startswith("127.")


def install_origin_check(app: FastAPI) -> None:
    """Refuse foreign host names and cross-site posts; add security headers to every answer."""

    @app.middleware("http")
    async def _guard(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response: Response
        team = request.app.state.sessions is not None  # served to a network: any host name
        if not team and not is_local_host(request):
            response = error_response(
                request, 400, "Refused", "This address is served to this computer only."
            )
        elif request.method not in SAFE_METHODS and is_cross_site(request):
            response = error_response(
                request, 403, "Refused", "This form was sent from another site; it was ignored."
            )
        else:
            response = await call_next(request)
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response
