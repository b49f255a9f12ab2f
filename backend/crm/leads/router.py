"""HTTP routes of leads, the pool, assignments, assignment rules and conversion."""

from __future__ import annotations

import uuid
from enum import Enum
from typing import Annotated

from fastapi import APIRouter, Query, Response

from crm.core.concurrency import IfMatchVersion, set_etag
from crm.core.deps import SessionDep
from crm.core.pagination import Page, PageParamsDep, page_response
from crm.leads import convert, rules, service
from crm.leads.deps import LeadsAssign, LeadsDelete, LeadsRead, LeadsWrite
from crm.leads.schemas import (
    AssignRequest,
    ConvertRequest,
    ConvertResult,
    LeadAssignmentRead,
    LeadCreate,
    LeadFilters,
    LeadPoolFilters,
    LeadRead,
    LeadUpdate,
    RuleCreate,
    RuleRead,
    RuleReorder,
    RuleUpdate,
)

router = APIRouter(prefix="/api/v1")
TAGS: list[str | Enum] = ["leads"]
RULE_TAGS: list[str | Enum] = ["lead-assignment-rules"]


@router.get("/leads", response_model=Page[LeadRead], tags=TAGS, operation_id="leads-list")
async def list_leads(
    session: SessionDep,
    principal: LeadsRead,
    params: PageParamsDep,
    filters: Annotated[LeadFilters, Query()],
) -> Response:
    """The leads in your data scope (`q`: name, company, e-mail, phone in any format)."""
    page = await service.list_leads(session, principal, params=params, filters=filters)
    return page_response(page, LeadRead)


@router.get("/leads/pool", response_model=Page[LeadRead], tags=TAGS, operation_id="leads-pool")
async def list_pool(
    session: SessionDep,
    principal: LeadsRead,
    params: PageParamsDep,
    filters: Annotated[LeadPoolFilters, Query()],
) -> Response:
    """The pool: leads without an owner, visible to everyone holding leads:read, whatever
    their data scope; claim one with `POST /leads/{id}/claim`."""
    page = await service.list_leads(
        session,
        principal,
        params=params,
        filters=filters,
        pool=True,
    )
    return page_response(page, LeadRead)


@router.post(
    "/leads", response_model=LeadRead, status_code=201, tags=TAGS, operation_id="leads-create"
)
async def create_lead(
    session: SessionDep, principal: LeadsWrite, body: LeadCreate, response: Response
) -> LeadRead:
    lead = await service.create_lead(session, principal, data=body)
    set_etag(response, lead)
    return LeadRead.model_validate(lead)


@router.get("/leads/{lead_id}", response_model=LeadRead, tags=TAGS, operation_id="leads-get")
async def get_lead(
    session: SessionDep, principal: LeadsRead, lead_id: uuid.UUID, response: Response
) -> LeadRead:
    """A lead in your data scope, or in the pool."""
    lead = await service.get_lead(session, principal, lead_id)
    set_etag(response, lead)
    return LeadRead.model_validate(lead)


@router.patch("/leads/{lead_id}", response_model=LeadRead, tags=TAGS, operation_id="leads-update")
async def update_lead(
    session: SessionDep,
    principal: LeadsWrite,
    lead_id: uuid.UUID,
    body: LeadUpdate,
    if_match: IfMatchVersion,
    response: Response,
) -> LeadRead:
    """Edit a lead in your data scope. The owner changes through claim and assign."""
    lead = await service.update_lead(
        session, principal, lead_id=lead_id, data=body, if_match=if_match
    )
    set_etag(response, lead)
    return LeadRead.model_validate(lead)


@router.delete("/leads/{lead_id}", status_code=204, tags=TAGS, operation_id="leads-delete")
async def delete_lead(session: SessionDep, principal: LeadsDelete, lead_id: uuid.UUID) -> Response:
    await service.delete_lead(session, principal, lead_id=lead_id)
    return Response(status_code=204)


@router.post(
    "/leads/{lead_id}/claim", response_model=LeadRead, tags=TAGS, operation_id="leads-claim"
)
async def claim_lead(
    session: SessionDep, principal: LeadsWrite, lead_id: uuid.UUID, response: Response
) -> LeadRead:
    """Take a pool lead (409 when someone owns it already)."""
    lead = await service.claim_lead(session, principal, lead_id=lead_id)
    set_etag(response, lead)
    return LeadRead.model_validate(lead)


