"""Team mode sessions kept in the database: a sign-out, anywhere, ends them for every server."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from examprep.errors import NotFound
from examprep.services.accounts import Account, to_account
from examprep.services.context import Context

SESSION_LIFETIME = dt.timedelta(hours=12)


def _key(token: str) -> str:
    """The stored form of a session token: a copy of the table signs nobody in."""
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(ctx: Context, learner: str) -> str:
    """A new session for `learner`; the token its cookie carries."""
    from examprep.store.learners import find_learner
    from examprep.store.web_sessions import add_session, delete_expired_sessions

    token = secrets.token_urlsafe(32)
    now = ctx.now()
    with ctx.transaction() as session:
        row = find_learner(session, learner)
        if row is None:
            raise NotFound(f"no user {learner!r}")
        delete_expired_sessions(session, now)
        add_session(session, _key(token), row.id, now, now + SESSION_LIFETIME)
    return token


def session_account(ctx: Context, token: str) -> Account | None:
    """The account of a live session: None once it ended, expired or its account is disabled."""
    from examprep.store.web_sessions import session_learner

    with ctx.transaction() as session:
        row = session_learner(session, _key(token), ctx.now())
        if row is None or row.disabled or row.password_hash is None:
            return None
        return to_account(row)


def end_session(ctx: Context, token: str) -> None:
    """Sign out one browser: its cookie no longer works, wherever it is replayed."""
    from examprep.store.web_sessions import delete_session

    with ctx.transaction() as session:
        delete_session(session, _key(token))


def end_sessions(ctx: Context, learner: str) -> int:
    """Sign `learner` out everywhere; how many sessions ended."""
    from examprep.store.learners import find_learner
    from examprep.store.web_sessions import delete_sessions

    with ctx.transaction() as session:
        row = find_learner(session, learner)
        return 0 if row is None else delete_sessions(session, row.id)
