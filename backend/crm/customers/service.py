"""Customer and contact operations. Every read goes through the data-scope function."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Row, Select, String, bindparam, or_
from sqlalchemy.ext.asyncio import AsyncSession

from crm.core import audit, events, recycle
from crm.core.changes import record_change
from crm.core.cleaning import (
    normalize_company_name,
    phone_key,
    phone_search_digits,
    phone_to_e164,
    split_address,
)
from crm.core.concurrency import check_version
from crm.core.db import utcnow
from crm.core.errors import NotFound, Unprocessable, field_error
from crm.core.exportable import names_by_id
from crm.core.pagination import (
    Compiled,
    PageParams,
    RowExtra,
    contains_pattern,
    paginate,
    select_columns,
    text_contains,
    text_like,
)
from crm.core.permissions import Principal, readable
from crm.customers import fields

# The loaders live in deps.py; re-exported: other domains load through this service.
from crm.customers.deps import get_contact as get_contact
from crm.customers.deps import get_customer as get_customer
from crm.customers.models import Contact, Customer
from crm.customers.schemas import (
    ContactCreate,
    ContactFilters,
    ContactRead,
    ContactUpdate,
    CustomerCreate,
    CustomerFilters,
    CustomerRead,
    CustomerUpdate,
)
from crm.identity import service as identity_service

CUSTOMER_SORTS = {
    "name": Customer.name,
    "created_at": Customer.created_at,
    "updated_at": Customer.updated_at,
}
CONTACT_SORTS = {"name": Contact.name, "created_at": Contact.created_at}
CUSTOMER_DEFAULT_SORT = "-updated_at"
CONTACT_DEFAULT_SORT = "created_at"


# --- customers --------------------------------------------------------------------------------


async def referenced_customer(
    session: AsyncSession,
    principal: Principal,
    customer_id: uuid.UUID,
    *,
    field: str = "customer_id",
) -> Customer:
    """The customer another record's write refers to (a deal's, an order's ...): one the caller
    may see, else 422 on ``field`` (a reference in a body is invalid input, not a missing page)."""
    try:
        return await get_customer(session, principal, customer_id)
    except NotFound as exc:
        raise Unprocessable(
            "No such customer.", errors=[field_error(field, "No such customer.")]
        ) from exc


def search_values(q: str) -> dict[str, str]:
    """The bound values of :func:`search_clause` for the search text ``q``, by bind name."""
    values = {"q_text": contains_pattern(q)}
    digits = phone_search_digits(q)
    if digits:
        values["q_digits"] = f"%{digits}%"
    return values


def _search_clause(values: Mapping[str, Any]) -> Any:
    text = bindparam("q_text", values["q_text"], type_=String)
    clauses = [text_like(Customer.name, text), text_like(Customer.email, text)]
    if "q_digits" in values:
        clauses.append(Customer.phone_e164.like(bindparam("q_digits", values["q_digits"])))
    return or_(*clauses)


def search_clause(q: str) -> Any:
    """Partial match on name or e-mail, and on the phone number in any format."""
    return _search_clause(search_values(q))


# The equality filters of the customer list: CustomerFilters field → column (bound as "f_<field>").
_EQUAL_FILTERS = {
    "owner_id": Customer.owner_id,
    "department_id": Customer.department_id,
    "kind": Customer.kind,
    "industry": Customer.industry,
    "source": Customer.source,
    "level": Customer.level,
}


def customer_filter_values(filters: CustomerFilters) -> dict[str, Any]:
    """The values a customer statement filtered by ``filters`` binds, by bind name; a filter
    not given has none. The names present are the statement's shape (see list_customers)."""
    values = {
        f"f_{field}": value
        for field in _EQUAL_FILTERS
        if (value := getattr(filters, field)) is not None
    }
    if filters.tag is not None:
        values["f_tag"] = [filters.tag]
    if filters.q:
        values.update(search_values(filters.q))
    return values


def _filtered(stmt: Select[Any], values: Mapping[str, Any]) -> Select[Any]:
    """``stmt`` narrowed by the filters :func:`customer_filter_values` gave values for."""
    if "q_text" in values:
        stmt = stmt.where(_search_clause(values))
    for field, column in _EQUAL_FILTERS.items():
        name = f"f_{field}"
        if name in values:
            stmt = stmt.where(column == bindparam(name, values[name], type_=column.type))
    if "f_tag" in values:
        stmt = stmt.where(
            Customer.tags.contains(bindparam("f_tag", values["f_tag"], type_=Customer.tags.type))
        )
    return stmt


def customer_filter_statement(
    principal: Principal,
    filters: CustomerFilters,
    stmt: Select[Any] | None = None,
    custom: Sequence[Any] = (),
) -> Select[Any]:
    """The customers ``principal`` may see that match ``filters`` and the ``custom`` field
    conditions (of :func:`fields.custom_filters`), unsorted: the one statement the list pages
    through, a bulk action works on and an export streams, so all hold the same rows. Rows of
    the :class:`CustomerRead` columns (see :func:`select_columns`) unless ``stmt`` says which
    columns to select."""
    stmt = readable(
        select_columns(CustomerRead, Customer) if stmt is None else stmt, Customer, principal
    )
    stmt = _filtered(stmt, customer_filter_values(filters))
    for clause in custom:
        stmt = stmt.where(clause)
    return stmt


