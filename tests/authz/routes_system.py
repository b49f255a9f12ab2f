"""Matrix declarations of the platform routes: health, jobs, audit log, recycle bin."""

from __future__ import annotations

from authz.harness import ALLOWED, DENIED, Call, owner_scope, route
from authz.world import Actor, World


def _creator_or_auditor(w: World, caller: Actor, owner: Actor) -> bool:
    """A job is visible to whoever started it and to holders of audit:read."""
    return caller.user_id == owner.user_id or w.can(caller, "audit:read")


@route("GET", "/api/v1/health", public=True)
async def _health(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("GET", "/api/v1/health")


@route("GET", "/api/v1/jobs/{job_id}", requires="jobs:read", record=_creator_or_auditor)
async def _get_job(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("GET", f"/api/v1/jobs/{await w.job(owner)}")


@route(
    "GET",
    "/api/v1/audit-logs",
    requires="audit:read",
    expect={"admin": ALLOWED, "auditor": ALLOWED, "manager": DENIED, "sales": DENIED},
)
async def _audit_logs(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("GET", "/api/v1/audit-logs")


@route("GET", "/api/v1/recycle-bin", requires="recycle_bin:read")
async def _recycle_bin(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("GET", "/api/v1/recycle-bin")


@route(
    "POST",
    "/api/v1/recycle-bin/{object_type}/{object_id}/restore",
    requires="customers:delete",
    checked_in="handler",  # the entry is looked up (scoped) first, then the type's permission
    record=owner_scope("customers"),
    expect={"admin": ALLOWED, "manager": ALLOWED, "sales": DENIED, "auditor": DENIED},
)
async def _restore(w: World, caller: Actor, owner: Actor) -> Call:
    customer = await w.deleted_customer(owner)
    return Call("POST", f"/api/v1/recycle-bin/customer/{customer['id']}/restore")


@route(
    "DELETE",
    "/api/v1/recycle-bin/{object_type}/{object_id}",
    requires="admin:purge",
    record=owner_scope("customers"),
    expect={"admin": ALLOWED, "manager": DENIED, "sales": DENIED, "auditor": DENIED},
)
async def _purge(w: World, caller: Actor, owner: Actor) -> Call:
    customer = await w.deleted_customer(owner)
    return Call("DELETE", f"/api/v1/recycle-bin/customer/{customer['id']}")
