"""Field permissions over HTTP: the objects and fields rules may name, each role's rules (read
and replace), and revealing one masked value on demand, audited (see crm.core.field_access)."""

from __future__ import annotations

import re
import uuid
from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from crm.core import audit, field_access
from crm.core.deps import SessionDep
from crm.core.errors import Forbidden, NotFound, Unprocessable
from crm.core.field_access import CUSTOM_PREFIX, Access, MaskKind, ProtectedObject, view_for
from crm.core.permissions import CurrentPrincipal, Principal, get_visible
from crm.identity.deps import RolesAdmin, UsersRead
from crm.identity.models import Role, RoleFieldRule

router = APIRouter(prefix="/api/v1")
TAGS: list[str | Any] = ["field-permissions"]
# A custom field's key, as custom-field definitions allow it.
_CUSTOM_FIELD = re.compile(r"^cf\.[a-z][a-z0-9_]{0,62}$")
MAX_RULES = 1000

FieldName = Annotated[str, StringConstraints(min_length=1, max_length=100)]
ObjectType = Annotated[str, StringConstraints(min_length=1, max_length=50)]


# --- schemas ------------------------------------------------------------------------------------


class ProtectedField(BaseModel):
    name: str
    sensitive: bool = Field(description="In the default sensitive set (suggested for masking)")
    mask: MaskKind | None = Field(description="How a masked value looks: phone, email or text")


class ProtectedObjectRead(BaseModel):
    object_type: str
    reveal_permission: str = Field(description="Lets a role reveal one masked value on demand")
    fields: list[ProtectedField] = Field(
        description="Fields a rule may name; custom fields are named cf.<key> on top of these"
    )


class FieldRuleItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    object_type: ObjectType
    field: FieldName = Field(description="A field of the object, or cf.<key> for a custom field")
    access: Access = Access.EDITABLE
    masked: bool = Field(
        default=False,
        description="Shown masked (138****8000, z***@example.com) unless hidden; any field may "
        "be masked, the sensitive ones are only the suggestion",
    )