async def list_customers(
    session: AsyncSession,
    principal: Principal,
    *,
    params: PageParams,
    filters: CustomerFilters,
    custom: Sequence[tuple[str, str]] = (),
) -> tuple[Sequence[Any], str | None, int | None]:
    sortable = await fields.sortable(session, Customer, "customer", CUSTOMER_SORTS, params.sort)
    page = functools.partial(
        paginate,
        session,
        params=params,
        id_column=Customer.id,
        sortable=sortable,
        default_sort=CUSTOMER_DEFAULT_SORT,
    )
    if custom:  # custom field conditions vary in shape with every request: built each time
        clauses = await fields.custom_filters(session, Customer, "customer", custom)
        return await page(customer_filter_statement(principal, filters, custom=clauses))
    values = customer_filter_values(filters)
    return await page(
        lambda: customer_filter_statement(principal, filters),
        compiled=Compiled(principal, ("customers", *sorted(values)), values),
    )


async def filtered_customers(
    session: AsyncSession,
    principal: Principal,
    stmt: Select[Any],  # the columns to select (a whole Customer, or some of its columns)
    *,
    filters: CustomerFilters,
    custom: Sequence[tuple[str, str]] = (),
) -> Select[Any]:
    """``stmt`` narrowed to the customers the principal sees that match the list filters
    (custom field ones included): what a bulk action on a filtered list works on."""
    clauses = await fields.custom_filters(session, Customer, "customer", custom)
    return customer_filter_statement(principal, filters, stmt, custom=clauses)


def apply_cleaning(customer: Customer, *, address_changed: bool) -> None:
    """The derived forms every customer write stores: the E.164 phone, the name as duplicate
    detection compares it, and province / city / district split from an address that came
    without them (never overwriting ones the caller gave)."""
    customer.phone_e164 = phone_to_e164(customer.phone)
    customer.phone_key = phone_key(customer.phone)
    customer.name_normalized = normalize_company_name(customer.name)
    if not address_changed or customer.province or customer.city or customer.district:
        return
    parts = split_address(customer.address)
    if parts is not None:
        customer.province, customer.city, customer.district = (
            parts.province,
            parts.city,
            parts.district,
        )


async def _assign_owner(
    session: AsyncSession, principal: Principal, customer: Customer, owner_id: uuid.UUID
) -> None:
    owner = await identity_service.assignable_user(
        session, principal, owner_id, resource="customers", field="owner_id"
    )
    customer.owner_id = owner.id
    customer.department_id = owner.department_id
    # The pool's clock (customers/pool) counts the new owner's days from now.
    customer.owner_assigned_at = utcnow()


async def create_customer(
    session: AsyncSession, principal: Principal, *, data: CustomerCreate
) -> Customer:
    values = data.model_dump(exclude={"owner_id", "custom_fields"})
    customer = Customer(**values)
    apply_cleaning(customer, address_changed=True)
    customer.custom = await fields.custom_for_create(session, "customer", data.custom_fields)
    await fields.ensure_customer_tags(session, customer.tags)
    await _assign_owner(session, principal, customer, data.owner_id or principal.user_id)
    session.add(customer)
    await session.flush()
    record_change(
        session,
        action="create",
        object_type="customer",
        object_id=customer.id,
        after=audit.snapshot(customer),
        payload={"owner_id": str(customer.owner_id)},
    )
    return customer


async def update_customer(
    session: AsyncSession,
    principal: Principal,
    *,
    customer_id: uuid.UUID,
    data: CustomerUpdate,
    if_match: int | None,
) -> Customer:
    customer = await get_customer(session, principal, customer_id, for_update=True)
    check_version(customer, if_match, data.version)
    before = audit.snapshot(customer)
    changes = data.model_dump(exclude_unset=True, exclude={"version", "owner_id", "custom_fields"})
    if "name" in changes and changes["name"] is None:
        raise Unprocessable("A customer needs a name.", errors=[field_error("name", "Required.")])
    if data.custom_fields is not None:
        customer.custom = await fields.custom_for_update(
            session, "customer", data.custom_fields, customer.custom
        )
    if "kind" in changes and changes["kind"] is None:
        changes.pop("kind")
    if "tags" in changes and changes["tags"] is None:
        changes["tags"] = []
    for key, value in changes.items():
        setattr(customer, key, value)
    apply_cleaning(customer, address_changed="address" in changes)
    if changes.get("tags"):
        await fields.ensure_customer_tags(session, customer.tags)
    owner_changed = "owner_id" in data.model_fields_set and data.owner_id != customer.owner_id
    if owner_changed:
        if data.owner_id is None:
            raise Unprocessable(
                "A customer needs an owner.", errors=[field_error("owner_id", "Required.")]
            )
        await _assign_owner(session, principal, customer, data.owner_id)
    await session.flush()
    after = audit.snapshot(customer)
    record_change(
        session,
        action="update",
        object_type="customer",
        object_id=customer.id,
        before=before,
        after=after,
        payload={"changed": sorted(audit.diff(before, after))},
    )
    if owner_changed:
        events.emit(
            session,
            "customer.owner_changed",
            object_type="customer",
            object_id=customer.id,
            payload={"from": before["owner_id"], "to": str(customer.owner_id)},
        )
    return customer


