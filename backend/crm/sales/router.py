"""HTTP routes of pipelines (admin), deals, stage moves, the kanban and the forecast."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from crm.core.concurrency import IfMatchVersion, set_etag
from crm.core.dates import StrictDate
from crm.core.deps import SessionDep
from crm.core.pagination import Page, PageParamsDep, page_response
from crm.customers import service as customer_service
from crm.sales import board, pipelines, service
from crm.sales.deps import DealsDelete, DealsRead, DealsWrite, PipelinesAdmin
from crm.sales.models import Deal, Pipeline
from crm.sales.schemas import (
    DealCreate,
    DealFilters,
    DealListItem,
    DealMove,
    DealRead,
    DealStatus,
    DealUpdate,
    Forecast,
    Kanban,
    PipelineCreate,
    PipelineRead,
    PipelineUpdate,
    StageHistory,
    StageIn,
    StageRead,
    StageUpdate,
)

router = APIRouter(prefix="/api/v1")


async def _pipeline_read(session: SessionDep, pipeline: Pipeline) -> PipelineRead:
    stages = await pipelines.stages_of(session, pipeline.id)
    return PipelineRead.model_validate(pipeline).model_copy(
        update={"stages": [StageRead.model_validate(s) for s in stages]}
    )


# --- pipelines --------------------------------------------------------------------------------


@router.get(
    "/pipelines",
    response_model=list[PipelineRead],
    tags=["pipelines"],
    operation_id="pipelines-list",
)
async def list_pipelines(
    session: SessionDep, principal: DealsRead, include_inactive: bool = False
) -> list[PipelineRead]:
    """Every pipeline with its stages in order (the default one first)."""
    found = await pipelines.list_pipelines(session, include_inactive=include_inactive)
    stages = await pipelines.stages_by_pipeline(session, [p.id for p in found])
    return [
        PipelineRead.model_validate(p).model_copy(
            update={"stages": [StageRead.model_validate(s) for s in stages[p.id]]}
        )
        for p in found
    ]


@router.post(
    "/pipelines",
    response_model=PipelineRead,
    status_code=201,
    tags=["pipelines"],
    operation_id="pipelines-create",
)
async def create_pipeline(
    session: SessionDep, principal: PipelinesAdmin, body: PipelineCreate, response: Response
) -> PipelineRead:
    """A pipeline with its stages in order: exactly one won and one lost stage, at least one
    open stage, unique keys. The first pipeline, or one created with is_default, becomes
    the default."""
    pipeline = await pipelines.create_pipeline(session, data=body)
    set_etag(response, pipeline)
    return await _pipeline_read(session, pipeline)


@router.get(
    "/pipelines/{pipeline_id}",
    response_model=PipelineRead,
    tags=["pipelines"],
    operation_id="pipelines-get",
)
async def get_pipeline(
    session: SessionDep, principal: DealsRead, pipeline_id: uuid.UUID, response: Response
) -> PipelineRead:
    pipeline = await pipelines.get_pipeline(session, pipeline_id)
    set_etag(response, pipeline)
    return await _pipeline_read(session, pipeline)


@router.patch(
    "/pipelines/{pipeline_id}",
    response_model=PipelineRead,
    tags=["pipelines"],
    operation_id="pipelines-update",
)
async def update_pipeline(
    session: SessionDep,
    principal: PipelinesAdmin,
    pipeline_id: uuid.UUID,
    body: PipelineUpdate,
    if_match: IfMatchVersion,
    response: Response,
) -> PipelineRead:
    pipeline = await pipelines.update_pipeline(
        session, pipeline_id=pipeline_id, data=body, if_match=if_match
    )
    set_etag(response, pipeline)
    return await _pipeline_read(session, pipeline)


@router.delete(
    "/pipelines/{pipeline_id}", status_code=204, tags=["pipelines"], operation_id="pipelines-delete"
)
async def delete_pipeline(
    session: SessionDep, principal: PipelinesAdmin, pipeline_id: uuid.UUID
) -> Response:
    """Only a pipeline that never had deals, and not the default one (409 otherwise)."""
    await pipelines.delete_pipeline(session, pipeline_id=pipeline_id)
    return Response(status_code=204)


@router.post(
    "/pipelines/{pipeline_id}/stages",
    response_model=StageRead,
    status_code=201,
    tags=["pipelines"],
    operation_id="pipelines-add-stage",
)
async def add_stage(
    session: SessionDep,
    principal: PipelinesAdmin,
    pipeline_id: uuid.UUID,
    body: StageIn,
    position: Annotated[int | None, Query(ge=1, description="1-based; default: last")] = None,
) -> StageRead:
    stage = await pipelines.add_stage(
        session, pipeline_id=pipeline_id, data=body, position=position
    )
    return StageRead.model_validate(stage)


@router.patch(
    "/pipelines/{pipeline_id}/stages/{stage_id}",
    response_model=StageRead,
    tags=["pipelines"],
    operation_id="pipelines-update-stage",
)
async def update_stage(
    session: SessionDep,
    principal: PipelinesAdmin,
    pipeline_id: uuid.UUID,
    stage_id: uuid.UUID,
    body: StageUpdate,
    if_match: IfMatchVersion,
    response: Response,
) -> StageRead:
    stage = await pipelines.update_stage(
        session, pipeline_id=pipeline_id, stage_id=stage_id, data=body, if_match=if_match
    )
    set_etag(response, stage)
    return StageRead.model_validate(stage)


@router.delete(
    "/pipelines/{pipeline_id}/stages/{stage_id}",
    status_code=204,
    tags=["pipelines"],
    operation_id="pipelines-delete-stage",
)
async def delete_stage(
    session: SessionDep, principal: PipelinesAdmin, pipeline_id: uuid.UUID, stage_id: uuid.UUID
) -> Response:
    """Only a stage no deal is in (409 otherwise); the pipeline keeps one won and one lost."""
    await pipelines.delete_stage(session, pipeline_id=pipeline_id, stage_id=stage_id)
    return Response(status_code=204)


@router.get(
    "/pipelines/{pipeline_id}/kanban",
    response_model=Kanban,
    tags=["pipelines"],
    operation_id="pipelines-kanban",
)
async def kanban(
    session: SessionDep,
    principal: DealsRead,
    pipeline_id: uuid.UUID,
    limit: Annotated[int, Query(ge=1, le=100, description="Cards per stage")] = 20,
    stage_id: Annotated[uuid.UUID | None, Query(description="Only this column")] = None,
    cursor: Annotated[
        str | None, Query(max_length=1000, description="A column's next_cursor (with stage_id)")
    ] = None,
) -> Kanban:
    """The open deals you see, by open stage: count, amount per currency, first cards."""
    return await board.kanban(
        session, principal, pipeline_id=pipeline_id, limit=limit, stage_id=stage_id, cursor=cursor
    )


# --- deals ------------------------------------------------------------------------------------


@router.get("/deals", response_model=Page[DealListItem], tags=["deals"], operation_id="deals-list")
async def list_deals(
    session: SessionDep,
    principal: DealsRead,
    params: PageParamsDep,
    filters: Annotated[DealFilters, Query()],
) -> Response:
    page = await service.list_deals(session, principal, params=params, filters=filters)
    names = await customer_service.customer_name_column(session, page[0])
    return page_response(page, DealListItem, Deal, computed=names)


@router.post(
    "/deals", response_model=DealRead, status_code=201, tags=["deals"], operation_id="deals-create"
)
async def create_deal(
    session: SessionDep, principal: DealsWrite, body: DealCreate, response: Response
) -> DealRead:
    """A deal in the first open stage of its pipeline, for a customer you can see."""
    deal = await service.create_deal(session, principal, data=body)
    set_etag(response, deal)
    response.headers["Location"] = f"/api/v1/deals/{deal.id}"
    return DealRead.model_validate(deal)


@router.get(
    "/deals/forecast", response_model=Forecast, tags=["deals"], operation_id="deals-forecast"
)
async def forecast(
    session: SessionDep,
    principal: DealsRead,
    pipeline_id: uuid.UUID | None = None,
    date_from: Annotated[StrictDate | None, Query(alias="from")] = None,
    date_to: Annotated[StrictDate | None, Query(alias="to")] = None,
    group_by: Literal["owner", "department"] = "owner",
) -> Forecast:
    """Weighted pipeline of the open deals you see (amount x stage probability / 100) per
    expected close month, owner or department (team) and currency; exact decimals."""
    return await board.forecast(
        session,
        principal,
        pipeline_id=pipeline_id,
        date_from=date_from,
        date_to=date_to,
        group_by=group_by,
    )


@router.get("/deals/{deal_id}", response_model=DealRead, tags=["deals"], operation_id="deals-get")
async def get_deal(
    session: SessionDep, principal: DealsRead, deal_id: uuid.UUID, response: Response
) -> DealRead:
    deal = await service.get_deal(session, principal, deal_id)
    set_etag(response, deal)
    return DealRead.model_validate(deal)


@router.patch(
    "/deals/{deal_id}", response_model=DealRead, tags=["deals"], operation_id="deals-update"
)
async def update_deal(
    session: SessionDep,
    principal: DealsWrite,
    deal_id: uuid.UUID,
    body: DealUpdate,
    if_match: IfMatchVersion,
    response: Response,
) -> DealRead:
    """Stage and status change through POST /deals/{id}/move only."""
    deal = await service.update_deal(
        session, principal, deal_id=deal_id, data=body, if_match=if_match
    )
    set_etag(response, deal)
    return DealRead.model_validate(deal)


@router.delete("/deals/{deal_id}", status_code=204, tags=["deals"], operation_id="deals-delete")
async def delete_deal(session: SessionDep, principal: DealsDelete, deal_id: uuid.UUID) -> Response:
    """To the recycle bin (restore there)."""
    await service.delete_deal(session, principal, deal_id=deal_id)
    return Response(status_code=204)


@router.post(
    "/deals/{deal_id}/move", response_model=DealRead, tags=["deals"], operation_id="deals-move"
)
async def move_deal(
    session: SessionDep,
    principal: DealsWrite,
    deal_id: uuid.UUID,
    body: DealMove,
    if_match: IfMatchVersion,
    response: Response,
) -> DealRead:
    """Move to another stage of the deal's pipeline (by stage_id or stage_key; any order).
    A move forward must meet the gate of the stage left and of every stage jumped over (not
    of a skippable one jumped over); backwards and into the lost stage are free; a lost deal
    reopened meets every gate before its new stage. 422 naming every missing item
    (`errors[].type` missing_field with `field`, missing_attachment with `category`, each with
    the `stage` key requiring it), or when a lost stage is entered without `lost_reason`;
    nothing is written then."""
    deal = await service.move_deal(
        session, principal, deal_id=deal_id, data=body, if_match=if_match
    )
    set_etag(response, deal)
    return DealRead.model_validate(deal)


@router.get(
    "/deals/{deal_id}/stage-history",
    response_model=StageHistory,
    tags=["deals"],
    operation_id="deals-stage-history",
)
async def stage_history(
    session: SessionDep, principal: DealsRead, deal_id: uuid.UUID
) -> StageHistory:
    return await service.stage_history(session, principal, deal_id=deal_id)


@router.get(
    "/customers/{customer_id}/deals",
    response_model=Page[DealListItem],
    tags=["deals"],
    operation_id="customers-list-deals",
)
async def list_customer_deals(
    session: SessionDep,
    principal: DealsRead,
    customer_id: uuid.UUID,
    params: PageParamsDep,
    status: DealStatus | None = None,
) -> Response:
    await customer_service.get_customer(session, principal, customer_id)  # 404 outside scope
    filters = DealFilters(customer_id=customer_id, status=status, q=params.q)
    page = await service.list_deals(session, principal, params=params, filters=filters)
    names = await customer_service.customer_name_column(session, page[0])
    return page_response(page, DealListItem, Deal, computed=names)
