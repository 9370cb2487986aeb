"""Team mode sessions: signed HttpOnly cookies carrying a session token, and CSRF tokens."""

from __future__ import annotations

import hmac
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import Request, Response

COOKIE = "examprep_session"
MAX_AGE_SECONDS = 12 * 3600  # the same as services.web_sessions.SESSION_LIFETIME


class SignInRequired(Exception):
    """The request needs a signed-in learner (team mode)."""


class Sessions:
    """Signs and reads session cookies and derives each session's CSRF token.

    The cookie only names a session; whether it is still live (not signed out, not expired, its
    account enabled) is decided by the session record in the database on every request.
    """

    def __init__(self, secret: str, *, secure: bool = False) -> None:
        from itsdangerous import URLSafeTimedSerializer

        self._cookies = URLSafeTimedSerializer(secret, salt="examprep-session")
        self._secret = secret.encode()
        self._secure = secure  # EXAMPREP_SECURE_COOKIES: TLS ends at a proxy on another host

    def set_cookie(self, response: Response, request: Request, token: str) -> None:
        """Give the browser the cookie of session `token`."""
        response.set_cookie(
            COOKIE,
            self._cookies.dumps(token),
            max_age=MAX_AGE_SECONDS,
            httponly=True,
            samesite="lax",
            secure=self._secure or request.url.scheme == "https",
            path="/",
        )

    def clear(self, response: Response) -> None:
        response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax", secure=self._secure)

    def token(self, request: Request) -> str | None:
        """The session token the request's cookie carries, if it is ours, intact and not too old."""
        from itsdangerous import BadSignature

        raw = request.cookies.get(COOKIE)
        if not raw:
            return None
        try:
            token = self._cookies.loads(raw, max_age=MAX_AGE_SECONDS)
        except BadSignature:  # also covers an expired signature
            return None
        return token if isinstance(token, str) and token else None

    def csrf_token(self, token: str) -> str:
        """The token every form of this session must send back."""
        return hmac.new(self._secret, f"csrf:{token}".encode(), "sha256").hexdigest()

    def csrf_ok(self, token: str, sent: str) -> bool:
        return hmac.compare_digest(self.csrf_token(token), sent)