@router.post(
    "/leads/{lead_id}/assign", response_model=LeadRead, tags=TAGS, operation_id="leads-assign"
)
async def assign_lead(
    session: SessionDep,
    principal: LeadsAssign,
    lead_id: uuid.UUID,
    body: AssignRequest,
    response: Response,
) -> LeadRead:
    """Give a lead (in your scope, or from the pool) to a user within your data scope."""
    lead = await service.assign_lead(
        session, principal, lead_id=lead_id, user_id=body.user_id, reason=body.reason
    )
    set_etag(response, lead)
    return LeadRead.model_validate(lead)


@router.get(
    "/leads/{lead_id}/assignments",
    response_model=Page[LeadAssignmentRead],
    tags=TAGS,
    operation_id="leads-assignments",
)
async def list_assignments(
    session: SessionDep, principal: LeadsRead, lead_id: uuid.UUID, params: PageParamsDep
) -> Response:
    """Every owner change of the lead, oldest first."""
    page = await service.list_assignments(session, principal, lead_id=lead_id, params=params)
    return page_response(page, LeadAssignmentRead)


@router.post(
    "/leads/{lead_id}/convert",
    response_model=ConvertResult,
    tags=TAGS,
    operation_id="leads-convert",
)
async def convert_lead(
    session: SessionDep, principal: LeadsWrite, lead_id: uuid.UUID, body: ConvertRequest
) -> ConvertResult:
    """Customer (new, after the duplicate check, or linked), contact and deal, all or nothing.
    A new customer needs customers:write, a contact contacts:write and a deal deals:write."""
    done = await convert.convert_lead(session, principal, lead_id=lead_id, data=body)
    return ConvertResult(
        lead=LeadRead.model_validate(done.lead),
        customer_id=done.customer.id,
        customer_created=done.customer_created,
        contact_id=done.contact.id if done.contact else None,
        deal_id=done.deal_id,
    )


# --- assignment rules --------------------------------------------------------------------------


@router.get(
    "/lead-assignment-rules",
    response_model=list[RuleRead],
    tags=RULE_TAGS,
    operation_id="lead-assignment-rules-list",
)
async def list_rules(session: SessionDep, principal: LeadsRead) -> list[RuleRead]:
    """Every rule in evaluation order (the first active match assigns). Readable by everyone
    working leads (how leads are routed is no secret, and auditors read everything); changed
    with leads:assign only."""
    return [RuleRead.model_validate(r) for r in await rules.list_rules(session)]


@router.post(
    "/lead-assignment-rules",
    response_model=RuleRead,
    status_code=201,
    tags=RULE_TAGS,
    operation_id="lead-assignment-rules-create",
)
async def create_rule(session: SessionDep, principal: LeadsAssign, body: RuleCreate) -> RuleRead:
    return RuleRead.model_validate(await rules.create_rule(session, data=body))


@router.post(
    "/lead-assignment-rules/reorder",
    response_model=list[RuleRead],
    tags=RULE_TAGS,
    operation_id="lead-assignment-rules-reorder",
)
async def reorder_rules(
    session: SessionDep, principal: LeadsAssign, body: RuleReorder
) -> list[RuleRead]:
    return [RuleRead.model_validate(r) for r in await rules.reorder_rules(session, data=body)]


@router.patch(
    "/lead-assignment-rules/{rule_id}",
    response_model=RuleRead,
    tags=RULE_TAGS,
    operation_id="lead-assignment-rules-update",
)
async def update_rule(
    session: SessionDep,
    principal: LeadsAssign,
    rule_id: uuid.UUID,
    body: RuleUpdate,
    if_match: IfMatchVersion,
    response: Response,
) -> RuleRead:
    rule = await rules.update_rule(session, rule_id=rule_id, data=body, if_match=if_match)
    set_etag(response, rule)
    return RuleRead.model_validate(rule)


@router.delete(
    "/lead-assignment-rules/{rule_id}",
    status_code=204,
    tags=RULE_TAGS,
    operation_id="lead-assignment-rules-delete",
)
async def delete_rule(session: SessionDep, principal: LeadsAssign, rule_id: uuid.UUID) -> Response:
    await rules.delete_rule(session, rule_id=rule_id)
    return Response(status_code=204)