class FieldRules(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rules: list[FieldRuleItem] = Field(
        max_length=MAX_RULES,
        description="Every rule of the role; a field without one is editable and shown in full",
    )


class RevealRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    object_type: ObjectType
    record_id: uuid.UUID
    field: FieldName


class RevealedValue(BaseModel):
    object_type: str
    record_id: uuid.UUID
    field: str
    value: Any = Field(description="The value in full")


# --- service ------------------------------------------------------------------------------------


def protected_object(object_type: str, *, loc: str = "object_type") -> ProtectedObject:
    obj = field_access.registered().get(object_type)
    if obj is None:
        known = ", ".join(sorted(field_access.registered()))
        msg = f"No field permissions for '{object_type}'. Object types: {known}."
        raise Unprocessable(msg, errors=[{"loc": ["body", loc], "msg": msg, "type": "value_error"}])
    return obj


def _validated(rules: list[FieldRuleItem]) -> list[FieldRuleItem]:
    """The rules that restrict something, each field once; 422 on an unknown one."""
    seen: set[tuple[str, str]] = set()
    kept = []
    for index, rule in enumerate(rules):
        obj = protected_object(rule.object_type, loc=f"rules.{index}.object_type")
        known = rule.field in obj.fields or _CUSTOM_FIELD.match(rule.field) is not None
        key = (rule.object_type, rule.field)
        msg = None
        if not known:
            msg = (
                f"'{rule.field}' is no field of {rule.object_type}: "
                f"{', '.join(obj.fields)} or {CUSTOM_PREFIX}<key>."
            )
        elif key in seen:
            msg = f"{rule.object_type}.{rule.field} has two rules."
        if msg is not None:
            errors = [{"loc": ["body", "rules", index, "field"], "msg": msg, "type": "value_error"}]
            raise Unprocessable(msg, errors=errors)
        seen.add(key)
        if rule.access is not Access.EDITABLE or rule.masked:
            kept.append(rule)
    return kept


async def _role(session: AsyncSession, role_id: uuid.UUID) -> Role:
    role = await session.get(Role, role_id)
    if role is None:
        raise NotFound("No such role.")
    return role


async def rules_of(session: AsyncSession, role_id: uuid.UUID) -> FieldRules:
    await _role(session, role_id)
    rows = (
        await session.execute(
            select(RoleFieldRule)
            .where(RoleFieldRule.role_id == role_id)
            .order_by(RoleFieldRule.object_type, RoleFieldRule.field)
        )
    ).scalars()
    return FieldRules(
        rules=[
            FieldRuleItem(
                object_type=r.object_type, field=r.field, access=Access(r.access), masked=r.masked
            )
            for r in rows
        ]
    )


async def replace_rules(session: AsyncSession, role_id: uuid.UUID, data: FieldRules) -> FieldRules:
    """Replace every field rule of the role; the principal cache drops on commit."""
    role = await _role(session, role_id)
    before = await rules_of(session, role_id)
    rules = _validated(data.rules)
    await session.execute(delete(RoleFieldRule).where(RoleFieldRule.role_id == role.id))
    if rules:
        await session.execute(
            insert(RoleFieldRule),
            [
                {
                    "role_id": role.id,
                    "object_type": r.object_type,
                    "field": r.field,
                    "access": r.access.value,
                    "masked": r.masked,
                }
                for r in rules
            ],
        )
    after = FieldRules(rules=rules)
    audit.record(
        session,
        action="update_field_rules",
        object_type="role",
        object_id=role.id,
        before={"field_rules": before.model_dump(mode="json")["rules"]},
        after={"field_rules": after.model_dump(mode="json")["rules"]},
    )
    return await rules_of(session, role_id)


async def reveal(session: AsyncSession, principal: Principal, data: RevealRequest) -> Any:
    """One value in full, for a holder of ``<resource>:reveal`` who may read the record; the
    audit entry names the record and the field, never the value."""
    obj = protected_object(data.object_type)
    missing = [c for c in (f"{obj.resource}:read", obj.reveal_permission) if not principal.can(c)]
    if missing:
        raise Forbidden(f"Your role does not allow this ({', '.join(missing)}).")
    if not obj.knows(data.field):
        msg = f"'{data.field}' is no field of {data.object_type}."
        raise Unprocessable(
            msg, errors=[{"loc": ["body", "field"], "msg": msg, "type": "value_error"}]
        )
    if not view_for(principal, obj.object_type).visible(data.field):
        raise Forbidden(f"{data.field} is hidden for your role; it cannot be revealed.")
    record: Any = await get_visible(
        session, obj.model, data.record_id, principal, not_found=f"No such {data.object_type}."
    )
    if field_access.is_custom(data.field):
        value = (record.custom or {}).get(data.field[len(CUSTOM_PREFIX) :])
    else:
        value = getattr(record, data.field)
    audit.record(
        session,
        action="reveal",
        object_type=obj.object_type,
        object_id=record.id,
        extra={"field": data.field},
    )
    return audit.jsonable(value)


# --- routes -------------------------------------------------------------------------------------


@router.get(
    "/field-permissions/objects",
    response_model=list[ProtectedObjectRead],
    tags=TAGS,
    operation_id="field-permissions-objects",
)
async def list_protected_objects(_: UsersRead) -> list[ProtectedObjectRead]:
    """The object types whose fields roles may hide, make read-only or mask."""
    return [
        ProtectedObjectRead(
            object_type=obj.object_type,
            reveal_permission=obj.reveal_permission,
            fields=[
                ProtectedField(
                    name=name, sensitive=name in obj.sensitive, mask=obj.sensitive.get(name)
                )
                for name in obj.fields
            ],
        )
        for obj in sorted(field_access.registered().values(), key=lambda o: o.object_type)
    ]


@router.get(
    "/roles/{role_id}/field-rules",
    response_model=FieldRules,
    tags=TAGS,
    operation_id="field-permissions-get",
)
async def get_field_rules(session: SessionDep, _: UsersRead, role_id: uuid.UUID) -> FieldRules:
    return await rules_of(session, role_id)


@router.put(
    "/roles/{role_id}/field-rules",
    response_model=FieldRules,
    tags=TAGS,
    operation_id="field-permissions-replace",
)
async def replace_field_rules(
    session: SessionDep, _: RolesAdmin, role_id: uuid.UUID, body: FieldRules
) -> FieldRules:
    """Replace every field rule of the role (rules that restrict nothing are dropped). Takes
    effect on the next request of its users."""
    return await replace_rules(session, role_id, body)


@router.post(
    "/field-reveals",
    response_model=RevealedValue,
    tags=TAGS,
    operation_id="field-permissions-reveal",
)
async def reveal_value(
    session: SessionDep, principal: CurrentPrincipal, body: RevealRequest
) -> RevealedValue:
    """One masked value in full, for holders of the object's reveal permission (e.g.
    `customers:reveal`) who may read the record (404 otherwise). Audited: the entry names the
    record and the field, never the value."""
    value = await reveal(session, principal, body)
    return RevealedValue(
        object_type=body.object_type, record_id=body.record_id, field=body.field, value=value
    )
