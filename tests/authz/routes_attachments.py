"""Matrix declarations of attachments. Each route checks, in the handler, that the parent
record is within the caller's scope (404 otherwise) and then the parent's permission (403):
the matrix's files hang off deals, so deals:read / deals:write and the deals scope apply."""

from __future__ import annotations

from authz.harness import ALLOWED, DENIED, Call, owner_scope, route
from authz.world import Actor, World

DEALS = owner_scope("deals")
PDF = b"%PDF-1.4\n%%EOF\n"
WRITERS = {
    "admin": ALLOWED,
    "manager": ALLOWED,
    "sales": ALLOWED,
    "service": DENIED,
    "marketing": DENIED,
    "auditor": DENIED,
}
READERS = {**WRITERS, "auditor": ALLOWED}


@route(
    "POST",
    "/api/v1/attachments",
    requires="deals:write",
    checked_in="handler",
    record=DEALS,
    expect=WRITERS,
)
async def _upload(w: World, caller: Actor, owner: Actor) -> Call:
    deal = await w.deal(owner)
    return Call(
        "POST",
        "/api/v1/attachments",
        params={"object_type": "deal", "object_id": deal["id"]},
        data={"category": "needs_document"},
        files={"file": ("needs.pdf", PDF, "application/pdf")},
    )


@route(
    "GET",
    "/api/v1/attachments",
    requires="deals:read",
    checked_in="handler",
    record=DEALS,
    expect=READERS,
)
async def _list(w: World, caller: Actor, owner: Actor) -> Call:
    item = await w.attachment(owner)
    return Call(
        "GET",
        "/api/v1/attachments",
        params={"object_type": "deal", "object_id": item["object_id"]},
    )


@route(
    "GET",
    "/api/v1/attachments/{attachment_id}",
    requires="deals:read",
    checked_in="handler",
    record=DEALS,
    expect=READERS,
)
async def _get(w: World, caller: Actor, owner: Actor) -> Call:
    item = await w.attachment(owner)
    return Call("GET", f"/api/v1/attachments/{item['id']}")


@route(
    "GET",
    "/api/v1/attachments/{attachment_id}/download",
    requires="deals:read",
    checked_in="handler",
    record=DEALS,
    expect=READERS,
)
async def _download(w: World, caller: Actor, owner: Actor) -> Call:
    item = await w.attachment(owner)
    return Call("GET", f"/api/v1/attachments/{item['id']}/download")


@route(
    "DELETE",
    "/api/v1/attachments/{attachment_id}",
    requires="deals:write",
    checked_in="handler",
    record=DEALS,
    expect=WRITERS,
)
async def _delete(w: World, caller: Actor, owner: Actor) -> Call:
    item = await w.attachment(owner)
    return Call("DELETE", f"/api/v1/attachments/{item['id']}")
