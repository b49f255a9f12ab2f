"""HTTP routes of the customer pool."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from crm.core.concurrency import IfMatchVersion, set_etag
from crm.core.deps import SessionDep
from crm.core.pagination import Page, PageParamsDep, page_response
from crm.customers import fields
from crm.customers.models import Customer
from crm.customers.pool import service
from crm.customers.pool.deps import (
    AdminSettings,
    CustomersAssign,
    CustomersClaim,
    CustomersRead,
    CustomersWrite,
)
from crm.customers.pool.schemas import (
    AssignRequest,
    OwnershipCaps,
    OwnershipCapsRead,
    PoolCustomerRead,
    PoolPolicyCreate,
    PoolPolicyRead,
    PoolPolicyUpdate,
    ReleaseRequest,
)
from crm.customers.schemas import CustomerRead

router = APIRouter(prefix="/api/v1")
ShortFilter = Annotated[str | None, Query(max_length=100)]


async def _read(session: SessionDep, customer: Customer, response: Response) -> CustomerRead:
    set_etag(response, customer)
    return (await fields.with_completeness(session, CustomerRead, "customer", [customer]))[0]


@router.get(
    "/customer-pool",
    response_model=Page[PoolCustomerRead],
    tags=["customer-pool"],
    operation_id="customer-pool-list",
    description="Customers without an owner that you may work with: those your customer data "
    "scope shows, and, if you may claim or assign, the pools of your department (and those "
    "below it) and the company-wide pool (customers without a department).",
)
async def list_pool(
    session: SessionDep,
    principal: CustomersRead,
    params: PageParamsDep,
    level: ShortFilter = None,
    department_id: uuid.UUID | None = None,
    previous_owner_id: uuid.UUID | None = None,
) -> Response:
    page = await service.list_pool(
        session,
        principal,
        params=params,
        level=level,
        department_id=department_id,
        previous_owner_id=previous_owner_id,
    )
    completeness = await fields.completeness_of(session, "customer")
    return page_response(page, PoolCustomerRead, Customer, computed=completeness)


@router.post(
    "/customer-pool/{customer_id}/claim",
    response_model=CustomerRead,
    tags=["customer-pool"],
    operation_id="customer-pool-claim",
    description="Take a pool customer. 422 when you own as many customers as your cap "
    "(`GET /api/v1/customer-pool/caps`), 409 when someone else claimed it first.",
)
async def claim(
    session: SessionDep, principal: CustomersClaim, customer_id: uuid.UUID, response: Response
) -> CustomerRead:
    customer = await service.claim(session, principal, customer_id=customer_id)
    return await _read(session, customer, response)


@router.post(
    "/customer-pool/{customer_id}/assign",
    response_model=CustomerRead,
    tags=["customer-pool"],
    operation_id="customer-pool-assign",
    description="Give a pool customer to a user in your data scope, within that user's cap.",
)
async def assign(
    session: SessionDep,
    principal: CustomersAssign,
    customer_id: uuid.UUID,
    body: AssignRequest,
    response: Response,
) -> CustomerRead:
    customer = await service.assign(
        session, principal, customer_id=customer_id, user_id=body.user_id
    )
    return await _read(session, customer, response)


@router.post(
    "/customers/{customer_id}/release-to-pool",
    response_model=CustomerRead,
    tags=["customer-pool"],
    operation_id="customer-pool-release",
    description="Put an owned customer in your data scope back into its department's pool.",
)
async def release(
    session: SessionDep,
    principal: CustomersWrite,
    customer_id: uuid.UUID,
    response: Response,
    body: ReleaseRequest | None = None,
) -> CustomerRead:
    customer = await service.release(
        session, principal, customer_id=customer_id, reason=body.reason if body else None
    )
    return await _read(session, customer, response)


# --- policies and caps --------------------------------------------------------------------------


@router.get(
    "/customer-pool/policies",
    response_model=Page[PoolPolicyRead],
    tags=["customer-pool"],
    operation_id="customer-pool-policies-list",
)
async def list_policies(session: SessionDep, _: CustomersRead, params: PageParamsDep) -> Response:
    return page_response(await service.list_policies(session, params=params), PoolPolicyRead)


@router.post(
    "/customer-pool/policies",
    response_model=PoolPolicyRead,
    status_code=201,
    tags=["customer-pool"],
    operation_id="customer-pool-policies-create",
)
async def create_policy(
    session: SessionDep, _: AdminSettings, body: PoolPolicyCreate, response: Response
) -> PoolPolicyRead:
    policy = await service.create_policy(session, data=body)
    set_etag(response, policy)
    return PoolPolicyRead.model_validate(policy)


@router.get(
    "/customer-pool/policies/{policy_id}",
    response_model=PoolPolicyRead,
    tags=["customer-pool"],
    operation_id="customer-pool-policies-get",
)
async def get_policy(
    session: SessionDep, _: CustomersRead, policy_id: uuid.UUID, response: Response
) -> PoolPolicyRead:
    policy = await service.get_policy(session, policy_id)
    set_etag(response, policy)
    return PoolPolicyRead.model_validate(policy)


@router.patch(
    "/customer-pool/policies/{policy_id}",
    response_model=PoolPolicyRead,
    tags=["customer-pool"],
    operation_id="customer-pool-policies-update",
)
async def update_policy(
    session: SessionDep,
    _: AdminSettings,
    policy_id: uuid.UUID,
    body: PoolPolicyUpdate,
    if_match: IfMatchVersion,
    response: Response,
) -> PoolPolicyRead:
    policy = await service.update_policy(session, policy_id=policy_id, data=body, if_match=if_match)
    set_etag(response, policy)
    return PoolPolicyRead.model_validate(policy)


@router.delete(
    "/customer-pool/policies/{policy_id}",
    status_code=204,
    tags=["customer-pool"],
    operation_id="customer-pool-policies-delete",
)
async def delete_policy(session: SessionDep, _: AdminSettings, policy_id: uuid.UUID) -> Response:
    await service.delete_policy(session, policy_id=policy_id)
    return Response(status_code=204)


@router.get(
    "/customer-pool/caps",
    response_model=OwnershipCapsRead,
    tags=["customer-pool"],
    operation_id="customer-pool-caps-get",
)
async def get_caps(session: SessionDep, principal: CustomersRead) -> OwnershipCapsRead:
    return await service.get_caps(session, principal)


@router.put(
    "/customer-pool/caps",
    response_model=OwnershipCapsRead,
    tags=["customer-pool"],
    operation_id="customer-pool-caps-set",
    description="Replace every cap: the default and one per role.",
)
async def set_caps(
    session: SessionDep, principal: AdminSettings, body: OwnershipCaps
) -> OwnershipCapsRead:
    return await service.set_caps(session, principal, data=body)
