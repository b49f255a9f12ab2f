"""Matrix declarations of the customer pool routes, and the pool listing.

A pool customer has no owner and keeps the department of its last owner. It is visible through
readable() like any customer (scope ``all``; ``department``/``department_tree`` when its
department is theirs; never through ``own``), and, to holders of ``customers:claim`` or
``customers:assign``, also when it lies in their department tree or has no department.
"""

from __future__ import annotations

import uuid
from typing import Any

from authz.harness import ALLOWED, DENIED, Call, listing, owner_scope, route
from authz.world import Actor, World

CUSTOMERS = owner_scope("customers")
POOL = "/api/v1/customer-pool"


def _pool_of(w: World, owner: Actor) -> Actor:
    """The stand-in owner of a customer ``owner`` released: nobody, in ``owner``'s department
    (what readable() sees of a pool customer)."""
    key = f"pool:{owner.department_id}"
    if key not in w._cache:
        w._cache[key] = Actor(
            label=f"pool-of-{owner.label}",
            role=None,
            api=owner.api,
            user_id=None,
            department_id=owner.department_id,
        )
    pool: Actor = w._cache[key]
    return pool


def _sees_pool(w: World, caller: Actor, pool: Actor) -> bool:
    if caller.role is None:
        return False
    if w.sees(caller, pool, "customers"):
        return True
    if w.can(caller, "customers:claim") or w.can(caller, "customers:assign"):
        return pool.department_id is None or pool.department_id in w.department_tree(
            caller.department_id
        )
    return False


def _pool_record(w: World, caller: Actor, owner: Actor) -> bool:
    return _sees_pool(w, caller, _pool_of(w, owner))


async def pool_customer(w: World, owner: Actor, **fields: Any) -> dict[str, Any]:
    """A customer of ``owner`` that the administrator released into the pool."""
    customer = await w.customer(owner, **fields)
    r = await w.admin.post(f"/api/v1/customers/{customer['id']}/release-to-pool")
    assert r.status_code == 200, r.text
    pool = _pool_of(w, owner)
    # Still a customer that GET /customers shows to some (department scopes, all).
    w.records["customer"].remove((customer["id"], owner))
    w.remember("customer", customer["id"], pool)
    w.remember("pool_customer", customer["id"], pool)
    return dict(r.json())


async def _policy(w: World) -> dict[str, Any]:
    r = await w.admin.post(
        f"{POOL}/policies",
        json={"level": f"L{uuid.uuid4().hex[:8]}", "days_without_follow_up": 30},
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


# --- the pool -------------------------------------------------------------------------------------


@route("GET", POOL, requires="customers:read")
async def _list_pool(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("GET", POOL)


@route(
    "POST",
    f"{POOL}/{{customer_id}}/claim",
    requires="customers:claim",
    record=_pool_record,
    expect={
        "admin": ALLOWED,
        "manager": ALLOWED,
        "sales": ALLOWED,
        "service": DENIED,
        "marketing": DENIED,
        "auditor": DENIED,
    },
)
async def _claim(w: World, caller: Actor, owner: Actor) -> Call:
    customer = await pool_customer(w, owner)
    return Call("POST", f"{POOL}/{customer['id']}/claim")


@route(
    "POST",
    f"{POOL}/{{customer_id}}/assign",
    requires="customers:assign",
    record=_pool_record,
    expect={"admin": ALLOWED, "manager": ALLOWED, "sales": DENIED, "service": DENIED},
)
async def _assign(w: World, caller: Actor, owner: Actor) -> Call:
    customer = await pool_customer(w, owner)
    # To the caller: always within their own data scope.
    return Call("POST", f"{POOL}/{customer['id']}/assign", json={"user_id": caller.user_id})


@route(
    "POST",
    "/api/v1/customers/{customer_id}/release-to-pool",
    requires="customers:write",
    record=CUSTOMERS,
    expect={"sales": ALLOWED, "manager": ALLOWED, "service": DENIED, "marketing": DENIED},
)
async def _release(w: World, caller: Actor, owner: Actor) -> Call:
    customer = await w.customer(owner)
    return Call("POST", f"/api/v1/customers/{customer['id']}/release-to-pool")


@listing(
    POOL,
    kind="pool_customer",
    requires="customers:read",
    queries=({}, {"q": "Poolscope"}, {"with_total": "true"}, {"sort": "name"}),
    visibility=_sees_pool,
)
async def _seed_pool(w: World, owner: Actor) -> None:
    await pool_customer(w, owner, name=f"Poolscope {owner.label} {uuid.uuid4().hex[:6]}")


# --- policies and caps ----------------------------------------------------------------------------


@route("GET", f"{POOL}/policies", requires="customers:read")
async def _list_policies(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("GET", f"{POOL}/policies")


@route(
    "POST",
    f"{POOL}/policies",
    requires="admin:settings",
    expect={"admin": ALLOWED, "manager": DENIED, "sales": DENIED, "auditor": DENIED},
)
async def _create_policy(w: World, caller: Actor, owner: Actor) -> Call:
    return Call(
        "POST",
        f"{POOL}/policies",
        json={"level": f"N{uuid.uuid4().hex[:8]}", "days_without_deal": 60},
    )


@route("GET", f"{POOL}/policies/{{policy_id}}", requires="customers:read")
async def _get_policy(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("GET", f"{POOL}/policies/{(await _policy(w))['id']}")


@route(
    "PATCH",
    f"{POOL}/policies/{{policy_id}}",
    requires="admin:settings",
    expect={"admin": ALLOWED, "manager": DENIED, "sales": DENIED},
)
async def _update_policy(w: World, caller: Actor, owner: Actor) -> Call:
    policy = await _policy(w)
    return Call("PATCH", f"{POOL}/policies/{policy['id']}", json={"warn_days_before": 3})


@route(
    "DELETE",
    f"{POOL}/policies/{{policy_id}}",
    requires="admin:settings",
    expect={"admin": ALLOWED, "manager": DENIED, "sales": DENIED},
)
async def _delete_policy(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("DELETE", f"{POOL}/policies/{(await _policy(w))['id']}")


@route("GET", f"{POOL}/caps", requires="customers:read")
async def _get_caps(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("GET", f"{POOL}/caps")


@route(
    "PUT",
    f"{POOL}/caps",
    requires="admin:settings",
    expect={"admin": ALLOWED, "manager": DENIED, "sales": DENIED},
)
async def _set_caps(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("PUT", f"{POOL}/caps", json={"default": None, "roles": []})
