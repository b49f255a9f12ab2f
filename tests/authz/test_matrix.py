"""Every route x every built-in role (and anonymous): allowed, denied, unauthenticated, and
hidden (404) when the record lies outside the caller's data scope. See authz.harness."""

from __future__ import annotations

from typing import Any

from authz.harness import (
    ALLOWED,
    DENIED,
    LISTINGS,
    MATRIX,
    ROLE_KEYS,
    UNAUTHENTICATED,
    Outcome,
    all_routes,
    api_routes,
    check,
    declared_guards,
    expected,
    expected_for,
    load_declarations,
)
from authz.world import ROLES, World, role_permissions, role_scopes
from crm.identity.catalog import all_permissions

load_declarations()

PUBLIC_ROUTES = {
    ("POST", "/api/v1/auth/login"),
    ("POST", "/api/v1/auth/refresh"),
    ("POST", "/api/v1/auth/logout"),
    ("GET", "/api/v1/health"),
    # The customer's read-only order page: its unguessable, expiring token is the credential.
    ("GET", "/api/v1/portal/orders/{token}"),
}


# Writes to the caller's own inbox (marking notifications read) change no business data: every
# signed-in user, the auditor included, may make them.
PERSONAL_WRITES = {
    ("POST", "/api/v1/notifications/read-all"),
    ("POST", "/api/v1/notifications/{notification_id}/read"),
}


def _report(problems: list[str]) -> str:
    return f"{len(problems)} problem(s):\n" + "\n".join(problems)


# --- the declarations themselves ----------------------------------------------------------------


def test_every_route_of_the_app_is_declared_and_nothing_else(app: Any) -> None:
    # Outside /api/v1 only the metrics endpoint and the SPA's catch-all (when the SPA is built)
    # may exist: an API router mounted without the prefix would otherwise escape the matrix.
    outside = {key for key in all_routes(app) if key not in api_routes(app)}
    assert outside <= {("GET", "/metrics"), ("GET", "/{path:path}")}, outside
    served = set(api_routes(app))
    assert len(served) > 30  # the walk really found the routers' routes
    undeclared = sorted(served - set(MATRIX))
    stale = sorted(set(MATRIX) - served)
    assert not undeclared, f"routes without a matrix entry (add them to tests/authz): {undeclared}"
    assert not stale, f"matrix entries for routes the app does not serve: {stale}"


def test_declared_permissions_are_the_ones_the_routes_enforce(app: Any) -> None:
    routes = api_routes(app)
    known = set(all_permissions())
    problems = []
    for key, spec in sorted(MATRIX.items()):
        signed_in, codes = declared_guards(routes[key])
        if spec.requires is not None and spec.requires not in known:
            problems.append(f"{spec}: {spec.requires} is not in the permission catalogue")
        if spec.public:
            ok = not signed_in and not codes
        elif spec.requires is None or spec.checked_in == "handler":
            ok = signed_in and not codes
        else:
            ok = signed_in and codes == {(spec.requires,)}
        if not ok:
            problems.append(
                f"{spec}: declared requires={spec.requires!r} public={spec.public} "
                f"checked_in={spec.checked_in}, route has signed_in={signed_in} codes={codes}"
            )
    assert not problems, _report(problems)


def test_only_login_refresh_logout_health_and_the_order_portal_are_public() -> None:
    assert {key for key, spec in MATRIX.items() if spec.public} == PUBLIC_ROUTES


def test_catalogue_agrees_with_the_hand_written_critical_expectations() -> None:
    problems = []
    for spec in MATRIX.values():
        for role, want in spec.expect.items():
            if expected(spec, role) is not want:
                problems.append(
                    f"{spec}: {role} should be {want.value}, catalogue gives "
                    f"{expected(spec, role).value}"
                )
        for role in ROLE_KEYS:
            got = expected(spec, role)
            # Anonymous callers get nothing but the public routes.
            if role is None and not spec.public and got is not UNAUTHENTICATED:
                problems.append(f"{spec}: anonymous gets {got.value}")
            # The administrator may do everything.
            if role == "admin" and got is not ALLOWED:
                problems.append(f"{spec}: admin gets {got.value}")
            # The auditor reads everything (administration aside) and changes nothing.
            if role == "auditor" and not spec.public and spec.key not in PERSONAL_WRITES:
                reads = spec.method == "GET" and not (spec.requires or "").startswith("admin:")
                want = ALLOWED if reads else DENIED
                if got is not want:
                    problems.append(f"{spec}: auditor gets {got.value}, not {want.value}")
            # Administration (users, roles, API keys, departments, purge) is for admins only.
            admin_only = (spec.requires or "").startswith("admin:")
            if admin_only and role not in (None, "admin") and got is not DENIED:
                problems.append(f"{spec}: {role} gets {got.value} on an admin route")
    # Sales works on its own customers only and never deletes them; managers see the tree.
    assert role_scopes("sales")["customers"] == "own"
    assert role_scopes("manager")["customers"] == "department_tree"
    assert "customers:delete" not in role_permissions("sales")
    # Signing a contract is apart from writing it: whoever drafts it does not also sign it.
    assert "contracts:write" in role_permissions("sales")
    assert "contracts:sign" not in role_permissions("sales")
    assert "contracts:sign" in role_permissions("manager")
    assert not {p for p in role_permissions("service") if not p.endswith(":read")}
    assert not problems, _report(problems)


