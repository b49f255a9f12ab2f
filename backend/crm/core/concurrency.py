"""Optimistic concurrency: ``If-Match: "<version>"`` or ``version`` in the body → 412 when stale."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Header, Response

from crm.core.errors import PreconditionFailed, ProblemError


def _if_match(
    if_match: Annotated[str | None, Header(description='Expected version, e.g. "3"')] = None,
) -> int | None:
    if if_match is None or if_match.strip() == "*":
        return None
    raw = if_match.strip().removeprefix("W/").strip('"')
    if not raw.isdigit():
        raise ProblemError('If-Match must be a record version such as "3".', status=400)
    return int(raw)


IfMatchVersion = Annotated[int | None, Depends(_if_match)]


def check_version(obj: Any, *expected: int | None) -> None:
    """Refuse the write when the caller's version (header or body) is not the current one."""
    for version in expected:
        if version is not None and version != obj.version:
            raise PreconditionFailed(
                f"The record is at version {obj.version}, not {version}: someone changed it. "
                "Reload it and apply your change again.",
                extra={"current_version": obj.version},
            )


def set_etag(response: Response, obj: Any) -> None:
    response.headers["ETag"] = f'"{obj.version}"'
