"""The authorization matrix harness: every API route x every built-in role (and anonymous).

How a domain plugs in
---------------------
Create ``tests/authz/routes_<domain>.py`` (every ``routes_*`` module here is loaded
automatically) and declare each route of the domain with :func:`route` on an async *request
builder*. The builder gets the :class:`~authz.world.World`, the calling actor and the actor who
should own the target record, creates whatever real records the call needs (through
``World`` helpers, or functions in the domain's own routes file for a new kind of record) and
returns the :class:`Call`, with path parameters filled in and a valid body, so that "allowed"
really means a 2xx::

    @route("PATCH", "/api/v1/deals/{deal_id}", requires="deals:write", record=owner_scope())
    async def _(w: World, caller: Actor, owner: Actor) -> Call:
        deal = await w.deal(owner)
        return Call("PATCH", f"/api/v1/deals/{deal['id']}", json={"title": "Renamed"})

``requires`` is the permission code the route demands (``None``: any signed-in user;
``public=True``: no sign-in at all). ``record`` says how the target record is scoped (the data
scope of its owner, or a custom visibility rule); routes with a record are also run for callers
whose data scope excludes it, who must get ``hidden_status`` (404, or 422 naming
``hidden_field`` when the record is referenced from the body). ``checked_in="handler"`` marks
routes whose permission is checked after the record is found (the recycle bin's restore), so
an out-of-scope caller gets 404 even without the permission. ``expect`` is a hand-written
table of critical outcomes per role; it must agree with what the catalogue grants, so a
mistake in a domain manifest's ``grants`` is caught.

List and search routes additionally declare a :func:`listing`: records of one kind are seeded
for owners in and out of each caller's scope, and every query must return exactly the visible
ones.

A route of the app under ``/api/v1`` without a declaration fails the matrix test.
"""

from __future__ import annotations

import enum
import importlib
import inspect
import pkgutil
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

import fastapi.routing
from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.routing import compile_path

from authz.world import ROLES, Actor, World, principal_permissions
from crm.core.permissions import current_principal

API_PREFIX = "/api/v1"


class Outcome(enum.Enum):
    ALLOWED = "allowed"  # the route's success status
    DENIED = "denied"  # 403 problem+json
    UNAUTHENTICATED = "unauthenticated"  # 401 problem+json
    HIDDEN = "hidden"  # out of the caller's data scope: 404 (or 422 for a body reference)


ALLOWED, DENIED, UNAUTHENTICATED, HIDDEN = (
    Outcome.ALLOWED,
    Outcome.DENIED,
    Outcome.UNAUTHENTICATED,
    Outcome.HIDDEN,
)


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    json: Any = None
    data: dict[str, str] | None = None
    files: dict[str, tuple[str, bytes, str]] | None = None  # multipart uploads
    params: dict[str, Any] | None = None
    headers: dict[str, str] | None = None


Builder = Callable[[World, Actor, Actor], Awaitable[Call]]
Visibility = Callable[[World, Actor, Actor], bool]  # (world, caller, owner) -> visible


def owner_scope(resource: str = "customers") -> Visibility:
    """The record is visible when the caller's data scope on ``resource`` covers its owner."""

    def visible(w: World, caller: Actor, owner: Actor) -> bool:
        return w.sees(caller, owner, resource)

    visible.__name__ = f"owner_scope_{resource}"
    return visible


@dataclass(frozen=True)
class RouteSpec:
    method: str
    path: str
    build: Builder
    requires: str | None = None
    public: bool = False
    record: Visibility | None = None
    checked_in: Literal["dependency", "handler"] = "dependency"
    hidden_status: int = 404
    hidden_field: str | None = None
    expect: dict[str | None, Outcome] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str]:
        return self.method, self.path

    def __repr__(self) -> str:
        return f"{self.method} {self.path}"


MATRIX: dict[tuple[str, str], RouteSpec] = {}


