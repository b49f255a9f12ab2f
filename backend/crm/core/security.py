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
        if claims.get("typ") != "access":
            return None
        return (
            AccessClaims(
                user_id=uuid.UUID(claims["sub"]),
                session_id=uuid.UUID(claims["sid"]),
                issued_at=datetime.fromtimestamp(int(claims["iat"]), UTC),
            ),
            int(claims["exp"]),
        )
    except (JWTError, KeyError, ValueError, TypeError):
        return None


def new_opaque_token(prefix: str = "") -> str:
    return prefix + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """Refresh tokens and API keys are stored as SHA-256: high entropy needs no slow hash."""
    return hashlib.sha256(token.encode()).hexdigest()


def constant_time_equals(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
