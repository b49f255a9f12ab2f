"""Passwords, tokens and keys. The only module that imports python-jose."""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeGuard

from jose import JWTError, jwt
from pwdlib import PasswordHash

from crm.settings import get_settings

_ALGORITHM = "HS256"
_password_hash = PasswordHash.recommended()  # argon2id
# Verified against when the account does not exist, so a failed login costs the same either way.
_DUMMY_HASH = _password_hash.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _password_hash.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    if password_hash is None:
        _password_hash.verify(password, _DUMMY_HASH)
        return False
    try:
        return _password_hash.verify(password, password_hash)
    except Exception:  # a malformed stored hash is a failed login, not a crash
        return False


@dataclass(frozen=True)
class AccessClaims:
    user_id: uuid.UUID
    # The login session (refresh-token family) the token was issued to: revoking the session
    # (logout, refresh-token reuse, password change, deactivation) ends the token at once.
    session_id: uuid.UUID
    issued_at: datetime


def create_access_token(user_id: uuid.UUID, session_id: uuid.UUID) -> tuple[str, int]:
    settings = get_settings()
    now = datetime.now(UTC)
    ttl = settings.access_token_ttl_seconds
    claims = {
        "sub": str(user_id),
        "sid": str(session_id),
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(seconds=ttl)).timestamp()),
        "typ": "access",
        "jti": secrets.token_hex(8),
    }
    return jwt.encode(claims, settings.resolved_secret_key(), algorithm=_ALGORITHM), ttl


def decode_access_token(token: str) -> AccessClaims | None:
    """The claims of a valid, unexpired access token, or None for anything else."""
    verified = _verified_claims(token, get_settings().resolved_secret_key())
    if verified is None:
        return None
    claims, expires_at = verified
    return claims if time.time() < expires_at else None


# A client sends the same access token with every request for its lifetime: verifying its
# signature once per process is enough (a token string never changes meaning under one key).
# The expiry is still checked on every use, above.
@functools.lru_cache(maxsize=4096)
def _verified_claims(token: str, key: str) -> tuple[AccessClaims, int] | None:
    try:
        claims = jwt.decode(token, key, algorithms=[_ALGORITHM])
    # python-jose's own time checks run int() on the claims: 1e400 or Infinity overflow.
    except (JWTError, ArithmeticError, TypeError, ValueError):
        return None
    return _access_claims(claims)


# A token is signed by us, so a claim of the wrong shape is a forgery or a bug: refused, never
# parsed leniently (and never allowed to crash the request).
_CLOCK_SKEW_SECONDS = 60
_LATEST_TIMESTAMP = 253_402_300_799  # 9999-12-31T23:59:59Z, the last second datetime can hold


def _access_claims(claims: dict[str, Any]) -> tuple[AccessClaims, int] | None:
    issued_at, expires_at = claims.get("iat"), claims.get("exp")
    user_id, session_id = _uuid(claims.get("sub")), _uuid(claims.get("sid"))
    if (
        claims.get("typ") != "access"
        or user_id is None
        or session_id is None
        or not _is_timestamp(issued_at)
        or not _is_timestamp(expires_at)
    ):
        return None
    # No token we issue lives longer than the configured lifetime or was issued in the future.
    lifetime = expires_at - issued_at
    if not 0 < lifetime <= get_settings().access_token_ttl_seconds:
        return None
    if issued_at > time.time() + _CLOCK_SKEW_SECONDS:
        return None
    return (
        AccessClaims(
            user_id=user_id,
            session_id=session_id,
            issued_at=datetime.fromtimestamp(issued_at, UTC),
        ),
        expires_at,
    )


def _is_timestamp(value: object) -> TypeGuard[int]:
    return type(value) is int and 0 <= value <= _LATEST_TIMESTAMP


def _uuid(value: object) -> uuid.UUID | None:
    if not isinstance(value, str):
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def new_opaque_token(prefix: str = "") -> str:
    return prefix + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """Refresh tokens and API keys are stored as SHA-256: high entropy needs no slow hash."""
    return hashlib.sha256(token.encode()).hexdigest()


def constant_time_equals(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
