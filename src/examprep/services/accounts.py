"""Accounts for team mode: argon2 password hashes, roles, disabling, and sign-in limits."""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import re
import secrets
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

from examprep.errors import Conflict, Forbidden, InvalidInput, NotFound
from examprep.services.context import Context
from examprep.store.accounts import all_learners, set_account
from examprep.store.learners import find_learner, get_or_create_learner
from examprep.store.sign_in_limits import forget, forget_expired, give_back, take_attempt
from examprep.store.web_sessions import delete_sessions

if TYPE_CHECKING:
    from argon2 import PasswordHasher
    from sqlalchemy.orm import Session

    from examprep.store.tables import LearnerRow


ROLES = ("learner", "instructor")
MIN_PASSWORD = 10
NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,79}")
MAX_FAILURES = 5  # sign-in attempts per account name in one window
ADDRESS_FAILURES = 30  # sign-in attempts per client address (IPv6: per /64) in one window
LOCKOUT = dt.timedelta(minutes=15)
# One message for every refusal: it must not tell whether a name exists, is disabled or paused.
WRONG = (
    f"wrong name or password (after {MAX_FAILURES} failed tries, sign-in pauses for "
    f"{LOCKOUT.seconds // 60} minutes)"
)
# Argon2id at the OWASP Password Storage Cheat Sheet's minimum for interactive sign-in:
# 19 MiB of memory, 2 passes, 1 lane (about 19 MiB and tens of milliseconds per check).
HASH_MEMORY_KIB = 19 * 1024
HASH_TIME_COST = 2
HASH_PARALLELISM = 1


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


def make_hasher() -> PasswordHasher:
    """The password hasher: Argon2id with the parameters above."""

    return PasswordHasher(
        time_cost=HASH_TIME_COST,
        memory_cost=HASH_MEMORY_KIB,
        parallelism=HASH_PARALLELISM,
        type=Type.ID,
    )


@cache
def _hasher() -> PasswordHasher:
    return make_hasher()


@cache
def _dummy_digest(hasher: PasswordHasher) -> str:
    """A hash no password matches, made like real ones: checking it costs the same."""
    return hasher.hash(secrets.token_urlsafe(32))


def to_account(row: LearnerRow) -> Account:
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
        return to_account(row)


def list_users(ctx: Context) -> list[Account]:
    """Every learner with their role and whether they can sign in."""
    with ctx.transaction() as session:
        return [to_account(r) for r in all_learners(session)]


def find_account(ctx: Context, name: str) -> Account | None:
    """The account called `name`, if there is one."""
    with ctx.transaction() as session:
        row = find_learner(session, name)
        return to_account(row) if row is not None else None


def disable_user(ctx: Context, name: str, disabled: bool = True) -> Account:
    """Stop (or with disabled=False, allow again) a user's sign-ins; disabling ends sessions."""

    with ctx.transaction() as session:
        row = _row(session, name)
        set_account(row, disabled=disabled)
        if disabled:
            delete_sessions(session, row.id)
        return to_account(row)


def set_password(ctx: Context, name: str, password: str) -> Account:
    """Give a user a new password; their existing sessions end and sign-in is no longer paused."""

    _check_password(password)
    digest = _hasher().hash(password)
    with ctx.transaction() as session:
        row = _row(session, name)
        set_account(row, password_hash=digest)
        delete_sessions(session, row.id)
        forget(session, account_key(name))
        return to_account(row)


def change_password(ctx: Context, current: str, new: str, address: str | None = None) -> Account:
    """The signed-in learner's own new password, given the current one (counted like a
    sign-in try); every session of the account ends, as with `set_password`."""
    _check_password(new)
    authenticate(ctx, ctx.learner, current, address)
    return set_password(ctx, ctx.learner, new)


def account_key(name: str) -> str:
    """The sign-in limit key of an account name (hashed: any text a client sends fits)."""
    return "account:" + hashlib.sha256(name.encode()).hexdigest()


def address_key(address: str) -> str:
    """The sign-in limit key of a client address; an IPv6 client counts by its /64."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "address:" + address[:80]
    if ip.version == 6:
        return f"address:{ipaddress.ip_network(f'{ip}/64', strict=False)}"
    return f"address:{ip}"


def authenticate(ctx: Context, name: str, password: str, address: str | None = None) -> Account:
    """The account if `password` is right; Forbidden, always with the same message, otherwise.

    Each try first takes one of the account's (and the client address's) attempts in the
    database, atomically; with none left it is refused without checking the password. Unknown
    names cost the same as known ones: a check against a dummy hash with the same parameters.
    """
    keys = [account_key(name)] + ([address_key(address)] if address is not None else [])
    digest, row_account = _take_attempts(ctx, keys, name)
    hasher = _hasher()
    right = _verify(digest or _dummy_digest(hasher), password)
    if not right or digest is None or row_account is None or row_account.disabled:
        raise Forbidden(WRONG)
    _signed_in(ctx, keys, name, digest, password)
    return row_account


class _NoAttemptsLeft(Exception):
    pass


def _take_attempts(ctx: Context, keys: list[str], name: str) -> tuple[str | None, Account | None]:
    """Count one attempt per key (all or none); the name's password hash and account."""

    now = ctx.now()
    try:
        with ctx.transaction() as session:
            for key in keys:
                limit = MAX_FAILURES if key.startswith("account:") else ADDRESS_FAILURES
                if not take_attempt(session, key, now, LOCKOUT, limit):
                    raise _NoAttemptsLeft  # rolls back the attempts taken before it
            row = find_learner(session, name)
            if row is None:
                return None, None
            return row.password_hash, to_account(row)
    except _NoAttemptsLeft:
        raise Forbidden(WRONG) from None


def _signed_in(ctx: Context, keys: list[str], name: str, digest: str, password: str) -> None:
    """A right password: the account starts afresh, the address gets its attempt back."""

    hasher = _hasher()
    # A hash made with older parameters is upgraded while the password is at hand.
    fresh = hasher.hash(password) if hasher.check_needs_rehash(digest) else None
    with ctx.transaction() as session:
        forget(session, keys[0])
        for key in keys[1:]:
            give_back(session, key)
        forget_expired(session, ctx.now(), LOCKOUT)
        row = find_learner(session, name)
        if fresh is not None and row is not None and row.password_hash == digest:
            set_account(row, password_hash=fresh)


def _verify(digest: str, password: str) -> bool:
    try:
        return _hasher().verify(digest, password)
    except (VerificationError, InvalidHashError):
        return False