async def delete_customer(
    session: AsyncSession, principal: Principal, *, customer_id: uuid.UUID
) -> None:
    customer = await get_customer(session, principal, customer_id, for_update=True)
    await recycle.soft_delete(
        session, customer, object_type="customer", title=customer.name, actor_id=principal.user_id
    )


# --- contacts ---------------------------------------------------------------------------------


def contact_filter_statement(
    principal: Principal, filters: ContactFilters, custom: Sequence[Any] = ()
) -> Select[Any]:
    """The contacts ``principal`` may see that match ``filters`` and the ``custom`` field
    conditions, unsorted (list and export); rows of the :class:`ContactRead` columns."""
    stmt = readable(select_columns(ContactRead, Contact), Contact, principal)
    if filters.customer_id is not None:
        stmt = stmt.where(Contact.customer_id == filters.customer_id)
    if filters.q:
        clauses = [text_contains(Contact.name, filters.q), text_contains(Contact.email, filters.q)]
        digits = phone_search_digits(filters.q)
        if digits:
            clauses.append(Contact.phone_e164.like(f"%{digits}%"))
        stmt = stmt.where(or_(*clauses))
    for clause in custom:
        stmt = stmt.where(clause)
    return stmt


async def list_contacts(
    session: AsyncSession,
    principal: Principal,
    *,
    params: PageParams,
    filters: ContactFilters,
    custom: Sequence[tuple[str, str]] = (),
) -> tuple[Sequence[Row[Any]], str | None, int | None]:
    clauses = await fields.custom_filters(session, Contact, "contact", custom)
    return await paginate(
        session,
        contact_filter_statement(principal, filters, clauses),
        params=params,
        id_column=Contact.id,
        sortable=await fields.sortable(session, Contact, "contact", CONTACT_SORTS, params.sort),
        default_sort=CONTACT_DEFAULT_SORT,
    )


async def create_contact(
    session: AsyncSession, principal: Principal, *, data: ContactCreate
) -> Contact:
    try:
        await get_customer(session, principal, data.customer_id)
    except NotFound as exc:
        raise Unprocessable(
            "No such customer.", errors=[field_error("customer_id", "No such customer.")]
        ) from exc
    contact = Contact(
        **data.model_dump(exclude={"custom_fields"}), phone_e164=phone_to_e164(data.phone)
    )
    contact.custom = await fields.custom_for_create(session, "contact", data.custom_fields)
    session.add(contact)
    await session.flush()
    record_change(
        session,
        action="create",
        object_type="contact",
        object_id=contact.id,
        after=audit.snapshot(contact),
        payload={"customer_id": str(contact.customer_id)},
    )
    return contact


async def update_contact(
    session: AsyncSession,
    principal: Principal,
    *,
    contact_id: uuid.UUID,
    data: ContactUpdate,
    if_match: int | None,
) -> Contact:
    contact = await get_contact(session, principal, contact_id, for_update=True)
    check_version(contact, if_match, data.version)
    before = audit.snapshot(contact)
    changes = data.model_dump(exclude_unset=True, exclude={"version", "custom_fields"})
    if "name" in changes and changes["name"] is None:
        raise Unprocessable("A contact needs a name.", errors=[field_error("name", "Required.")])
    if data.custom_fields is not None:
        contact.custom = await fields.custom_for_update(
            session, "contact", data.custom_fields, contact.custom
        )
    if "is_primary" in changes and changes["is_primary"] is None:
        changes.pop("is_primary")
    for key, value in changes.items():
        setattr(contact, key, value)
    if "phone" in changes:
        contact.phone_e164 = phone_to_e164(contact.phone)
    await session.flush()
    record_change(
        session,
        action="update",
        object_type="contact",
        object_id=contact.id,
        before=before,
        after=audit.snapshot(contact),
    )
    return contact


async def delete_contact(
    session: AsyncSession, principal: Principal, *, contact_id: uuid.UUID
) -> None:
    contact = await get_contact(session, principal, contact_id, for_update=True)
    customer = await session.get(Customer, contact.customer_id)
    await recycle.soft_delete(
        session,
        contact,
        object_type="contact",
        title=contact.name,
        actor_id=principal.user_id,
        owner_id=customer.owner_id if customer else None,
        department_id=customer.department_id if customer else None,
    )


async def customer_name_column(session: AsyncSession, rows: Sequence[Any]) -> RowExtra:
    """``computed`` for :func:`page_response` of records that belong to a customer (deals,
    contracts, orders): each item's ``customer_name``, the page's names read in one query, so
    a list shows its customers without one request per row. The name goes with the record the
    caller may see (as on its printed documents), even when the customer itself is owned by
    someone else."""
    names = await names_by_id(session, Customer.name, Customer.id, (r.customer_id for r in rows))
    return lambda item: {"customer_name": names.get(item["customer_id"])}
