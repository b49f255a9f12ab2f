"""HTTP routes of contract templates and contracts."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response

from crm.contracts import service
from crm.contracts.deps import ContractsDelete, ContractsRead, ContractsWrite, SettingsAdmin
from crm.contracts.models import Contract
from crm.contracts.schemas import (
    ContractCreate,
    ContractRead,
    ContractRenew,
    ContractStatus,
    ContractSummary,
    ContractTemplateCreate,
    ContractTemplateRead,
    ContractTemplateUpdate,
    ContractTransition,
    ContractUpdate,
)
from crm.core.concurrency import IfMatchVersion, set_etag
from crm.core.deps import SessionDep
from crm.core.pagination import Page, PageParamsDep, page_response
from crm.customers import service as customer_service

router = APIRouter(prefix="/api/v1")


# --- templates ----------------------------------------------------------------------------------


@router.get(
    "/contract-templates",
    response_model=Page[ContractTemplateRead],
    tags=["contract-templates"],
    operation_id="contract-templates-list",
)
async def list_templates(
    session: SessionDep, principal: ContractsRead, params: PageParamsDep, active: bool | None = None
) -> Response:
    return page_response(
        await service.list_templates(session, params=params, active=active), ContractTemplateRead
    )


@router.post(
    "/contract-templates",
    response_model=ContractTemplateRead,
    status_code=201,
    tags=["contract-templates"],
    operation_id="contract-templates-create",
)
async def create_template(
    session: SessionDep, principal: SettingsAdmin, body: ContractTemplateCreate
) -> ContractTemplateRead:
    return ContractTemplateRead.model_validate(await service.create_template(session, data=body))


@router.get(
    "/contract-templates/{template_id}",
    response_model=ContractTemplateRead,
    tags=["contract-templates"],
    operation_id="contract-templates-get",
)
async def get_template(
    session: SessionDep, principal: ContractsRead, template_id: uuid.UUID, response: Response
) -> ContractTemplateRead:
    template = await service.get_template(session, template_id)
    set_etag(response, template)
    return ContractTemplateRead.model_validate(template)


@router.patch(
    "/contract-templates/{template_id}",
    response_model=ContractTemplateRead,
    tags=["contract-templates"],
    operation_id="contract-templates-update",
)
async def update_template(
    session: SessionDep,
    principal: SettingsAdmin,
    template_id: uuid.UUID,
    body: ContractTemplateUpdate,
    if_match: IfMatchVersion,
    response: Response,
) -> ContractTemplateRead:
    template = await service.update_template(
        session, template_id=template_id, data=body, if_match=if_match
    )
    set_etag(response, template)
    return ContractTemplateRead.model_validate(template)


@router.delete(
    "/contract-templates/{template_id}",
    status_code=204,
    tags=["contract-templates"],
    operation_id="contract-templates-delete",
)
async def delete_template(
    session: SessionDep, principal: SettingsAdmin, template_id: uuid.UUID
) -> Response:
    await service.delete_template(session, template_id=template_id)
    return Response(status_code=204)


# --- contracts ----------------------------------------------------------------------------------


@router.get(
    "/contracts",
    response_model=Page[ContractSummary],
    tags=["contracts"],
    operation_id="contracts-list",
)
async def list_contracts(
    session: SessionDep,
    principal: ContractsRead,
    params: PageParamsDep,
    status: ContractStatus | None = None,
    customer_id: uuid.UUID | None = None,
    deal_id: uuid.UUID | None = None,
) -> Response:
    page = await service.list_contracts(
        session, principal, params=params, status=status, customer_id=customer_id, deal_id=deal_id
    )
    names = await customer_service.customer_name_column(session, page[0])
    return page_response(page, ContractSummary, Contract, computed=names)


@router.post(
    "/contracts",
    response_model=ContractRead,
    status_code=201,
    tags=["contracts"],
    operation_id="contracts-create",
)
async def create_contract(
    session: SessionDep, principal: ContractsWrite, body: ContractCreate, response: Response
) -> ContractRead:
    contract = await service.create_contract(session, principal, data=body)
    set_etag(response, contract)
    return ContractRead.model_validate(contract)


@router.get(
    "/contracts/{contract_id}",
    response_model=ContractRead,
    tags=["contracts"],
    operation_id="contracts-get",
    description="Files of a contract are attachments with object_type `contract`.",
)
async def get_contract(
    session: SessionDep, principal: ContractsRead, contract_id: uuid.UUID, response: Response
) -> ContractRead:
    contract = await service.get_contract(session, principal, contract_id)
    set_etag(response, contract)
    return ContractRead.model_validate(contract)


@router.patch(
    "/contracts/{contract_id}",
    response_model=ContractRead,
    tags=["contracts"],
    operation_id="contracts-update",
)
async def update_contract(
    session: SessionDep,
    principal: ContractsWrite,
    contract_id: uuid.UUID,
    body: ContractUpdate,
    if_match: IfMatchVersion,
    response: Response,
) -> ContractRead:
    contract = await service.update_contract(
        session, principal, contract_id=contract_id, data=body, if_match=if_match
    )
    set_etag(response, contract)
    return ContractRead.model_validate(contract)


@router.post(
    "/contracts/{contract_id}/transition",
    response_model=ContractRead,
    tags=["contracts"],
    operation_id="contracts-transition",
    description="Statuses: draft → in_review → signed → expired | terminated (in_review may go "
    "back to draft). Any other move is a 409 naming the allowed ones.",
)
async def transition_contract(
    session: SessionDep,
    principal: ContractsWrite,
    contract_id: uuid.UUID,
    body: ContractTransition,
    if_match: IfMatchVersion,
    response: Response,
) -> ContractRead:
    contract = await service.transition_contract(
        session, principal, contract_id=contract_id, data=body, if_match=if_match
    )
    set_etag(response, contract)
    return ContractRead.model_validate(contract)


@router.post(
    "/contracts/{contract_id}/renew",
    response_model=ContractRead,
    status_code=201,
    tags=["contracts"],
    operation_id="contracts-renew",
)
async def renew_contract(
    session: SessionDep,
    principal: ContractsWrite,
    contract_id: uuid.UUID,
    body: ContractRenew,
    response: Response,
) -> ContractRead:
    renewal = await service.renew_contract(session, principal, contract_id=contract_id, data=body)
    set_etag(response, renewal)
    return ContractRead.model_validate(renewal)


@router.delete(
    "/contracts/{contract_id}", status_code=204, tags=["contracts"], operation_id="contracts-delete"
)
async def delete_contract(
    session: SessionDep, principal: ContractsDelete, contract_id: uuid.UUID
) -> Response:
    await service.delete_contract(session, principal, contract_id=contract_id)
    return Response(status_code=204)
