"""``Idempotency-Key`` on POST: the first response is stored for 24 h and replayed.

The key is scoped to the caller (user or API key), so two clients cannot collide. The same key
with a different request body is a 409, and so is a retry while the first request still runs.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta

from sqlalchemy import DateTime, Integer, LargeBinary, String, delete
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.orm import Mapped, mapped_column
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from crm.core.db import Base, Database, utcnow
from crm.core.errors import problem_response
from crm.core.security import decode_access_token, hash_token

MAX_KEY_LENGTH = 255
# Visible ASCII only: the key is stored and compared as text, and a control character in it
# would make it a different key to every layer that strips or refuses one.
_VALID_KEY = re.compile(rf"[\x21-\x7e]{{1,{MAX_KEY_LENGTH}}}")
# Responses here carry credentials (tokens): never keep a copy of them.
_NOT_STORED_PREFIX = "/api/v1/auth/"


class IdempotencyRecord(Base):
    __tablename__ = "idempotency_keys"

    subject: Mapped[str] = mapped_column(String(100), primary_key=True)
    key: Mapped[str] = mapped_column(String(MAX_KEY_LENGTH), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None] = mapped_column(Integer)
    response_headers: Mapped[list[list[str]] | None] = mapped_column(JSONB)
    response_body: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )


def _headers(scope: Scope) -> dict[bytes, bytes]:
    return dict(scope.get("headers", ()))


def caller_subject(headers: dict[bytes, bytes]) -> str | None:
    """Who is calling, stable across access-token renewals; None when unauthenticated."""
    auth = headers.get(b"authorization", b"").decode("latin-1")
    if auth.lower().startswith("bearer "):
        claims = decode_access_token(auth[7:].strip())
        return f"user:{claims.user_id}" if claims else None
    api_key = headers.get(b"x-api-key")
    if api_key:
        return "key:" + hash_token(api_key.decode("latin-1"))[:32]
    return None


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp, database: Database, ttl_seconds: int) -> None:
        self.app = app
        self.database = database
        self.ttl = timedelta(seconds=ttl_seconds)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = _headers(scope)
        raw_key = headers.get(b"idempotency-key")
        if (
            scope["type"] != "http"
            or scope["method"] != "POST"
            or raw_key is None
            or scope["path"].startswith(_NOT_STORED_PREFIX)
        ):
            await self.app(scope, receive, send)
            return
        key = raw_key.decode("latin-1").strip()
        if not _VALID_KEY.fullmatch(key):
            msg = (
                f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} visible ASCII characters "
                "(no spaces or control characters)."
            )
            await problem_response(
                400,
                msg,
                errors=[{"loc": ["header", "Idempotency-Key"], "msg": msg, "type": "value_error"}],
                instance=scope["path"],
            )(scope, receive, send)
            return
        subject = caller_subject(headers)
        if subject is None:  # unauthenticated: let the endpoint answer 401
            await self.app(scope, receive, send)
            return

        body = await self._read_body(receive)
        digest = hashlib.sha256(
            b"\n".join([scope["path"].encode(), scope.get("query_string", b""), body])
        ).hexdigest()

        claimed = await self._claim(subject, key, digest)
        if not claimed:
            await self._answer_existing(scope, receive, send, subject, key, digest)
            return
        await self._run_and_store(scope, body, send, subject, key)

    async def _read_body(self, receive: Receive) -> bytes:
        chunks = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                return b"".join(chunks)

    async def _claim(self, subject: str, key: str, digest: str) -> bool:
        async with self.database.sessionmaker() as session:
            await session.execute(
                delete(IdempotencyRecord).where(
                    IdempotencyRecord.subject == subject,
                    IdempotencyRecord.key == key,
                    IdempotencyRecord.created_at < utcnow() - self.ttl,
                )
            )
            inserted = await session.execute(
                insert(IdempotencyRecord)
                .values(subject=subject, key=key, request_hash=digest, created_at=utcnow())
                .on_conflict_do_nothing()
                .returning(IdempotencyRecord.key)
            )
            claimed = inserted.first() is not None
            await session.commit()
            return claimed

    async def _answer_existing(
        self, scope: Scope, receive: Receive, send: Send, subject: str, key: str, digest: str
    ) -> None:
        async with self.database.sessionmaker() as session:
            record = await session.get(IdempotencyRecord, (subject, key))
        if record is None or record.request_hash != digest:
            response = problem_response(
                409, "This Idempotency-Key was already used with a different request."
            )
        elif record.status_code is None:
            response = problem_response(
                409,
                "A request with this Idempotency-Key is still being processed; retry later.",
                headers={"Retry-After": "1"},
            )
        else:
            await send(
                {
                    "type": "http.response.start",
                    "status": record.status_code,
                    "headers": [
                        *[
                            (k.encode("latin-1"), v.encode("latin-1"))
                            for k, v in record.response_headers or []
                        ],
                        (b"idempotent-replayed", b"true"),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": record.response_body or b""})
            return
        await response(scope, receive, send)

    async def _run_and_store(
        self, scope: Scope, body: bytes, send: Send, subject: str, key: str
    ) -> None:
        delivered = False

        async def replay_receive() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return {"type": "http.disconnect"}

        status = 500
        stored_headers: list[list[str]] = []
        chunks: list[bytes] = []

        async def capture_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                stored_headers.extend(
                    [k.decode("latin-1"), v.decode("latin-1")]
                    for k, v in message.get("headers", [])
                    if k.lower() not in (b"x-request-id", b"content-length")
                )
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, replay_receive, capture_send)
        finally:
            await self._store(subject, key, status, stored_headers, b"".join(chunks))

    async def _store(
        self, subject: str, key: str, status: int, headers: list[list[str]], body: bytes
    ) -> None:
        async with self.database.sessionmaker() as session:
            record = await session.get(IdempotencyRecord, (subject, key))
            if record is not None:
                # Server errors are not final: forget the key so the client may retry. A 401
                # means the credentials behind `subject` were never valid (an unchecked API
                # key): keeping a record would let anyone fill the table.
                if status >= 500 or status == 401:
                    await session.delete(record)
                else:
                    record.status_code = status
                    record.response_headers = headers
                    record.response_body = body
            await session.commit()


async def purge_expired(database: Database, ttl_seconds: int) -> int:
    async with database.sessionmaker() as session:
        result = await session.execute(
            delete(IdempotencyRecord).where(
                IdempotencyRecord.created_at < utcnow() - timedelta(seconds=ttl_seconds)
            )
        )
        await session.commit()
        return int(getattr(result, "rowcount", 0) or 0)
