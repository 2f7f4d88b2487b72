"""Passwords (argon2id), opaque bearer tokens, login rate limiting, principal resolution."""

from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from backend.audit import service as audit
from backend.auth.models import ROLES, ApiToken, LoginFailure, User
from backend.context import Principal
from backend.db.base import utcnow
from backend.db.tenancy import TenantScope, scope_for
from backend.errors import NotFound
from backend.organisations.models import Organisation
from backend.policy import Permission, Reach, can, reach

TOKEN_PREFIX = "rmt_"
_hasher = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """Verified against when the e-mail is unknown, so timing does not reveal which
    users exist. Computed on first use, not at import (start-up stays fast)."""
    return _hasher.hash("rammetal-dummy-password")


class AuthError(Exception):
    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


class TooManyAttempts(AuthError):
    def __init__(self, retry_after: int) -> None:
        super().__init__(
            "for_mange_loginforsoeg",
            "For mange mislykkede loginforsøg. Prøv igen om lidt.",
        )
        self.retry_after = retry_after


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _verify(password_hash: str | None, password: str) -> bool:
    try:
        return (
            _hasher.verify(password_hash or _dummy_hash(), password) and password_hash is not None
        )
    except (VerificationError, InvalidHashError):
        return False


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_user(
    session: Session,
    *,
    email: str,
    navn: str,
    role: str,
    organisation: Organisation,
    password: str | None,
) -> User:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
    user = User(
        email=email.strip().lower(),
        navn=navn,
        role=role,
        organisation=organisation,
        password_hash=hash_password(password) if password else None,
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        org_id=organisation.id,
        action="create",
        entity="app_user",
        entity_id=str(user.id),
        after={"email": user.email, "role": role, "navn": navn},
    )
    return user


def issue_token(
    session: Session, user: User, *, navn: str, ttl_days: int | None
) -> tuple[ApiToken, str]:
    """Create a token; the plain token is returned once and never stored."""
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires = utcnow() + timedelta(days=ttl_days) if ttl_days else None
    token = ApiToken(
        user=user, token_hash=token_hash(plain), prefix=plain[:10], navn=navn, expires_at=expires
    )
    session.add(token)
    session.flush()
    audit.record(
        session,
        org_id=user.organisation_id,
        action="issue",
        entity="api_token",
        entity_id=str(token.id),
        after={"user": user.email, "navn": navn, "prefix": token.prefix},
    )
    return token, plain


def login(
    session: Session,
    *,
    email: str,
    password: str,
    remote_addr: str | None,
    max_failures: int,
    window_seconds: int,
    ttl_days: int,
) -> tuple[ApiToken, str]:
    user = check_login(
        session,
        email=email,
        password=password,
        remote_addr=remote_addr,
        max_failures=max_failures,
        window_seconds=window_seconds,
    )
    return issue_token(session, user, navn="login", ttl_days=ttl_days)


def check_login(
    session: Session,
    *,
    email: str,
    password: str,
    remote_addr: str | None,
    max_failures: int,
    window_seconds: int,
) -> User:
    """The active user with this e-mail and password: the one rate limit of the API login
    and the browser login.

    Failures are counted per e-mail *and* client address in a sliding window: whoever
    guesses a municipality officer's password from elsewhere locks out only their own
    address, and the officer still logs in from theirs."""
    key = email.strip().lower()
    address = (remote_addr or "")[:64] or None
    since = utcnow() - timedelta(seconds=window_seconds)
    same_address = (
        LoginFailure.remote_addr.is_(None)
        if address is None
        else LoginFailure.remote_addr == address
    )
    failures = (
        session.scalar(
            sa.select(sa.func.count())
            .select_from(LoginFailure)
            .where(LoginFailure.email_key == key, same_address, LoginFailure.at >= since)
        )
        or 0
    )
    if failures >= max_failures:
        raise TooManyAttempts(retry_after=window_seconds)
    user = session.scalar(sa.select(User).where(User.email == key))
    ok = _verify(user.password_hash if user else None, password)
    if not ok or user is None or not user.active:
        session.add(LoginFailure(email_key=key, remote_addr=address))
        session.info["keep_on_error"] = True  # the failure must count although we answer 401
        raise AuthError("forkert_login", "Forkert e-mail eller adgangskode.")
    return user


def session_nonce(user: User) -> str:
    """What a browser session stores beside the user id: it changes when the password
    does, or the user logs out (:func:`end_sessions`), which ends the user's open browser
    sessions."""
    text = f"{user.id}:{user.session_version}:{user.password_hash or ''}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def end_sessions(session: Session, user_id: int) -> None:
    """End every browser session of the user on the server ("Log ud"): a cookie that
    began before no longer matches :func:`session_nonce`."""
    session.execute(
        sa.update(User)
        .where(User.id == user_id)
        .values(session_version=User.session_version + 1)
        .execution_options(synchronize_session=False)
    )


def principal_for_session(session: Session, user_id: int, nonce: str) -> Principal | None:
    """The principal of a browser session, or None if the user is gone, deactivated or
    has changed password since the session began. Same Principal as a bearer token's."""
    user = session.get(User, user_id)
    if user is None or not user.active:
        return None
    if not secrets.compare_digest(session_nonce(user), nonce):
        return None
    org = user.organisation
    return Principal(
        user_id=user.id,
        email=user.email,
        role=user.role,
        org_id=org.id,
        org_kode=org.kode,
        org_type=org.type,
        rammeaftale_id=org.rammeaftale_id,
    )