async def test_builtin_roles_in_the_database_match_the_catalogue(admin: Any) -> None:
    r = await admin.get("/api/v1/roles", params={"limit": 200})
    assert r.status_code == 200, r.text
    stored = {role["key"]: role for role in r.json()["items"] if role["is_builtin"]}
    assert set(stored) == set(ROLES)
    for key in ROLES:
        assert sorted(stored[key]["permissions"]) == sorted(role_permissions(key)), key
        assert stored[key]["data_scopes"] == role_scopes(key), key


# --- the HTTP runs ------------------------------------------------------------------------------


async def test_every_role_on_every_route(
    app: Any, client: Any, admin: Any, sales_team: dict[str, Any], db: Any
) -> None:
    """Each role's representative calls every route on records it owns (anonymous: on the
    first salesperson's): 2xx when the catalogue grants the permission, else 403 / 401. The
    administrator's API key that holds only ``products:read`` reaches exactly the routes that
    permission (or no permission at all) allows, and gets 403 on every other one."""
    w = World(client, admin, sales_team, db)
    await w.add_api_key_caller()
    routes = api_routes(app)
    problems: list[str] = []
    seen: dict[Outcome, int] = {}
    for key, spec in sorted(MATRIX.items()):
        for caller in w.role_callers():
            owner = caller if caller.role is not None else w.actors["sales_a"]
            seen[expected_for(spec, w, caller, owner)] = (
                seen.get(expected_for(spec, w, caller, owner), 0) + 1
            )
            problems += await check(spec, routes[key], w, caller, owner)
    assert not problems, _report(problems)
    assert seen[ALLOWED] > 60 and seen[DENIED] > 40 and seen[UNAUTHENTICATED] > 30, seen


async def test_records_outside_the_callers_scope_are_hidden(
    app: Any, client: Any, admin: Any, sales_team: dict[str, Any], db: Any
) -> None:
    """Every route on one record, for every caller x owners in the same department and in
    another one: a caller whose data scope excludes the record gets 404 (422 for a body
    reference), never 403 or 200; inside the scope the role's normal outcome holds."""
    w = World(client, admin, sales_team, db)
    await w.add_api_key_caller()
    routes = api_routes(app)
    problems: list[str] = []
    hidden: dict[str, int] = {}
    scoped = [spec for _, spec in sorted(MATRIX.items()) if spec.record is not None]
    assert len(scoped) >= 11
    for spec in scoped:
        for caller in w.scope_callers():
            for owner in w.owners():
                if expected_for(spec, w, caller, owner) is Outcome.HIDDEN:
                    hidden[repr(spec)] = hidden.get(repr(spec), 0) + 1
                problems += await check(spec, routes[spec.key], w, caller, owner)
    assert not problems, _report(problems)
    # The scenario really exercised hiding on every scoped route, except those only admins may
    # call (purging, deleting a contract): admins see everything.
    not_hidden = {repr(s) for s in scoped} - set(hidden)
    admin_only = {
        repr(s)
        for s in scoped
        if not any(expected(s, role) is ALLOWED for role in ROLES if role != "admin")
    }
    assert "DELETE /api/v1/recycle-bin/{object_type}/{object_id}" in admin_only
    assert not_hidden == admin_only, not_hidden


async def test_lists_and_searches_hold_exactly_the_visible_records(
    client: Any, admin: Any, sales_team: dict[str, Any], db: Any
) -> None:
    """Records of owners in and out of each caller's scope; every list and search query
    returns all of the visible ones and none of the others."""
    w = World(client, admin, sales_team, db)
    await w.add_api_key_caller()
    seeded: dict[int, set[str]] = {}
    for index, lst in enumerate(LISTINGS):
        before = set(w.records[lst.kind])
        for owner in [*w.owners(), w.actors["admin"]]:
            await lst.seed(w, owner)
        seeded[index] = {rid for rid, _ in set(w.records[lst.kind]) - before}
        assert len(seeded[index]) >= 4, lst.path
    assert len(LISTINGS) >= 3

    problems: list[str] = []
    for index, lst in enumerate(LISTINGS):
        for caller in w.scope_callers():
            visible = {
                rid for rid, owner in w.records[lst.kind] if lst.visibility(w, caller, owner)
            }
            for query in lst.queries:
                where = f"GET {lst.path} {query} as {caller!r}"
                r = await caller.api.get(lst.path, params={**query, "limit": 200})
                if lst.requires is not None and not w.can(caller, lst.requires):
                    if r.status_code != 403:
                        problems.append(f"{where}: expected 403, got {r.status_code}")
                    continue
                if r.status_code != 200:
                    problems.append(f"{where}: {r.status_code} {r.text[:200]}")
                    continue
                page = r.json()
                ids = {item[lst.id_field] for item in page["items"]}
                leaked = ids - visible
                missing = (seeded[index] & visible) - ids
                if leaked:
                    problems.append(f"{where}: out-of-scope records listed: {sorted(leaked)}")
                if missing:
                    problems.append(f"{where}: visible records missing: {sorted(missing)}")
                if query.get("with_total") == "true" and page["total"] != len(visible):
                    problems.append(f"{where}: total {page['total']} != {len(visible)} visible")
    assert not problems, _report(problems)