def route(
    method: str,
    path: str,
    *,
    requires: str | None = None,
    public: bool = False,
    record: Visibility | None = None,
    checked_in: Literal["dependency", "handler"] = "dependency",
    hidden_status: int = 404,
    hidden_field: str | None = None,
    expect: dict[str | None, Outcome] | None = None,
) -> Callable[[Builder], Builder]:
    """Declare ``method path`` in the matrix with the request builder it decorates."""

    def register(build: Builder) -> Builder:
        spec = RouteSpec(
            method=method,
            path=path,
            build=build,
            requires=requires,
            public=public,
            record=record,
            checked_in=checked_in,
            hidden_status=hidden_status,
            hidden_field=hidden_field,
            expect=dict(expect or {}),
        )
        assert spec.key not in MATRIX, f"{spec} is declared twice"
        assert not (public and requires), f"{spec}: a public route cannot require a permission"
        MATRIX[spec.key] = spec
        return build

    return register


@dataclass(frozen=True)
class Listing:
    """A collection route whose items must be exactly the caller's visible records."""

    path: str
    kind: str  # World.records kind the items are
    requires: str | None  # None: any signed-in user
    queries: tuple[dict[str, str], ...]
    seed: Callable[[World, Actor], Awaitable[None]]
    id_field: str = "id"
    visibility: Visibility = field(default_factory=owner_scope)


LISTINGS: list[Listing] = []


def listing(
    path: str,
    *,
    kind: str,
    requires: str | None,
    queries: tuple[dict[str, str], ...],
    id_field: str = "id",
    visibility: Visibility | None = None,
) -> Callable[[Callable[[World, Actor], Awaitable[None]]], Any]:
    """Declare a scoped collection. The decorated seeder creates records of ``kind`` owned by
    the given actor that match every one of ``queries``."""

    def register(seed: Callable[[World, Actor], Awaitable[None]]) -> Any:
        LISTINGS.append(
            Listing(path, kind, requires, queries, seed, id_field, visibility or owner_scope())
        )
        return seed

    return register


def load_declarations() -> None:
    """Import every ``authz.routes_*`` module (each registers its domain's routes)."""
    package = importlib.import_module("authz")
    for module in pkgutil.iter_modules(package.__path__):
        if module.name.startswith("routes_"):
            importlib.import_module(f"authz.{module.name}")


# --- the app's routes ---------------------------------------------------------------------------


def all_routes(app: FastAPI) -> dict[tuple[str, str], APIRoute]:
    """Every (method, path) of an APIRoute the app serves, from ``app.routes``.

    FastAPI >= 0.165 keeps included routers as branches in ``app.routes``;
    ``iter_route_contexts`` flattens them (older versions list APIRoute objects directly).
    """
    flatten = getattr(fastapi.routing, "iter_route_contexts", None)
    found: dict[tuple[str, str], APIRoute] = {}
    entries: Iterator[Any] = iter(flatten(app.routes) if flatten else app.routes)
    for entry in entries:
        api_route = getattr(entry, "original_route", entry)
        path = getattr(entry, "path", None)
        if isinstance(api_route, APIRoute) and path:
            for method in api_route.methods:
                found[(method, path)] = api_route
    return found


def api_routes(app: FastAPI) -> dict[tuple[str, str], APIRoute]:
    """The routes under /api/v1: the ones the matrix must cover."""
    return {key: r for key, r in all_routes(app).items() if key[1].startswith(API_PREFIX + "/")}


def success_status(api_route: APIRoute) -> int:
    return int(api_route.status_code or 200)


def declared_guards(api_route: APIRoute) -> tuple[bool, set[tuple[str, ...]]]:
    """(needs a signed-in principal, permission sets demanded through ``authorize(...)``),
    read from the route's dependency tree."""
    signed_in = False
    codes: set[tuple[str, ...]] = set()
    stack = list(api_route.dependant.dependencies)
    while stack:
        dep = stack.pop()
        stack.extend(dep.dependencies)
        call = dep.call
        if call is current_principal:
            signed_in = True
        if getattr(call, "__qualname__", "").startswith("authorize.<locals>."):
            codes.add(tuple(inspect.getclosurevars(call).nonlocals["codes"]))
    return signed_in, codes


