"""HTTP routes of duplicate detection and merging (mounted before the customer routes, whose
``/customers/{customer_id}`` would otherwise catch ``/customers/duplicates``)."""

from __future__ import annotations

import uuid
from typing import Annotated, TypeVar

from fastapi import APIRouter, Query, Response

from crm.core.deps import SessionDep
from crm.core.field_access import FieldView, view_for
from crm.core.pagination import Page, PageParamsDep, json_response
from crm.customers import fields
from crm.customers.dedupe import merge, service
from crm.customers.dedupe.schemas import (
    DuplicateCheck,
    DuplicateCheckResult,
    DuplicateGroupMember,
    DuplicateGroupRead,
    DuplicateScanStarted,
    MergeRequest,
    MergeResult,
    UnmergeResult,
)
from crm.customers.deps import CustomersMerge, CustomersRead
from crm.customers.schemas import CustomerRead

router = APIRouter(prefix="/api/v1")
R = TypeVar("R", MergeResult, UnmergeResult)


@router.get(
    "/customers/duplicates/check",
    response_model=DuplicateCheckResult,
    tags=["duplicates"],
    operation_id="duplicates-check",
)
async def check_duplicates(
    session: SessionDep, principal: CustomersRead, query: Annotated[DuplicateCheck, Query()]
) -> Response:
    """Customers that look like the one described: same phone or e-mail, or a similar name.
    Only those in your data scope are listed; `hidden_matches` says others exist.

    A GET (it changes nothing, so it is safe to repeat on every pause in typing, and an
    auditor may run it); the customer form calls it before saving."""
    candidates, hidden = await service.check_duplicates(session, principal, data=query)
    completeness = await fields.completeness_of(session, "customer")
    view = view_for(principal, "customer")
    # Written straight to JSON, as the list is (core.pagination.json_response): the check runs
    # on every pause in typing.
    return json_response(
        {
            "candidates": [
                {
                    "customer": view.shape({**c.customer, **completeness(c.customer)}),
                    "score": c.score,
                    "reasons": c.reasons,
                }
                for c in candidates
            ],
            "hidden_matches": hidden,
        }
    )


@router.get(
    "/customers/duplicates",
    response_model=Page[DuplicateGroupRead],
    tags=["duplicates"],
    operation_id="duplicates-list",
)
async def list_duplicate_groups(
    session: SessionDep, principal: CustomersRead, params: PageParamsDep
) -> Page[DuplicateGroupRead]:
    """The last scan's groups with at least two members you may see (sort: -score,
    -created_at)."""
    groups, next_cursor, total = await service.list_groups(session, principal, params=params)
    page = Page[DuplicateGroupRead](
        items=[
            DuplicateGroupRead(
                id=group.id,
                score=group.score,
                reasons=service.group_reasons(members),
                job_id=group.job_id,
                created_at=group.created_at,
                members=[
                    DuplicateGroupMember(
                        customer=CustomerRead.model_validate(customer),
                        score=member.score,
                        reasons=member.reasons,
                    )
                    for member, customer in members
                ],
            )
            for group, members in groups
        ],
        next_cursor=next_cursor,
        total=total,
    )
    view = view_for(principal, "customer")
    if not view.restricted:
        return page
    body = page.model_dump(mode="json")
    for group in body["items"]:
        for member in group["members"]:
            view.shape(member["customer"])
    return json_response(body)  # type: ignore[return-value]


@router.post(
    "/customers/duplicates/scan",
    response_model=DuplicateScanStarted,
    status_code=202,
    tags=["duplicates"],
    operation_id="duplicates-scan",
)
async def start_duplicate_scan(
    session: SessionDep, principal: CustomersMerge
) -> DuplicateScanStarted:
    """Scan the whole database in the worker; follow it at GET /api/v1/jobs/{job_id}."""
    job = await service.start_scan(session, principal)
    return DuplicateScanStarted(job_id=job.id)


@router.post(
    "/customers/merge",
    response_model=MergeResult,
    tags=["duplicates"],
    operation_id="customers-merge",
)
async def merge_customers(
    session: SessionDep, principal: CustomersMerge, body: MergeRequest
) -> MergeResult:
    """Merge `merged_ids` into `survivor_id`: field by field as chosen, tags combined, every
    related record moved to the survivor; the merged records go to the recycle bin."""
    entry, survivor, moved = await merge.merge_customers(session, principal, data=body)
    result = MergeResult(
        audit_id=entry.id,
        survivor=CustomerRead.model_validate(survivor),
        merged_ids=body.merged_ids,
        moved=moved,
    )
    return _with_shaped_survivor(view_for(principal, "customer"), result)


@router.post(
    "/customers/merge/{audit_id}/undo",
    response_model=UnmergeResult,
    tags=["duplicates"],
    operation_id="customers-merge-undo",
)
async def undo_merge(
    session: SessionDep, principal: CustomersMerge, audit_id: uuid.UUID
) -> UnmergeResult:
    """Undo a merge (its audit entry id): 409 once the survivor has changed since."""
    result = await merge.undo_merge(session, principal, audit_id=audit_id)
    undone = UnmergeResult(
        survivor=CustomerRead.model_validate(result.survivor),
        restored_ids=result.restored_ids,
        moved_back=result.moved_back,
    )
    return _with_shaped_survivor(view_for(principal, "customer"), undone)


def _with_shaped_survivor(view: FieldView, result: R) -> R:
    """``result`` with its survivor through the caller's field permissions."""
    if not view.restricted:
        return result
    body = result.model_dump(mode="json")
    view.shape(body["survivor"])
    return json_response(body)  # type: ignore[return-value]
