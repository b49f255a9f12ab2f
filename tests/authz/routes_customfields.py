"""Matrix declarations of the custom field, completeness rule and tag routes, and bulk tagging."""

from __future__ import annotations

import uuid
from typing import Any

from authz.harness import ALLOWED, DENIED, Call, listing, owner_scope, route
from authz.world import Actor, World

CUSTOMERS = owner_scope("customers")
ADMIN_ONLY = {
    "admin": ALLOWED,
    "manager": DENIED,
    "sales": DENIED,
    "service": DENIED,
    "marketing": DENIED,
    "auditor": DENIED,
}


def _key() -> str:
    return f"k_{uuid.uuid4().hex[:10]}"


async def _field(w: World, **extra: Any) -> dict[str, Any]:
    r = await w.admin.post(
        "/api/v1/custom-fields",
        json={
            "object_type": "customer",
            "key": _key(),
            "label": {"en": "Matrix"},
            "field_type": "text",
            **extra,
        },
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


async def _tag(w: World) -> dict[str, Any]:
    r = await w.admin.post("/api/v1/tags", json={"name": f"tag-{uuid.uuid4().hex[:8]}"})
    assert r.status_code == 201, r.text
    return dict(r.json())


# --- definitions --------------------------------------------------------------------------------


@route(
    "GET",
    "/api/v1/custom-fields",
    requires="customers:read",
    checked_in="handler",  # the read permission of the object type named in the query
)
async def _list_fields(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("GET", "/api/v1/custom-fields", params={"object_type": "customer"})


@route("POST", "/api/v1/custom-fields", requires="admin:settings", expect=ADMIN_ONLY)
async def _create_field(w: World, caller: Actor, owner: Actor) -> Call:
    return Call(
        "POST",
        "/api/v1/custom-fields",
        json={
            "object_type": "customer",
            "key": _key(),
            "label": {"en": "New", "zh": "新"},
            "field_type": "select",
            "options": [{"value": "a"}],
        },
    )


@route("POST", "/api/v1/custom-fields/reorder", requires="admin:settings", expect=ADMIN_ONLY)
async def _reorder_fields(w: World, caller: Actor, owner: Actor) -> Call:
    field = await _field(w)
    return Call(
        "POST",
        "/api/v1/custom-fields/reorder",
        json={"object_type": "customer", "ids": [field["id"]]},
    )


@route("GET", "/api/v1/custom-fields/{field_id}", requires="customers:read", checked_in="handler")
async def _get_field(w: World, caller: Actor, owner: Actor) -> Call:
    field = await _field(w)
    return Call("GET", f"/api/v1/custom-fields/{field['id']}")


@route("PATCH", "/api/v1/custom-fields/{field_id}", requires="admin:settings", expect=ADMIN_ONLY)
async def _update_field(w: World, caller: Actor, owner: Actor) -> Call:
    field = await _field(w)
    return Call("PATCH", f"/api/v1/custom-fields/{field['id']}", json={"description": "Changed"})


@route("DELETE", "/api/v1/custom-fields/{field_id}", requires="admin:settings", expect=ADMIN_ONLY)
async def _delete_field(w: World, caller: Actor, owner: Actor) -> Call:
    field = await _field(w)
    return Call("DELETE", f"/api/v1/custom-fields/{field['id']}")


# --- completeness rules -------------------------------------------------------------------------


@route(
    "GET",
    "/api/v1/completeness-rules/{object_type}",
    requires="customers:read",
    checked_in="handler",
)
async def _get_rules(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("GET", "/api/v1/completeness-rules/customer")


@route(
    "PUT", "/api/v1/completeness-rules/{object_type}", requires="admin:settings", expect=ADMIN_ONLY
)
async def _put_rules(w: World, caller: Actor, owner: Actor) -> Call:
    return Call(
        "PUT",
        "/api/v1/completeness-rules/customer",
        json={"rules": [{"field": "phone", "weight": 2}, {"field": "email", "weight": 1}]},
    )


# --- tags ---------------------------------------------------------------------------------------

TAG_MANAGERS = {**ADMIN_ONLY, "manager": ALLOWED}


@route("GET", "/api/v1/tags", requires="tags:read")
async def _list_tags(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("GET", "/api/v1/tags")


@route("POST", "/api/v1/tags", requires="tags:write", expect=TAG_MANAGERS)
async def _create_tag(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("POST", "/api/v1/tags", json={"name": f"new-{uuid.uuid4().hex[:8]}"})


@route("GET", "/api/v1/tags/{tag_id}", requires="tags:read")
async def _get_tag(w: World, caller: Actor, owner: Actor) -> Call:
    tag = await _tag(w)
    return Call("GET", f"/api/v1/tags/{tag['id']}")


@route("PATCH", "/api/v1/tags/{tag_id}", requires="tags:write", expect=TAG_MANAGERS)
async def _update_tag(w: World, caller: Actor, owner: Actor) -> Call:
    tag = await _tag(w)
    return Call("PATCH", f"/api/v1/tags/{tag['id']}", json={"name": f"re-{uuid.uuid4().hex[:8]}"})


@route("DELETE", "/api/v1/tags/{tag_id}", requires="tags:write", expect=TAG_MANAGERS)
async def _delete_tag(w: World, caller: Actor, owner: Actor) -> Call:
    tag = await _tag(w)
    return Call("DELETE", f"/api/v1/tags/{tag['id']}")


# --- bulk tagging -------------------------------------------------------------------------------


@route(
    "POST",
    "/api/v1/customers/bulk-tag",
    requires="customers:write",
    record=CUSTOMERS,  # the customers named in `ids`
    hidden_status=422,
    hidden_field="ids",
    expect={"sales": ALLOWED, "manager": ALLOWED, "service": DENIED, "auditor": DENIED},
)
async def _bulk_tag(w: World, caller: Actor, owner: Actor) -> Call:
    customer = await w.customer(owner)
    return Call(
        "POST",
        "/api/v1/customers/bulk-tag",
        json={"ids": [customer["id"]], "add": [f"bulk-{uuid.uuid4().hex[:6]}"]},
    )


# --- custom field filters and sorts on the scoped customer list --------------------------------


async def _region_field(w: World) -> str:
    if "matrix_region" not in w._cache:
        await _field(w, key="matrix_region")
        w._cache["matrix_region"] = True
    return "matrix_region"


@listing(
    "/api/v1/customers",
    kind="customer",
    requires="customers:read",
    queries=(
        {"cf.matrix_region": "Scope East"},
        {"cf.matrix_region.contains": "scope"},
        {"sort": "-cf.matrix_region", "with_total": "true"},
    ),
)
async def _seed_custom_customers(w: World, owner: Actor) -> None:
    key = await _region_field(w)
    await w.customer(owner, name=f"Custom {owner.label}", custom_fields={key: "Scope East"})
