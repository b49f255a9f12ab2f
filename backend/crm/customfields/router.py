"""HTTP routes of custom field definitions, completeness rules and tags."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from crm.core.concurrency import IfMatchVersion, set_etag
from crm.core.deps import SessionDep
from crm.core.pagination import Page, PageParamsDep, page_response
from crm.customfields import service, tags
from crm.customfields.deps import AdminSettings, SignedIn, TagsRead, TagsWrite
from crm.customfields.schemas import (
    CompletenessRulesRead,
    CompletenessRulesUpdate,
    CustomFieldCreate,
    CustomFieldRead,
    CustomFieldReorder,
    CustomFieldUpdate,
    TagCreate,
    TagRead,
    TagUpdate,
)

router = APIRouter(prefix="/api/v1")
ObjectTypeQuery = Annotated[
    str, Query(max_length=50, description="The object type, e.g. customer or contact")
]


# --- custom field definitions -------------------------------------------------------------------


@router.get(
    "/custom-fields",
    response_model=Page[CustomFieldRead],
    tags=["custom-fields"],
    operation_id="custom-fields-list",
    description="The custom field definitions of an object type, in display order. Anyone who "
    "may read the objects may read their definitions.",
)
async def list_custom_fields(
    session: SessionDep,
    principal: SignedIn,
    params: PageParamsDep,
    object_type: ObjectTypeQuery,
    active: Annotated[bool | None, Query(description="Only active (or inactive) ones")] = None,
) -> Response:
    return page_response(
        await service.list_fields(
            session, principal, object_type=object_type, active=active, params=params
        ),
        CustomFieldRead,
    )


@router.post(
    "/custom-fields",
    response_model=CustomFieldRead,
    status_code=201,
    tags=["custom-fields"],
    operation_id="custom-fields-create",
)
async def create_custom_field(
    session: SessionDep, principal: AdminSettings, body: CustomFieldCreate, response: Response
) -> CustomFieldRead:
    created = await service.create_field(session, principal, data=body)
    set_etag(response, created)
    return CustomFieldRead.model_validate(created)


@router.post(
    "/custom-fields/reorder",
    response_model=list[CustomFieldRead],
    tags=["custom-fields"],
    operation_id="custom-fields-reorder",
    description="Put the given fields first, in this order; the others keep theirs after them.",
)
async def reorder_custom_fields(
    session: SessionDep, principal: AdminSettings, body: CustomFieldReorder
) -> list[CustomFieldRead]:
    rows = await service.reorder_fields(session, principal, data=body)
    return [CustomFieldRead.model_validate(r) for r in rows]


@router.get(
    "/custom-fields/{field_id}",
    response_model=CustomFieldRead,
    tags=["custom-fields"],
    operation_id="custom-fields-get",
)
async def get_custom_field(
    session: SessionDep, principal: SignedIn, field_id: uuid.UUID, response: Response
) -> CustomFieldRead:
    found = await service.get_readable_field(session, principal, field_id)
    set_etag(response, found)
    return CustomFieldRead.model_validate(found)


@router.patch(
    "/custom-fields/{field_id}",
    response_model=CustomFieldRead,
    tags=["custom-fields"],
    operation_id="custom-fields-update",
    description="The key, object type and type of a field never change (stored values would no "
    "longer fit); options still held by records cannot be removed (409). Deactivating keeps the "
    "stored values.",
)
async def update_custom_field(
    session: SessionDep,
    principal: AdminSettings,
    field_id: uuid.UUID,
    body: CustomFieldUpdate,
    if_match: IfMatchVersion,
    response: Response,
) -> CustomFieldRead:
    updated = await service.update_field(
        session, principal, field_id=field_id, data=body, if_match=if_match
    )
    set_etag(response, updated)
    return CustomFieldRead.model_validate(updated)


@router.delete(
    "/custom-fields/{field_id}",
    status_code=204,
    tags=["custom-fields"],
    operation_id="custom-fields-delete",
    description="Soft delete: the field disappears, its key stays reserved and the values "
    "records hold are kept.",
)
async def delete_custom_field(
    session: SessionDep, principal: AdminSettings, field_id: uuid.UUID
) -> Response:
    await service.delete_field(session, principal, field_id=field_id)
    return Response(status_code=204)


# --- completeness rules -------------------------------------------------------------------------


@router.get(
    "/completeness-rules/{object_type}",
    response_model=CompletenessRulesRead,
    tags=["custom-fields"],
    operation_id="completeness-rules-get",
)
async def get_completeness_rules(
    session: SessionDep, principal: SignedIn, object_type: str
) -> CompletenessRulesRead:
    return await service.get_rules(session, principal, object_type=object_type)


@router.put(
    "/completeness-rules/{object_type}",
    response_model=CompletenessRulesRead,
    tags=["custom-fields"],
    operation_id="completeness-rules-put",
    description="The important fields of an object type and their weights; each record's "
    "`completeness.score` is the weighted share of them it has filled.",
)
async def put_completeness_rules(
    session: SessionDep, principal: AdminSettings, object_type: str, body: CompletenessRulesUpdate
) -> CompletenessRulesRead:
    return await service.put_rules(session, principal, object_type=object_type, data=body)


# --- tags ---------------------------------------------------------------------------------------


@router.get("/tags", response_model=Page[TagRead], tags=["tags"], operation_id="tags-list")
async def list_tags(
    session: SessionDep,
    principal: TagsRead,
    params: PageParamsDep,
    object_type: ObjectTypeQuery = "customer",
) -> Response:
    return page_response(
        await tags.list_tags(session, object_type=object_type, params=params), TagRead
    )


@router.post(
    "/tags", response_model=TagRead, status_code=201, tags=["tags"], operation_id="tags-create"
)
async def create_tag(
    session: SessionDep, principal: TagsWrite, body: TagCreate, response: Response
) -> TagRead:
    tag = await tags.create_tag(session, principal, data=body)
    set_etag(response, tag)
    return TagRead.model_validate(tag)


@router.get("/tags/{tag_id}", response_model=TagRead, tags=["tags"], operation_id="tags-get")
async def get_tag(
    session: SessionDep, principal: TagsRead, tag_id: uuid.UUID, response: Response
) -> TagRead:
    tag = await tags.get_tag(session, tag_id)
    set_etag(response, tag)
    return TagRead.model_validate(tag)


@router.patch(
    "/tags/{tag_id}",
    response_model=TagRead,
    tags=["tags"],
    operation_id="tags-update",
    description="Renaming a tag renames it on every record carrying it, in one statement.",
)
async def update_tag(
    session: SessionDep,
    principal: TagsWrite,
    tag_id: uuid.UUID,
    body: TagUpdate,
    if_match: IfMatchVersion,
    response: Response,
) -> TagRead:
    tag = await tags.update_tag(session, principal, tag_id=tag_id, data=body, if_match=if_match)
    set_etag(response, tag)
    return TagRead.model_validate(tag)


@router.delete(
    "/tags/{tag_id}",
    status_code=204,
    tags=["tags"],
    operation_id="tags-delete",
    description="Deletes the tag and takes it off every record carrying it.",
)
async def delete_tag(session: SessionDep, principal: TagsWrite, tag_id: uuid.UUID) -> Response:
    await tags.delete_tag(session, principal, tag_id=tag_id)
    return Response(status_code=204)
