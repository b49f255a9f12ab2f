"""Which of the app's routes a path names, read from FastAPI's route table once per app.

Middleware runs before routing, so it asks here for what routing would find: the methods a
path allows (for 405 and OPTIONS answers) and the values of its path parameters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from fastapi.routing import iter_route_contexts
from starlette.routing import compile_path


@dataclass(frozen=True)
class _Route:
    pattern: re.Pattern[str]
    methods: frozenset[str]


class RouteTable:
    """The app's routes grouped by their first three path segments (``/api/v1/customers``),
    so that a lookup tries a few patterns, not all of them."""

    def __init__(self, app: Any) -> None:
        self._routes: dict[str, list[_Route]] = {}
        for context in iter_route_contexts(app.routes):
            path, methods = context.path, context.methods
            if not path or not methods or "{path:path}" in path:
                continue  # mounts and the SPA's catch-all are not API routes
            pattern, _, _ = compile_path(path)
            self._routes.setdefault(_group(path), []).append(_Route(pattern, frozenset(methods)))

    def matches(self, path: str) -> list[tuple[frozenset[str], dict[str, str]]]:
        """Per route whose pattern matches ``path``: its methods and path parameters."""
        found = []
        for route in self._routes.get(_group(path), ()):
            match = route.pattern.match(path)
            if match:
                found.append((route.methods, match.groupdict()))
        return found

    def allowed_methods(self, path: str) -> set[str]:
        return {method for methods, _ in self.matches(path) for method in methods}


def _group(path: str) -> str:
    # "/api/v1/customers/{id}" → "/api/v1/customers": the routes a path can match share it.
    return "/".join(path.split("/", 4)[:4])


def route_table(app: Any) -> RouteTable:
    """The table of ``app`` (built on first use: routes are all added by then)."""
    table = getattr(app.state, "route_table", None)
    if table is None:
        table = app.state.route_table = RouteTable(app)
    return table