def _principal_query() -> sa.Select[Any]:
    token, user, org = ApiToken.__table__, User.__table__, Organisation.__table__
    return (
        sa.select(
            token.c.id,
            token.c.expires_at,
            token.c.last_used_at,
            user.c.id,
            user.c.email,
            user.c.role,
            org.c.id,
            org.c.kode,
            org.c.type,
            org.c.rammeaftale_id,
        )
        .join(user, user.c.id == token.c.user_id)
        .join(org, org.c.id == user.c.organisation_id)
        .where(
            token.c.token_hash == sa.bindparam("token_hash"),
            token.c.revoked_at.is_(None),
            user.c.active.is_(True),
        )
    )


_PRINCIPAL_QUERY = _principal_query()


#: ``session.info`` key of a token whose last-use stamp was left to the caller.
PENDING_STAMP = "rammetal.pending_last_use"


def stamp_last_use(connection: sa.Connection, token_id: int) -> None:
    connection.execute(
        sa.update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=utcnow())
    )


def authenticate(session: Session, plain: str, *, stamp: bool = True) -> Principal | None:
    """The principal of a bearer token, or None if it is unknown, revoked, expired or its
    user is deactivated.

    One indexed look-up (token ⋈ user ⋈ organisation) per request, on the connection:
    these are platform tables (no tenant criteria to add) and no ORM objects are needed.
    Without ``stamp`` a due last-use stamp is not written but left in
    ``session.info[PENDING_STAMP]`` (a read on SQLite must not take the write lock for it).
    """
    now = utcnow()
    connection = session.connection()
    row = connection.execute(_PRINCIPAL_QUERY, {"token_hash": token_hash(plain)}).first()
    if row is None:
        return None
    (
        token_id,
        expires_at,
        last_used_at,
        user_id,
        email,
        role,
        org_id,
        kode,
        org_type,
        rammeaftale_id,
    ) = row
    if expires_at is not None and expires_at <= now:
        return None
    # Coarse last-use stamp: one write a minute at most, not one per request.
    if last_used_at is None or now - last_used_at > timedelta(minutes=1):
        if stamp:
            stamp_last_use(connection, token_id)
        else:
            session.info[PENDING_STAMP] = token_id
    return Principal(
        user_id=user_id,
        email=email,
        role=role,
        org_id=org_id,
        org_kode=kode,
        org_type=org_type,
        rammeaftale_id=rammeaftale_id,
        token_id=token_id,
    )


def revocable_token(session: Session, principal: Principal, token_id: int) -> ApiToken:
    """A token ``principal`` may revoke: its own, or anyone's for the platform admin
    (404 otherwise, as if absent)."""
    token = get_token(session, token_id)
    if token is None or (
        token.user_id != principal.user_id and not can(principal, Permission.ADMINISTER_PLATFORM)
    ):
        raise NotFound("Tokenet findes ikke.", code="token_findes_ikke")
    return token


def revoke_token(session: Session, token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record(
            session,
            org_id=token.user.organisation_id,
            action="revoke",
            entity="api_token",
            entity_id=str(token.id),
            after={"revoked_at": token.revoked_at.isoformat()},
        )


def list_tokens(session: Session, user_id: int) -> list[ApiToken]:
    return list(
        session.scalars(
            sa.select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id)
        )
    )


def get_token(session: Session, token_id: int) -> ApiToken | None:
    return session.get(ApiToken, token_id)


def principal_scope(session: Session, principal: Principal) -> TenantScope:
    """The tenant scope of an authenticated principal (:func:`~backend.db.tenancy.scope_for`),
    with its rammeaftale's organisations read for the secretariat."""
    members: list[int] = []
    if reach(principal) is Reach.AGREEMENT:
        members = list(
            session.scalars(
                sa.select(Organisation.id).where(
                    Organisation.rammeaftale_id == principal.rammeaftale_id
                )
            )
        )
    return scope_for(principal, members)


def describe(session: Session, principal: Principal, scope: TenantScope) -> dict[str, object]:
    """What ``/me`` shows: the user, its organisation, role and readable organisations."""
    user = session.get(User, principal.user_id)
    codes = session.scalars(
        sa.select(Organisation.kode)
        .where(Organisation.id.in_(sorted(scope.readable)))
        .order_by(Organisation.kode)
    )
    return {
        "id": principal.user_id,
        "email": principal.email,
        "navn": user.navn if user else principal.email,
        "role": principal.role,
        "organisation": session.get(Organisation, principal.org_id),
        "laeseadgang": list(codes),
    }


def set_reminders(session: Session, principal: Principal, on: bool) -> User:
    """Turn the principal's own reminder mails on or off (audited); nobody else's."""
    user = session.get_one(User, principal.user_id)
    if user.paamindelser != on:
        before = {"paamindelser": user.paamindelser}
        user.paamindelser = on
        session.flush()
        audit.record(
            session,
            org_id=user.organisation_id,
            action="update",
            entity="app_user",
            entity_id=str(user.id),
            before=before,
            after={"paamindelser": on},
        )
    return user
