"""Matrix declarations of the customer and contact routes, and their scoped listings."""

from __future__ import annotations

import itertools
import uuid

from authz.harness import ALLOWED, DENIED, Call, Visibility, listing, owner_scope, route
from authz.world import Actor, World

CUSTOMERS = owner_scope("customers")
_serial = itertools.count()


def _phone(prefix: str) -> str:
    """A valid mainland mobile number, unique within the run, typed with spaces."""
    return f"{prefix} 0013 {8000 + next(_serial) % 2000}"


# --- customers --------------------------------------------------------------------------------


@route("GET", "/api/v1/customers", requires="customers:read")
async def _list_customers(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("GET", "/api/v1/customers")


@route(
    "POST",
    "/api/v1/customers",
    requires="customers:write",
    expect={
        "admin": ALLOWED,
        "manager": ALLOWED,
        "sales": ALLOWED,
        "service": DENIED,
        "marketing": DENIED,
        "auditor": DENIED,
    },
)
async def _create_customer(w: World, caller: Actor, owner: Actor) -> Call:
    return Call(
        "POST",
        "/api/v1/customers",
        json={"name": f"New {uuid.uuid4().hex[:6]}", "phone": "138 0013 8000"},
    )


@route("GET", "/api/v1/customers/{customer_id}", requires="customers:read", record=CUSTOMERS)
async def _get_customer(w: World, caller: Actor, owner: Actor) -> Call:
    customer = await w.customer(owner)
    return Call("GET", f"/api/v1/customers/{customer['id']}")


@route(
    "PATCH",
    "/api/v1/customers/{customer_id}",
    requires="customers:write",
    record=CUSTOMERS,
    expect={"sales": ALLOWED, "service": DENIED, "auditor": DENIED},
)
async def _update_customer(w: World, caller: Actor, owner: Actor) -> Call:
    customer = await w.customer(owner)
    return Call("PATCH", f"/api/v1/customers/{customer['id']}", json={"industry": "Retail"})


@route(
    "DELETE",
    "/api/v1/customers/{customer_id}",
    requires="customers:delete",
    record=CUSTOMERS,
    expect={
        "admin": ALLOWED,
        "manager": ALLOWED,
        "sales": DENIED,
        "service": DENIED,
        "marketing": DENIED,
        "auditor": DENIED,
    },
)
async def _delete_customer(w: World, caller: Actor, owner: Actor) -> Call:
    customer = await w.customer(owner)
    return Call("DELETE", f"/api/v1/customers/{customer['id']}")


@route(
    "GET",
    "/api/v1/customers/{customer_id}/contacts",
    requires="contacts:read",
    record=CUSTOMERS,
)
async def _list_customer_contacts(w: World, caller: Actor, owner: Actor) -> Call:
    contact = await w.contact(owner)
    return Call("GET", f"/api/v1/customers/{contact['customer_id']}/contacts")


# --- contacts ---------------------------------------------------------------------------------


@route("GET", "/api/v1/contacts", requires="contacts:read")
async def _list_contacts(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("GET", "/api/v1/contacts")


@route(
    "POST",
    "/api/v1/contacts",
    requires="contacts:write",
    record=CUSTOMERS,  # the customer it is filed under, referenced from the body
    hidden_status=422,
    hidden_field="customer_id",
    expect={"sales": ALLOWED, "service": DENIED, "marketing": DENIED, "auditor": DENIED},
)
async def _create_contact(w: World, caller: Actor, owner: Actor) -> Call:
    customer = await w.customer(owner)
    return Call(
        "POST",
        "/api/v1/contacts",
        json={"customer_id": customer["id"], "name": "Li Lei", "email": "li@example.com"},
    )


@route("GET", "/api/v1/contacts/{contact_id}", requires="contacts:read", record=CUSTOMERS)
async def _get_contact(w: World, caller: Actor, owner: Actor) -> Call:
    contact = await w.contact(owner)
    return Call("GET", f"/api/v1/contacts/{contact['id']}")


@route("PATCH", "/api/v1/contacts/{contact_id}", requires="contacts:write", record=CUSTOMERS)
async def _update_contact(w: World, caller: Actor, owner: Actor) -> Call:
    contact = await w.contact(owner)
    return Call("PATCH", f"/api/v1/contacts/{contact['id']}", json={"title": "Buyer"})


@route(
    "DELETE",
    "/api/v1/contacts/{contact_id}",
    requires="contacts:delete",
    record=CUSTOMERS,
    expect={"sales": ALLOWED, "service": DENIED, "auditor": DENIED},
)
async def _delete_contact(w: World, caller: Actor, owner: Actor) -> Call:
    contact = await w.contact(owner)
    return Call("DELETE", f"/api/v1/contacts/{contact['id']}")


# --- scoped listings: every query must return exactly the caller's visible records ------------


@listing(
    "/api/v1/customers",
    kind="customer",
    requires="customers:read",
    queries=(
        {},
        {"q": "Scopetest"},  # partial name, Latin
        {"q": "华东贸易"},  # partial name, Chinese
        {"q": "0138-0013"},  # partial phone typed in another format
        {"q": "+86 138 0013"},
        {"q": "SCOPE.EXAMPLE"},  # partial e-mail, other case
        {"with_total": "true"},
        {"sort": "name"},
    ),
)
async def _seed_customers(w: World, owner: Actor) -> None:
    await w.customer(
        owner,
        name=f"Scopetest 华东贸易 {owner.label}",
        phone=_phone("138"),
        email=f"{owner.label}.{uuid.uuid4().hex[:4]}@scope.example",
    )


@listing(
    "/api/v1/contacts",
    kind="contact",
    requires="contacts:read",
    queries=({}, {"q": "Scopecontact"}, {"q": "0139-0013"}, {"q": "contact.example"}),
)
async def _seed_contacts(w: World, owner: Actor) -> None:
    await w.contact(
        owner,
        name=f"Scopecontact {owner.label}",
        phone=_phone("139"),
        email=f"{owner.label}@contact.example",
    )


@listing(
    "/api/v1/recycle-bin",
    kind="bin",
    requires="recycle_bin:read",  # every user; entries are scoped like the records were
    queries=({}, {"q": "Scopebin"}),
    id_field="object_id",
)
async def _seed_bin(w: World, owner: Actor) -> None:
    await w.deleted_customer(owner, name=f"Scopebin customer {owner.label}")
    await w.deleted_contact(owner, name=f"Scopebin contact {owner.label}")


# --- global search ----------------------------------------------------------------------------


@route("GET", "/api/v1/search", requires=None)
async def _search(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("GET", "/api/v1/search", params={"q": "anything"})


def _searchable(permission: str) -> Visibility:
    """Search answers every signed-in caller, leaving out the types they may not read: a hit
    is visible when the caller holds ``permission`` and their customers scope covers it."""
    in_scope = owner_scope()

    def visible(w: World, caller: Actor, owner: Actor) -> bool:
        return w.can(caller, permission) and in_scope(w, caller, owner)

    return visible


@listing(
    "/api/v1/search",
    kind="customer",
    requires=None,
    visibility=_searchable("customers:read"),
    queries=(
        {"q": "Searchscope", "types": "customer"},
        {"q": "0137-0013", "types": "customer"},  # phone, another format
        {"q": "search.example", "types": "customer"},
    ),
)
async def _seed_search_customers(w: World, owner: Actor) -> None:
    await w.customer(
        owner,
        name=f"Searchscope {owner.label}",
        phone=_phone("137"),
        email=f"{owner.label}.{uuid.uuid4().hex[:4]}@search.example",
    )


@listing(
    "/api/v1/search",
    kind="contact",
    requires=None,
    visibility=_searchable("contacts:read"),
    queries=({"q": "Searchcontact", "types": "contact"},),
)
async def _seed_search_contacts(w: World, owner: Actor) -> None:
    await w.contact(owner, name=f"Searchcontact {owner.label}")
