"""HTTP routes of customers and contacts."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from crm.core.concurrency import IfMatchVersion, set_etag
from crm.core.deps import SessionDep
from crm.core.pagination import Page, PageParamsDep, page_response
from crm.customers import fields, service, tagging
from crm.customers.deps import (
    ContactsDelete,
    ContactsRead,
    ContactsWrite,
    CustomersDelete,
    CustomersRead,
    CustomersWrite,
)
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
from crm.customfields.query import FILTER_DOC, CustomFilterParams

router = APIRouter(prefix="/api/v1")


async def _read(session: SessionDep, customer: Customer) -> CustomerRead:
    """The customer as the API shows it, completeness included."""
    return (await fields.with_completeness(session, CustomerRead, "customer", [customer]))[0]


@router.get(
    "/customers",
    response_model=Page[CustomerRead],
    tags=["customers"],
    operation_id="customers-list",
    description=FILTER_DOC,
)
async def list_customers(
    session: SessionDep,
    principal: CustomersRead,
    params: PageParamsDep,
    filters: Annotated[CustomerFilters, Query()],
    custom: CustomFilterParams,
) -> Response:
    page = await service.list_customers(
        session, principal, params=params, filters=filters, custom=custom
    )
    completeness = await fields.completeness_of(session, "customer")
    return page_response(page, CustomerRead, Customer, computed=completeness)


@router.post(
    "/customers",
    response_model=CustomerRead,
    status_code=201,
    tags=["customers"],
    operation_id="customers-create",
)
async def create_customer(
    session: SessionDep, principal: CustomersWrite, body: CustomerCreate, response: Response
) -> CustomerRead:
    customer = await service.create_customer(session, principal, data=body)
    set_etag(response, customer)
    return await _read(session, customer)


@router.get(
    "/customers/{customer_id}",
    response_model=CustomerRead,
    tags=["customers"],
    operation_id="customers-get",
)
async def get_customer(
    session: SessionDep, principal: CustomersRead, customer_id: uuid.UUID, response: Response
) -> CustomerRead:
    customer = await service.get_customer(session, principal, customer_id)
    set_etag(response, customer)
    return await _read(session, customer)


@router.patch(
    "/customers/{customer_id}",
    response_model=CustomerRead,
    tags=["customers"],
    operation_id="customers-update",
)
async def update_customer(
    session: SessionDep,
    principal: CustomersWrite,
    customer_id: uuid.UUID,
    body: CustomerUpdate,
    if_match: IfMatchVersion,
    response: Response,
) -> CustomerRead:
    customer = await service.update_customer(
        session, principal, customer_id=customer_id, data=body, if_match=if_match
    )
    set_etag(response, customer)
    return await _read(session, customer)


@router.delete(
    "/customers/{customer_id}", status_code=204, tags=["customers"], operation_id="customers-delete"
)
async def delete_customer(
    session: SessionDep, principal: CustomersDelete, customer_id: uuid.UUID
) -> Response:
    await service.delete_customer(session, principal, customer_id=customer_id)
    return Response(status_code=204)


@router.get(
    "/customers/{customer_id}/contacts",
    response_model=Page[ContactRead],
    tags=["customers"],
    operation_id="customers-list-contacts",
)
async def list_customer_contacts(
    session: SessionDep, principal: ContactsRead, customer_id: uuid.UUID, params: PageParamsDep
) -> Response:
    await service.get_customer(session, principal, customer_id)  # 404 outside the scope
    return page_response(
        await service.list_contacts(
            session,
            principal,
            params=params,
            filters=ContactFilters(q=params.q, customer_id=customer_id),
        ),
        ContactRead,
        Contact,
    )


@router.get(
    "/contacts",
    response_model=Page[ContactRead],
    tags=["contacts"],
    operation_id="contacts-list",
    description=FILTER_DOC,
)
async def list_contacts(
    session: SessionDep,
    principal: ContactsRead,
    params: PageParamsDep,
    filters: Annotated[ContactFilters, Query()],
    custom: CustomFilterParams,
) -> Response:
    return page_response(
        await service.list_contacts(
            session, principal, params=params, filters=filters, custom=custom
        ),
        ContactRead,
        Contact,
    )


@router.post(
    "/contacts",
    response_model=ContactRead,
    status_code=201,
    tags=["contacts"],
    operation_id="contacts-create",
)
async def create_contact(
    session: SessionDep, principal: ContactsWrite, body: ContactCreate
) -> ContactRead:
    return ContactRead.model_validate(await service.create_contact(session, principal, data=body))


@router.get(
    "/contacts/{contact_id}",
    response_model=ContactRead,
    tags=["contacts"],
    operation_id="contacts-get",
)
async def get_contact(
    session: SessionDep, principal: ContactsRead, contact_id: uuid.UUID, response: Response
) -> ContactRead:
    contact = await service.get_contact(session, principal, contact_id)
    set_etag(response, contact)
    return ContactRead.model_validate(contact)


@router.patch(
    "/contacts/{contact_id}",
    response_model=ContactRead,
    tags=["contacts"],
    operation_id="contacts-update",
)
async def update_contact(
    session: SessionDep,
    principal: ContactsWrite,
    contact_id: uuid.UUID,
    body: ContactUpdate,
    if_match: IfMatchVersion,
    response: Response,
) -> ContactRead:
    contact = await service.update_contact(
        session, principal, contact_id=contact_id, data=body, if_match=if_match
    )
    set_etag(response, contact)
    return ContactRead.model_validate(contact)


@router.delete(
    "/contacts/{contact_id}", status_code=204, tags=["contacts"], operation_id="contacts-delete"
)
async def delete_contact(
    session: SessionDep, principal: ContactsDelete, contact_id: uuid.UUID
) -> Response:
    await service.delete_contact(session, principal, contact_id=contact_id)
    return Response(status_code=204)


@router.post(
    "/customers/bulk-tag",
    response_model=tagging.BulkTagResult,
    tags=["customers"],
    operation_id="customers-bulk-tag",
    description="Add and remove tags on every customer in your data scope that matches `filter` "
    "(the list filters, `q` included) and, when given, is among `ids`. Unknown tags are created "
    "with the default colour. Each changed customer gets its own audit entry and event.",
)
async def bulk_tag_customers(
    session: SessionDep, principal: CustomersWrite, body: tagging.BulkTagRequest
) -> tagging.BulkTagResult:
    return await tagging.bulk_tag(session, principal, data=body)
