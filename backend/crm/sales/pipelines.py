"""Pipelines and their stages: what administrators configure (admin:settings).

The rules every pipeline keeps: stage keys unique, positions 1..n in order, at least one open
stage, exactly one won and one lost stage; exactly one active default pipeline. A stage that
holds deals cannot be removed nor change its kind (deals mirror their stage's kind), and a
pipeline that has deals cannot be deleted (deactivate it instead).
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Sequence
from typing import Any

from sqlalchemy import exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from crm.core import audit
from crm.core.changes import record_change
from crm.core.concurrency import check_version
from crm.core.errors import Conflict, invalid_field
from crm.core.permissions import get_or_404
from crm.sales.models import Deal, Pipeline, Stage
from crm.sales.schemas import PipelineCreate, PipelineUpdate, StageIn, StageUpdate

# Deal columns a stage gate may require (custom fields: "custom.<key>").
GATE_FIELDS = frozenset(
    {"name", "amount", "currency", "expected_close_date", "contact_id", "product_line", "notes"}
)


async def get_pipeline(
    session: AsyncSession, pipeline_id: uuid.UUID, *, for_update: bool = False
) -> Pipeline:
    return await get_or_404(
        session, Pipeline, pipeline_id, not_found="No such pipeline.", for_update=for_update
    )


async def stages_of(session: AsyncSession, pipeline_id: uuid.UUID) -> list[Stage]:
    rows = await session.execute(
        select(Stage).where(Stage.pipeline_id == pipeline_id).order_by(Stage.position)
    )
    return list(rows.scalars())


async def stages_by_pipeline(
    session: AsyncSession, pipeline_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[Stage]]:
    found: dict[uuid.UUID, list[Stage]] = {pid: [] for pid in pipeline_ids}
    rows = await session.execute(
        select(Stage).where(Stage.pipeline_id.in_(pipeline_ids)).order_by(Stage.position)
    )
    for stage in rows.scalars():
        found[stage.pipeline_id].append(stage)
    return found


async def list_pipelines(session: AsyncSession, *, include_inactive: bool) -> list[Pipeline]:
    stmt = select(Pipeline).order_by(Pipeline.is_default.desc(), Pipeline.name, Pipeline.id)
    if not include_inactive:
        stmt = stmt.where(Pipeline.active.is_(True))
    return list((await session.execute(stmt)).scalars())


def _check_gate_fields(gate: dict[str, Any], loc: str) -> None:
    for name in gate.get("required_fields", []):
        if name not in GATE_FIELDS and not (name.startswith("custom.") and len(name) > 7):
            allowed = ", ".join(sorted(GATE_FIELDS))
            raise invalid_field(
                loc, f"'{name}' is not a deal field a gate can require ({allowed}, custom.<key>)."
            )


def check_stage_set(stages: Sequence[Stage] | Sequence[StageIn]) -> None:
    """The rules on a pipeline's stages as a whole (see the module docstring)."""
    keys = Counter(stage.key for stage in stages)
    duplicates = sorted(key for key, n in keys.items() if n > 1)
    if duplicates:
        raise invalid_field("stages", f"Stage keys must be unique: {', '.join(duplicates)}.")
    kinds = Counter(stage.kind for stage in stages)
    if kinds["won"] != 1 or kinds["lost"] != 1:
        raise invalid_field("stages", "A pipeline needs exactly one won stage and one lost stage.")
    if kinds["open"] < 1:
        raise invalid_field("stages", "A pipeline needs at least one open stage.")


def _stage_values(data: StageIn) -> dict[str, Any]:
    gate = data.gate.model_dump()
    return {
        "key": data.key,
        "name": data.name,
        "probability": data.probability,
        "kind": data.kind,
        "gate": gate,
        "skippable": data.skippable,
        "triggers": [t.model_dump() for t in data.triggers],
    }


async def _make_sole_default(session: AsyncSession, pipeline: Pipeline) -> None:
    await session.execute(
        update(Pipeline)
        .where(Pipeline.id != pipeline.id, Pipeline.is_default.is_(True))
        .values(is_default=False, version=Pipeline.version + 1)
        .execution_options(synchronize_session=False)
    )
    pipeline.is_default = True


def _record(
    session: AsyncSession,
    action: str,
    obj: Pipeline | Stage,
    before: dict[str, Any] | None = None,
) -> None:
    object_type = "pipeline" if isinstance(obj, Pipeline) else "pipeline_stage"
    record_change(
        session,
        action=action,
        object_type=object_type,
        object_id=obj.id,
        before=before,
        after=audit.snapshot(obj) if action != "delete" else None,
    )


async def create_pipeline(session: AsyncSession, *, data: PipelineCreate) -> Pipeline:
    check_stage_set(data.stages)
    for index, stage_in in enumerate(data.stages):
        _check_gate_fields(stage_in.gate.model_dump(), f"stages.{index}.gate")
    pipeline = Pipeline(name=data.name, is_default=False, active=True)
    session.add(pipeline)
    await session.flush()
    has_default = await session.scalar(
        select(exists().where(Pipeline.is_default.is_(True), Pipeline.id != pipeline.id))
    )
    if data.is_default or not has_default:
        await _make_sole_default(session, pipeline)
    for position, stage_in in enumerate(data.stages, start=1):
        session.add(Stage(pipeline_id=pipeline.id, position=position, **_stage_values(stage_in)))
    await session.flush()
    _record(session, "create", pipeline)
    return pipeline


