"""Authentication: login with throttling, refresh-token rotation with reuse detection,
logout, and turning a request's credentials into a :class:`Principal`."""

from __future__ import annotations

import dataclasses
import ipaddress
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from fastapi import Request
from pydantic import IPvAnyNetwork
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from crm.core import redis, security
from crm.core.db import utcnow
from crm.core.errors import TooManyRequests
from crm.core.ids import new_id
from crm.core.permissions import Principal
from crm.identity import principal_cache
from crm.identity.models import ApiKey, LoginEvent, RefreshToken, User
from crm.identity.schemas import TokenPair
from crm.settings import get_settings

REFRESH_PREFIX = "rt_"
API_KEY_PREFIX = "crm_"
# Writing last_used_at on every request would turn each read into a write.
_API_KEY_TOUCH_INTERVAL = timedelta(minutes=1)


# --- throttling -------------------------------------------------------------------------------
# Failures are counted per account from one address and per address (OWASP): wrong passwords
# sent from elsewhere never lock the account's owner out, while each address that keeps failing
# waits longer and longer (doubling up to a cap) before it may try again. A counter is forgotten
# a window after its last failure.


@dataclass(frozen=True)
class _Throttle:
    key: str  # the failure counter; "<key>:wait" exists while the next attempt must wait
    free_failures: int


def client_address(request: Request) -> str | None:
    """The address the request came from. X-Forwarded-For is believed only from the proxies
    in ``trusted_proxies``: walking it from the nearest hop, the first address that is not one
    of them is the client (anything further left is the client's own say-so)."""
    peer = request.client.host if request.client else None
    trusted = get_settings().trusted_proxies
    if peer is None or not _is_trusted(peer, trusted):
        return peer
    forwarded = ",".join(request.headers.getlist("x-forwarded-for")).split(",")
    address = peer
    for hop in reversed([h.strip() for h in forwarded if h.strip()]):
        if not _is_ip(hop):
            break  # not written by a proxy of ours: keep the last address one of them vouched for
        address = hop
        if not _is_trusted(hop, trusted):
            break
    return address


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def _is_trusted(address: str, trusted: list[IPvAnyNetwork]) -> bool:
    if not trusted or not _is_ip(address):
        return False
    ip = ipaddress.ip_address(address)
    return any(ip in network for network in trusted)


def _throttles(email: str, ip: str | None) -> list[_Throttle]:
    s = get_settings()
    address = ip or "unknown"
    return [
        _Throttle(
            f"login-fail:acct-ip:{email}:{address}", s.login_max_failures_per_account_address
        ),
        _Throttle(f"login-fail:ip:{address}", s.login_max_failures_per_address),
    ]


def _delay_after(failures: int, free_failures: int) -> int:
    """Seconds the next attempt waits after ``failures`` (0 while within the free ones)."""
    s = get_settings()
    excess = failures - free_failures
    if excess < 0:
        return 0
    doublings = min(excess, 32)  # the cap is reached long before; keeps the number small
    return min(s.login_throttle_max_delay_seconds, s.login_throttle_base_delay_seconds << doublings)


