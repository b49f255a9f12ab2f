"""Matrix declarations of the identity routes: auth, users, departments, roles, API keys."""

from __future__ import annotations

import uuid

from authz.harness import ALLOWED, DENIED, Call, route
from authz.world import Actor, World
from conftest import PASSWORD

ONLY_ADMIN = {
    "admin": ALLOWED,
    "manager": DENIED,
    "sales": DENIED,
    "service": DENIED,
    "marketing": DENIED,
    "auditor": DENIED,
}

# --- auth -------------------------------------------------------------------------------------


@route("POST", "/api/v1/auth/login", public=True)
async def _login(w: World, caller: Actor, owner: Actor) -> Call:
    email = caller.email or w.actors["sales_a"].email
    return Call("POST", "/api/v1/auth/login", data={"username": email or "", "password": PASSWORD})


@route("POST", "/api/v1/auth/refresh", public=True)
async def _refresh(w: World, caller: Actor, owner: Actor) -> Call:
    return Call(
        "POST", "/api/v1/auth/refresh", json={"refresh_token": await w.fresh_refresh_token()}
    )


@route("POST", "/api/v1/auth/logout", public=True)
async def _logout(w: World, caller: Actor, owner: Actor) -> Call:
    return Call(
        "POST", "/api/v1/auth/logout", json={"refresh_token": await w.fresh_refresh_token()}
    )


@route("GET", "/api/v1/auth/me")
async def _me(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("GET", "/api/v1/auth/me")


@route(
    "GET",
    "/api/v1/login-events",
    requires="audit:read",
    expect={"admin": ALLOWED, "auditor": ALLOWED, "manager": DENIED, "sales": DENIED},
)
async def _login_events(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("GET", "/api/v1/login-events")


# --- users ------------------------------------------------------------------------------------


@route("GET", "/api/v1/users", requires="users:read")
async def _list_users(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("GET", "/api/v1/users")


@route("POST", "/api/v1/users", requires="admin:users", expect=ONLY_ADMIN)
async def _create_user(w: World, caller: Actor, owner: Actor) -> Call:
    return Call(
        "POST",
        "/api/v1/users",
        json={
            "email": f"matrix-{uuid.uuid4().hex[:8]}@example.com",
            "password": PASSWORD,
            "full_name": "Matrix User",
            "role_keys": ["sales"],
        },
    )


@route("GET", "/api/v1/users/{user_id}", requires="users:read")
async def _get_user(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("GET", f"/api/v1/users/{w.actors['sales_b'].user_id}")


@route("PATCH", "/api/v1/users/{user_id}", requires="admin:users", expect=ONLY_ADMIN)
async def _update_user(w: World, caller: Actor, owner: Actor) -> Call:
    user = await w.disposable_user()
    return Call("PATCH", f"/api/v1/users/{user['id']}", json={"full_name": "Renamed"})


@route("DELETE", "/api/v1/users/{user_id}", requires="admin:users", expect=ONLY_ADMIN)
async def _delete_user(w: World, caller: Actor, owner: Actor) -> Call:
    user = await w.disposable_user()
    return Call("DELETE", f"/api/v1/users/{user['id']}")


# --- departments ------------------------------------------------------------------------------


@route("GET", "/api/v1/departments", requires="departments:read")
async def _list_departments(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("GET", "/api/v1/departments")


@route("POST", "/api/v1/departments", requires="admin:departments", expect=ONLY_ADMIN)
async def _create_department(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("POST", "/api/v1/departments", json={"name": f"New {uuid.uuid4().hex[:6]}"})


@route("GET", "/api/v1/departments/{department_id}", requires="departments:read")
async def _get_department(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("GET", f"/api/v1/departments/{w.team['department']['id']}")


@route(
    "PATCH",
    "/api/v1/departments/{department_id}",
    requires="admin:departments",
    expect=ONLY_ADMIN,
)
async def _update_department(w: World, caller: Actor, owner: Actor) -> Call:
    dept = await w.department()
    return Call("PATCH", f"/api/v1/departments/{dept['id']}", json={"name": "Renamed"})


@route(
    "DELETE",
    "/api/v1/departments/{department_id}",
    requires="admin:departments",
    expect=ONLY_ADMIN,
)
async def _delete_department(w: World, caller: Actor, owner: Actor) -> Call:
    dept = await w.department()
    return Call("DELETE", f"/api/v1/departments/{dept['id']}")


# --- roles and permissions --------------------------------------------------------------------


@route("GET", "/api/v1/permissions")
async def _permission_catalog(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("GET", "/api/v1/permissions")


@route("GET", "/api/v1/roles", requires="users:read")
async def _list_roles(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("GET", "/api/v1/roles")


@route("POST", "/api/v1/roles", requires="admin:roles", expect=ONLY_ADMIN)
async def _create_role(w: World, caller: Actor, owner: Actor) -> Call:
    return Call(
        "POST",
        "/api/v1/roles",
        json={
            "key": f"role_{uuid.uuid4().hex[:8]}",
            "name": "Viewer",
            "permissions": ["customers:read"],
            "data_scopes": {"customers": "own"},
        },
    )


@route("GET", "/api/v1/roles/{role_id}", requires="users:read")
async def _get_role(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("GET", f"/api/v1/roles/{await w.builtin_role_id('sales')}")


@route("PATCH", "/api/v1/roles/{role_id}", requires="admin:roles", expect=ONLY_ADMIN)
async def _update_role(w: World, caller: Actor, owner: Actor) -> Call:
    role = await w.custom_role()
    return Call("PATCH", f"/api/v1/roles/{role['id']}", json={"name": "Renamed"})


@route("DELETE", "/api/v1/roles/{role_id}", requires="admin:roles", expect=ONLY_ADMIN)
async def _delete_role(w: World, caller: Actor, owner: Actor) -> Call:
    role = await w.custom_role()
    return Call("DELETE", f"/api/v1/roles/{role['id']}")


# --- API keys ---------------------------------------------------------------------------------


@route("GET", "/api/v1/api-keys", requires="admin:api_keys", expect=ONLY_ADMIN)
async def _list_api_keys(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("GET", "/api/v1/api-keys")


@route("POST", "/api/v1/api-keys", requires="admin:api_keys", expect=ONLY_ADMIN)
async def _create_api_key(w: World, caller: Actor, owner: Actor) -> Call:
    return Call(
        "POST", "/api/v1/api-keys", json={"name": "integration", "permissions": ["customers:read"]}
    )


@route("DELETE", "/api/v1/api-keys/{key_id}", requires="admin:api_keys", expect=ONLY_ADMIN)
async def _revoke_api_key(w: World, caller: Actor, owner: Actor) -> Call:
    key = await w.api_key()
    return Call("DELETE", f"/api/v1/api-keys/{key['id']}")
