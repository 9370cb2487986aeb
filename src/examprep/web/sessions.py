"""Team mode sessions: signed HttpOnly cookies naming the learner, and CSRF tokens for forms."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import Request, Response

COOKIE = "examprep_session"
MAX_AGE_SECONDS = 12 * 3600


@dataclass(frozen=True)
class Session:
    learner: str
    stamp: str  # the account's password stamp when the session began
    nonce: str  # new at every sign-in, so a session can never be fixed in advance


class SignInRequired(Exception):
    """The request needs a signed-in learner (team mode)."""


class Sessions:
    """Signs and reads session cookies and derives each session's CSRF token."""

    def __init__(self, secret: str) -> None:
        from itsdangerous import URLSafeTimedSerializer

        self._cookies = URLSafeTimedSerializer(secret, salt="examprep-session")
        self._secret = secret.encode()

    def start(self, response: Response, request: Request, learner: str, stamp: str) -> None:
        """Set a fresh session cookie for `learner` on `response`."""
        value = self._cookies.dumps({"u": learner, "s": stamp, "n": secrets.token_urlsafe(16)})
        response.set_cookie(
            COOKIE,
            value,
            max_age=MAX_AGE_SECONDS,
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
            path="/",
        )

    def read(self, request: Request) -> Session | None:
        """The session the request's cookie carries, if it is ours, intact and not too old."""
        from itsdangerous import BadSignature

        raw = request.cookies.get(COOKIE)
        if not raw:
            return None
        try:
            data = self._cookies.loads(raw, max_age=MAX_AGE_SECONDS)
        except BadSignature:  # also covers an expired signature
            return None
        if not isinstance(data, dict) or not all(isinstance(data.get(k), str) for k in "usn"):
            return None
        return Session(data["u"], data["s"], data["n"])

    def csrf_token(self, session: Session) -> str:
        """The token every form of this session must send back."""
        return hmac.new(self._secret, f"csrf:{session.nonce}".encode(), "sha256").hexdigest()

    def csrf_ok(self, session: Session, token: str) -> bool:
        return hmac.compare_digest(self.csrf_token(session), token)