async def ensure_not_throttled(email: str, ip: str | None) -> None:
    client = redis.client()
    waits = [await client.pttl(f"{t.key}:wait") for t in _throttles(email, ip)]
    wait_ms = max(waits)
    if wait_ms > 0:
        raise TooManyRequests(
            "Too many failed sign-in attempts. Try again later.",
            headers={"Retry-After": str(-(-wait_ms // 1000))},  # whole seconds, rounded up
        )


async def _count_failure(email: str, ip: str | None) -> None:
    client = redis.client()
    window = get_settings().login_failure_window_seconds
    for throttle in _throttles(email, ip):
        async with client.pipeline(transaction=True) as pipe:
            pipe.incr(throttle.key)
            pipe.expire(throttle.key, window)
            failures, _ = await pipe.execute()
        delay = _delay_after(int(failures), throttle.free_failures)
        if delay:
            await client.set(f"{throttle.key}:wait", 1, ex=delay)


async def _clear_account_failures(email: str, ip: str | None) -> None:
    account_address = _throttles(email, ip)[0].key
    await redis.client().delete(account_address, f"{account_address}:wait")


# --- tokens -----------------------------------------------------------------------------------


def _issue_refresh_token(session: AsyncSession, user_id: uuid.UUID, family_id: uuid.UUID) -> str:
    token = security.new_opaque_token(REFRESH_PREFIX)
    session.add(
        RefreshToken(
            user_id=user_id,
            family_id=family_id,
            token_hash=security.hash_token(token),
            expires_at=utcnow() + timedelta(seconds=get_settings().refresh_token_ttl_seconds),
        )
    )
    return token


def _token_pair(session: AsyncSession, user_id: uuid.UUID, family_id: uuid.UUID) -> TokenPair:
    access, ttl = security.create_access_token(user_id, family_id)
    refresh = _issue_refresh_token(session, user_id, family_id)
    return TokenPair(access_token=access, refresh_token=refresh, expires_in=ttl)


async def login(
    session: AsyncSession, *, email: str, password: str, ip: str | None
) -> TokenPair | None:
    """Tokens for valid credentials of an active user, else None (the caller answers 401).

    The failure path verifies against a dummy hash when the account does not exist, and the
    answer never says which part was wrong, so accounts cannot be enumerated.
    """
    email = email.strip().lower()
    await ensure_not_throttled(email, ip)
    user = (
        await session.execute(select(User).where(User.email == email, User.deleted_at.is_(None)))
    ).scalar_one_or_none()
    valid = security.verify_password(password, user.password_hash if user else None)
    if user is None or not valid or not user.is_active:
        await _count_failure(email, ip)
        reason = "unknown_user" if user is None else ("bad_password" if not valid else "inactive")
        session.add(
            LoginEvent(
                user_id=user.id if user else None,
                email=email[:320],  # the column's width: an absurd username is still a failure
                ip=ip,
                success=False,
                reason=reason,
            )
        )
        return None
    await _clear_account_failures(email, ip)
    # A statement, not an ORM change: a sign-in is no edit and must not bump the version an
    # administrator's pending change to this user was made against (that would be a false 412).
    await session.execute(update(User).where(User.id == user.id).values(last_login_at=utcnow()))
    session.add(LoginEvent(user_id=user.id, email=email, ip=ip, success=True))
    return _token_pair(session, user.id, new_id())


async def refresh(session: AsyncSession, *, refresh_token: str) -> TokenPair | None:
    """Rotate a refresh token. Presenting an already-rotated token revokes its whole family:
    either the client or a thief holds a copy, and we cannot tell which."""
    stored = (
        await session.execute(
            select(RefreshToken)
            .where(RefreshToken.token_hash == security.hash_token(refresh_token))
            .with_for_update()
        )
    ).scalar_one_or_none()
    now = utcnow()
    if stored is None or stored.revoked_at is not None or stored.expires_at <= now:
        return None
    if stored.used_at is not None:
        await revoke_family(session, stored.family_id)
        return None
    user = await session.get(User, stored.user_id)
    if user is None or not user.is_active or user.deleted_at is not None:
        await revoke_family(session, stored.family_id)
        return None
    stored.used_at = now
    return _token_pair(session, stored.user_id, stored.family_id)


async def revoke_family(session: AsyncSession, family_id: uuid.UUID) -> None:
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


async def logout(session: AsyncSession, *, refresh_token: str) -> None:
    stored = (
        await session.execute(
            select(RefreshToken).where(
                RefreshToken.token_hash == security.hash_token(refresh_token)
            )
        )
    ).scalar_one_or_none()
    if stored is not None:
        await revoke_family(session, stored.family_id)


async def revoke_user_sessions(session: AsyncSession, user_id: uuid.UUID) -> None:
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


# --- principals -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Credentials:
    user_id: uuid.UUID
    session_id: uuid.UUID | None = None  # bearer tokens: the login session they belong to
    api_key: ApiKey | None = None


async def _credentials(session: AsyncSession, request: Request) -> _Credentials | None:
    auth = request.headers.get("authorization", "")
    if auth[:7].lower() == "bearer ":
        claims = security.decode_access_token(auth[7:].strip())
        return _Credentials(claims.user_id, session_id=claims.session_id) if claims else None
    raw_key = request.headers.get("x-api-key")
    if not raw_key:
        return None
    key = (
        await session.execute(select(ApiKey).where(ApiKey.key_hash == security.hash_token(raw_key)))
    ).scalar_one_or_none()
    now = datetime.now(UTC)
    if key is None or key.revoked_at is not None or (key.expires_at and key.expires_at <= now):
        return None
    if key.last_used_at is None or now - key.last_used_at > _API_KEY_TOUCH_INTERVAL:
        key.last_used_at = now
    return _Credentials(key.user_id, api_key=key)


async def load_principal(session: AsyncSession, request: Request) -> Principal | None:
    creds = await _credentials(session, request)
    if creds is None:
        return None
    if creds.session_id is not None:
        return await principal_cache.principal_for_session(session, creds.user_id, creds.session_id)
    principal = await principal_cache.principal_for_user(session, creds.user_id)
    if principal is None or creds.api_key is None:
        return principal
    # An API key never exceeds its user's rights: it narrows them to the key's scopes.
    return dataclasses.replace(
        principal,
        permissions=principal.permissions & frozenset(creds.api_key.permissions),
        api_key_id=creds.api_key.id,
    )