# --- expected outcomes --------------------------------------------------------------------------


def expected(spec: RouteSpec, role: str | None) -> Outcome:
    """The outcome the catalogue implies for ``role`` (None: anonymous) on a record in scope."""
    return expected_with(spec, None if role is None else principal_permissions(role))


def expected_with(spec: RouteSpec, permissions: frozenset[str] | None) -> Outcome:
    """The outcome for a caller holding ``permissions`` (None: anonymous) on a record in scope."""
    if spec.public:
        return ALLOWED
    if permissions is None:
        return UNAUTHENTICATED
    if spec.requires is None or spec.requires in permissions:
        return ALLOWED
    return DENIED


def expected_for(spec: RouteSpec, w: World, caller: Actor, owner: Actor) -> Outcome:
    """The outcome for ``caller`` on a record owned by ``owner``."""
    base = expected_with(spec, None if caller.role is None else caller.permissions)
    if base is UNAUTHENTICATED or spec.record is None:
        return base
    if base is DENIED and spec.checked_in == "dependency":
        return DENIED  # the permission is checked before anything is looked up
    return base if spec.record(w, caller, owner) else HIDDEN


# --- running one call ---------------------------------------------------------------------------


async def check(
    spec: RouteSpec, api_route: APIRoute, w: World, caller: Actor, owner: Actor
) -> list[str]:
    """Build and send one call; return what went wrong (empty when all is as expected)."""
    call = await spec.build(w, caller, owner)
    where = f"{spec} as {caller!r} on a record of {owner!r}: {call.method} {call.path}"
    problems: list[str] = []
    regex, _, _ = compile_path(spec.path)
    if call.method != spec.method or not regex.match(call.path):
        return [f"{where}: the builder does not call this route"]

    outcome = expected_for(spec, w, caller, owner)
    counts_before = await w.write_counts(caller)
    response = await caller.api.request(
        call.method,
        call.path,
        json=call.json,
        data=call.data,
        files=call.files,
        params=call.params,
        headers=call.headers,
    )
    body_text = response.text[:300]
    counts_after = await w.write_counts(caller)

    if outcome is ALLOWED:
        want = success_status(api_route)
        if response.status_code != want:
            return [f"{where}: expected {want} (allowed), got {response.status_code} {body_text}"]
        if spec.method != "GET" and not spec.public and counts_after[2] <= counts_before[2]:
            problems.append(f"{where}: an allowed write recorded no audit entry by the caller")
        return problems

    want = {DENIED: 403, UNAUTHENTICATED: 401, HIDDEN: spec.hidden_status}[outcome]
    if response.status_code != want:
        return [
            f"{where}: expected {want} ({outcome.value}), got {response.status_code} {body_text}"
        ]
    if not response.headers.get("content-type", "").startswith("application/problem+json"):
        problems.append(f"{where}: {want} is not application/problem+json")
    else:
        body = response.json()
        if body.get("status") != want or not body.get("title") or not body.get("detail"):
            problems.append(f"{where}: malformed problem body {body}")
        if outcome is HIDDEN and spec.hidden_field is not None:
            locs = [tuple(e["loc"]) for e in body.get("errors") or []]
            if ("body", spec.hidden_field) not in locs:
                problems.append(f"{where}: the 422 does not name {spec.hidden_field}: {body}")
    if outcome is UNAUTHENTICATED and response.headers.get("www-authenticate") != "Bearer":
        problems.append(f"{where}: a 401 without WWW-Authenticate: Bearer")
    if counts_after != counts_before:
        problems.append(f"{where}: a refused call wrote audit entries or events")
    return problems


ROLE_KEYS: tuple[str | None, ...] = (*ROLES, None)  # the built-in roles, then anonymous
