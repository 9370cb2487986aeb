"""Accounts for team mode: argon2 password hashes, roles, disabling, and sign-in limits."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from examprep.errors import Conflict, Forbidden, InvalidInput, NotFound
from examprep.services.context import Context
from examprep.store.accounts import all_learners, set_account
from examprep.store.learners import find_learner, get_or_create_learner, get_setting, put_setting

if TYPE_CHECKING:
    from argon2 import PasswordHasher
    from sqlalchemy.orm import Session

    from examprep.store.tables import LearnerRow

ROLES = ("learner", "instructor")
MIN_PASSWORD = 10
NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,79}")
MAX_FAILURES = 5  # wrong passwords in a row before sign-in pauses
LOCKOUT = dt.timedelta(minutes=15)
WRONG = "wrong name or password"


@dataclass(frozen=True)
class Account:
    name: str
    role: str
    disabled: bool
    has_password: bool
    stamp: str  # changes whenever the password changes: sessions signed before it end

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "role": self.role,
            "disabled": self.disabled,
            "has_password": self.has_password,
        }


@cache
def _hasher() -> PasswordHasher:
    return PasswordHasher()


def _account(row: LearnerRow) -> Account:
    stamp = hashlib.sha256((row.password_hash or "").encode()).hexdigest()[:16]
    return Account(row.name, row.role, row.disabled, row.password_hash is not None, stamp)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"a password needs at least {MIN_PASSWORD} characters")


def _row(session: Session, name: str) -> LearnerRow:
    row = find_learner(session, name)
    if row is None:
        raise NotFound(f"no user {name!r}")
    return row


def add_user(ctx: Context, name: str, password: str, role: str = "learner") -> Account:
    """Create an account (or give an existing password-less learner, such as the CLI's, one)."""
    if not NAME.fullmatch(name):
        raise InvalidInput(
            f"user name {name!r}: use 1-80 lower-case letters, digits, '.', '_' or '-'"
        )
    if role not in ROLES:
        raise InvalidInput(f"role {role!r}: choose {' or '.join(ROLES)}")
    _check_password(password)
    digest = _hasher().hash(password)
    with ctx.transaction() as session:
        existing = find_learner(session, name)
        if existing is not None and existing.password_hash is not None:
            raise Conflict(f"user {name!r} already exists; use `examprep user passwd {name}`")
        row = existing or get_or_create_learner(session, name, ctx.now())
        set_account(row, password_hash=digest, role=role, disabled=False)
        return _account(row)


def list_users(ctx: Context) -> list[Account]:
    """Every learner with their role and whether they can sign in."""
    with ctx.transaction() as session:
        return [_account(r) for r in all_learners(session)]


def find_account(ctx: Context, name: str) -> Account | None:
    """The account called `name`, if there is one."""
    with ctx.transaction() as session:
        row = find_learner(session, name)
        return _account(row) if row is not None else None


def disable_user(ctx: Context, name: str, disabled: bool = True) -> Account:
    """Stop (or with disabled=False, allow again) a user's sign-ins and sessions."""
    with ctx.transaction() as session:
        row = _row(session, name)
        set_account(row, disabled=disabled)
        return _account(row)


def set_password(ctx: Context, name: str, password: str) -> Account:
    """Give a user a new password; their existing sessions end."""
    _check_password(password)
    digest = _hasher().hash(password)
    with ctx.transaction() as session:
        row = _row(session, name)
        set_account(row, password_hash=digest)
        _forget_failures(session, row.id, ctx.now())
        return _account(row)


def authenticate(ctx: Context, name: str, password: str) -> Account:
    """The account if `password` is right; Forbidden otherwise, and for a while after 5 misses."""
    now = ctx.now()
    with ctx.transaction() as session:  # commits the failure count before the refusal below
        row = find_learner(session, name)
        if row is None or row.password_hash is None:
            _hasher().hash(password)  # spend the same time as a real check: no name probing
            refusal = WRONG
        else:
            refusal = _refusal(session, row, password, now)
            if not refusal:
                return _account(row)
    raise Forbidden(refusal)


def _refusal(session: Session, row: LearnerRow, password: str, now: dt.datetime) -> str:
    """Why this sign-in is refused ("" when it is not), counting a wrong password."""
    count, last = _failures(session, row.id)
    if count >= MAX_FAILURES and last is not None and now - last < LOCKOUT:
        minutes = max(1, math.ceil((LOCKOUT - (now - last)).total_seconds() / 60))
        return f"too many wrong passwords; try again in {minutes} minutes"
    if row.password_hash is None or not _verify(row.password_hash, password):
        _count_failure(session, row.id, now)
        return WRONG
    if row.disabled:
        return f"user {row.name!r} is disabled"
    _forget_failures(session, row.id, now)
    return ""


def _verify(digest: str, password: str) -> bool:
    try:
        return _hasher().verify(digest, password)
    except (VerificationError, InvalidHashError):
        return False


# Failures live in the database, so every server process sees the same count.
def _failures(session: Session, lid: int) -> tuple[int, dt.datetime | None]:
    value = get_setting(session, lid, "login_failures")
    if not isinstance(value, dict):
        return 0, None
    last = value.get("last")
    return int(value.get("count", 0)), dt.datetime.fromisoformat(last) if last else None


def _count_failure(session: Session, lid: int, now: dt.datetime) -> None:
    count, last = _failures(session, lid)
    if last is not None and now - last >= LOCKOUT:
        count = 0
    put_setting(session, lid, "login_failures", {"count": count + 1, "last": now.isoformat()}, now)


def _forget_failures(session: Session, lid: int, now: dt.datetime) -> None:
    put_setting(session, lid, "login_failures", None, now)
