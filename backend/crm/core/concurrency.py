"""Optimistic concurrency: ``If-Match: "<version>"`` or ``version`` in the body → 412 when stale."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import Depends, Header, Response

from crm.core.errors import PreconditionFailed, ProblemError

# What the server reads as a version (the ETag it sends is "<version>"); declared in the
# OpenAPI so a generated client knows it, and checked here with a 400 as before.
IF_MATCH_PATTERN = r'^\s*(\*|(W/)?"?[0-9]{1,18}"?)\s*$'
_IF_MATCH = re.compile(IF_MATCH_PATTERN)


def _if_match(
    if_match: Annotated[
        str | None,
        Header(
            description='Expected version, e.g. "3" (or W/"3"; * for any)',
            json_schema_extra={"pattern": IF_MATCH_PATTERN},
        ),
    ] = None,
) -> int | None:
    if if_match is None or if_match.strip() == "*":
        return None
    if not _IF_MATCH.fullmatch(if_match):
        raise ProblemError('If-Match must be a record version such as "3".', status=400)
    return int(if_match.strip().removeprefix("W/").strip('"'))


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