async def update_pipeline(
    session: AsyncSession, *, pipeline_id: uuid.UUID, data: PipelineUpdate, if_match: int | None
) -> Pipeline:
    pipeline = await get_pipeline(session, pipeline_id, for_update=True)
    check_version(pipeline, if_match, data.version)
    before = audit.snapshot(pipeline)
    if data.name is not None:
        pipeline.name = data.name
    if data.active is not None:
        if not data.active and (pipeline.is_default and data.is_default is not False):
            raise invalid_field(
                "active", "The default pipeline stays active; make another default."
            )
        pipeline.active = data.active
    if data.is_default is True:
        if not pipeline.active:
            raise invalid_field("is_default", "An inactive pipeline cannot be the default.")
        await _make_sole_default(session, pipeline)
    elif data.is_default is False and pipeline.is_default:
        raise invalid_field(
            "is_default", "There must be a default pipeline: make another one the default."
        )
    await session.flush()
    _record(session, "update", pipeline, before)
    return pipeline


async def delete_pipeline(session: AsyncSession, *, pipeline_id: uuid.UUID) -> None:
    pipeline = await get_pipeline(session, pipeline_id, for_update=True)
    if pipeline.is_default:
        raise Conflict("The default pipeline cannot be deleted; make another default first.")
    if await session.scalar(select(exists().where(Deal.pipeline_id == pipeline.id))):
        raise Conflict(
            "The pipeline has deals (in the recycle bin too); deactivate it instead of deleting."
        )
    before = audit.snapshot(pipeline)
    await session.delete(pipeline)
    await session.flush()
    _record(session, "delete", pipeline, before)


# --- stages -----------------------------------------------------------------------------------


async def get_stage(
    session: AsyncSession, pipeline_id: uuid.UUID, stage_id: uuid.UUID, *, for_update: bool = False
) -> Stage:
    return await get_or_404(
        session,
        Stage,
        stage_id,
        not_found="No such stage in this pipeline.",
        for_update=for_update,
        where=Stage.pipeline_id == pipeline_id,
    )


def _renumber(stages: list[Stage], moved: Stage | None = None, position: int | None = None) -> None:
    """Positions 1..n in order, ``moved`` placed at ``position`` (clamped) when given."""
    ordered = [s for s in stages if s is not moved]
    if moved is not None:
        index = min(max((position or len(stages)) - 1, 0), len(ordered))
        ordered.insert(index, moved)
    for number, stage in enumerate(ordered, start=1):
        stage.position = number


async def _has_deals(session: AsyncSession, stage: Stage) -> bool:
    return bool(await session.scalar(select(exists().where(Deal.stage_id == stage.id))))


async def add_stage(
    session: AsyncSession, *, pipeline_id: uuid.UUID, data: StageIn, position: int | None
) -> Stage:
    pipeline = await get_pipeline(session, pipeline_id, for_update=True)
    _check_gate_fields(data.gate.model_dump(), "gate")
    stages = await stages_of(session, pipeline.id)
    stage = Stage(pipeline_id=pipeline.id, position=0, **_stage_values(data))
    check_stage_set([*stages, stage])
    _renumber([*stages, stage], stage, position)
    session.add(stage)
    await session.flush()
    _record(session, "create", stage)
    return stage


async def update_stage(
    session: AsyncSession,
    *,
    pipeline_id: uuid.UUID,
    stage_id: uuid.UUID,
    data: StageUpdate,
    if_match: int | None,
) -> Stage:
    await get_pipeline(session, pipeline_id, for_update=True)  # one stage edit at a time
    stage = await get_stage(session, pipeline_id, stage_id, for_update=True)
    check_version(stage, if_match, data.version)
    before = audit.snapshot(stage)
    stages = await stages_of(session, pipeline_id)
    if data.kind is not None and data.kind != stage.kind:
        if await _has_deals(session, stage):
            raise Conflict("The stage has deals; its kind cannot change while they are in it.")
        stage.kind = data.kind
        check_stage_set(stages)
    if data.name is not None:
        stage.name = data.name
    if data.probability is not None:
        stage.probability = data.probability
    if data.gate is not None:
        _check_gate_fields(data.gate.model_dump(), "gate")
        stage.gate = data.gate.model_dump()
    if data.skippable is not None:
        stage.skippable = data.skippable
    if data.triggers is not None:
        stage.triggers = [t.model_dump() for t in data.triggers]
    if data.position is not None:
        _renumber(stages, stage, data.position)
    await session.flush()
    _record(session, "update", stage, before)
    return stage


async def delete_stage(
    session: AsyncSession, *, pipeline_id: uuid.UUID, stage_id: uuid.UUID
) -> None:
    await get_pipeline(session, pipeline_id, for_update=True)
    stage = await get_stage(session, pipeline_id, stage_id, for_update=True)
    if await _has_deals(session, stage):
        raise Conflict("The stage has deals (in the recycle bin too); move them out first.")
    stages = [s for s in await stages_of(session, pipeline_id) if s.id != stage.id]
    check_stage_set(stages)
    before = audit.snapshot(stage)
    await session.delete(stage)
    _renumber(stages)
    await session.flush()
    _record(session, "delete", stage, before)
