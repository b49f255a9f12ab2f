"""Tags: a colour and a description for the tag names records carry, renamed everywhere at once.

Records keep their tags as an array of names (``customers.tags``): filters and bulk tagging stay
one indexed array operation. Writing a record with a tag nobody defined yet creates it with the
default colour, so a salesperson never has to stop at an admin screen.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import String, case, func, literal, select, update
from sqlalchemy.dialects.postgresql import ARRAY, insert
from sqlalchemy.ext.asyncio import AsyncSession

from crm.core import audit
from crm.core.changes import record_change
from crm.core.concurrency import check_version
from crm.core.db import utcnow
from crm.core.errors import Conflict
from crm.core.ids import new_id
from crm.core.pagination import PageParams, paginate, text_contains
from crm.core.permissions import Principal, get_or_404
from crm.customfields import registry
from crm.customfields.models import Tag
from crm.customfields.schemas import TagCreate, TagUpdate

DEFAULT_COLOR = "#1677ff"
TAG_SORTS = {"name": Tag.name, "created_at": Tag.created_at}


def _taken(name: str) -> Conflict:
    return Conflict(
        f"A tag named '{name}' exists already.",
        errors=[{"loc": ["body", "name"], "msg": "Taken.", "type": "value_error"}],
    )


async def list_tags(
    session: AsyncSession, *, object_type: str, params: PageParams
) -> tuple[Sequence[Tag], str | None, int | None]:
    registry.tagged(object_type)
    stmt = select(Tag).where(Tag.object_type == object_type)
    if params.q:
        stmt = stmt.where(text_contains(Tag.name, params.q))
    return await paginate(
        session, stmt, params=params, id_column=Tag.id, sortable=TAG_SORTS, default_sort="name"
    )


async def get_tag(session: AsyncSession, tag_id: uuid.UUID, *, for_update: bool = False) -> Tag:
    return await get_or_404(session, Tag, tag_id, not_found="No such tag.", for_update=for_update)


async def _name_free(session: AsyncSession, object_type: str, name: str) -> None:
    hit = await session.execute(
        select(Tag.id).where(Tag.object_type == object_type, Tag.name == name)
    )
    if hit.first() is not None:
        raise _taken(name)


async def create_tag(session: AsyncSession, principal: Principal, *, data: TagCreate) -> Tag:
    registry.tagged(data.object_type, location="body")
    await _name_free(session, data.object_type, data.name)
    tag = Tag(
        object_type=data.object_type,
        name=data.name,
        color=data.color.lower(),
        description=data.description,
    )
    session.add(tag)
    await session.flush()
    record_change(
        session,
        action="create",
        object_type="tag",
        object_id=tag.id,
        after=audit.snapshot(tag),
        payload={"object_type": tag.object_type, "name": tag.name},
    )
    return tag


def _on_records(object_type: str) -> Any:
    """The model whose ``tags`` arrays carry this object type's tag names."""
    return registry.tagged(object_type).model


async def _rename_on_records(session: AsyncSession, object_type: str, old: str, new: str) -> int:
    """One statement over every record with the tag (deleted ones too: restoring one must not
    bring an orphan name back). A record that somehow has both names keeps one."""
    model = _on_records(object_type)
    old_arr = literal([old], ARRAY(String))
    new_arr = literal([new], ARRAY(String))
    result = await session.execute(
        update(model)
        .where(model.tags.contains(old_arr))
        .values(
            tags=case(
                (model.tags.contains(new_arr), func.array_remove(model.tags, old)),
                else_=func.array_replace(model.tags, old, new),
            ),
            version=model.version + 1,
            updated_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def _remove_from_records(session: AsyncSession, object_type: str, name: str) -> int:
    model = _on_records(object_type)
    result = await session.execute(
        update(model)
        .where(model.tags.contains(literal([name], ARRAY(String))))
        .values(
            tags=func.array_remove(model.tags, name),
            version=model.version + 1,
            updated_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def update_tag(
    session: AsyncSession,
    principal: Principal,
    *,
    tag_id: uuid.UUID,
    data: TagUpdate,
    if_match: int | None,
) -> Tag:
    tag = await get_tag(session, tag_id, for_update=True)
    check_version(tag, if_match, data.version)
    before = audit.snapshot(tag)
    renamed_on = 0
    given = data.model_fields_set
    if "name" in given and data.name is not None and data.name != tag.name:
        await _name_free(session, tag.object_type, data.name)
        renamed_on = await _rename_on_records(session, tag.object_type, tag.name, data.name)
        tag.name = data.name
    if "color" in given and data.color is not None:
        tag.color = data.color.lower()
    if "description" in given:
        tag.description = data.description
    await session.flush()
    after = audit.snapshot(tag)
    record_change(
        session,
        action="update",
        object_type="tag",
        object_id=tag.id,
        before=before,
        after=after,
        extra={"records_renamed": renamed_on} if renamed_on else None,
        payload={"changed": sorted(audit.diff(before, after)), "records_renamed": renamed_on},
    )
    return tag


async def delete_tag(session: AsyncSession, principal: Principal, *, tag_id: uuid.UUID) -> int:
    """Delete the tag and take it off every record; returns how many records lost it."""
    tag = await get_tag(session, tag_id, for_update=True)
    before = audit.snapshot(tag)
    removed_from = await _remove_from_records(session, tag.object_type, tag.name)
    await session.delete(tag)
    await session.flush()
    record_change(
        session,
        action="delete",
        object_type="tag",
        object_id=tag.id,
        before=before,
        extra={"records_untagged": removed_from},
        payload={"name": before["name"], "records_untagged": removed_from},
    )
    return removed_from


async def ensure_tags(session: AsyncSession, object_type: str, names: Iterable[str]) -> None:
    """Create the tags among ``names`` that do not exist yet, with the default colour."""
    wanted = sorted(set(names))
    if not wanted:
        return
    created = await session.execute(
        insert(Tag)
        .values(
            [
                {"id": new_id(), "object_type": object_type, "name": n, "color": DEFAULT_COLOR}
                for n in wanted
            ]
        )
        .on_conflict_do_nothing(index_elements=["object_type", "name"])
        .returning(Tag.id, Tag.name)
    )
    for tag_id, name in created.all():
        record_change(
            session,
            action="create",
            object_type="tag",
            object_id=tag_id,
            after={"object_type": object_type, "name": name, "color": DEFAULT_COLOR},
            payload={"object_type": object_type, "name": name, "auto": True},
        )
