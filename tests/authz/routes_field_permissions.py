"""Matrix declarations of the field permission routes: the protected objects, a role's field
rules, and revealing a masked value. Which fields each route shows is checked in
test_field_matrix.py."""

from __future__ import annotations

from authz.harness import Call, route
from authz.routes_identity import ONLY_ADMIN
from authz.world import Actor, World


@route("GET", "/api/v1/field-permissions/objects", requires="users:read")
async def _objects(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("GET", "/api/v1/field-permissions/objects")


@route("GET", "/api/v1/roles/{role_id}/field-rules", requires="users:read")
async def _get_rules(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("GET", f"/api/v1/roles/{await w.builtin_role_id('sales')}/field-rules")


@route("PUT", "/api/v1/roles/{role_id}/field-rules", requires="admin:roles", expect=ONLY_ADMIN)
async def _replace_rules(w: World, caller: Actor, owner: Actor) -> Call:
    role = await w.custom_role()
    rules = [{"object_type": "customer", "field": "phone", "masked": True}]
    return Call("PUT", f"/api/v1/roles/{role['id']}/field-rules", json={"rules": rules})


# The permission depends on the object type named in the body, so the handler checks it (before
# it looks the record up: a caller without it learns nothing of the record). Only administrators
# hold a reveal permission, with every customer in scope; the 404 outside the scope is in
# tests/identity/test_field_permissions.py.
@route(
    "POST",
    "/api/v1/field-reveals",
    requires="customers:reveal",
    checked_in="handler",
    expect=ONLY_ADMIN,
)
async def _reveal(w: World, caller: Actor, owner: Actor) -> Call:
    customer = await w.customer(owner, phone="13812348000")
    body = {"object_type": "customer", "record_id": customer["id"], "field": "phone"}
    return Call("POST", "/api/v1/field-reveals", json=body)
