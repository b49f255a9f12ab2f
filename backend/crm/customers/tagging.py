"""Bulk tagging: add and remove tags on every customer a list filter (and optional ids) selects,
within the caller's data scope, in one UPDATE, with an audit entry and event per customer."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, cast

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from sqlalchemy import Select, String, bindparam, select, text, type_coerce, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from crm.core.changes import record_change
from crm.core.db import utcnow
from crm.core.errors import ProblemError, Unprocessable
from crm.core.permissions import Principal, readable
from crm.customers import fields
from crm.customers import service as customer_service
from crm.customers.models import Customer
from crm.customers.schemas import CustomerFilters, CustomerKind, Tag

Short = Annotated[str, StringConstraints(max_length=100)]


class CustomerListFilter(BaseModel):
    """The filters of `GET /api/v1/customers`, as a JSON object."""

    model_config = ConfigDict(extra="forbid")

    q: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None = None
    owner_id: uuid.UUID | None = None
    department_id: uuid.UUID | None = None
    kind: CustomerKind | None = None
    industry: Short | None = None
    source: Short | None = None
    tag: Short | None = None
    level: Short | None = None
    cf: dict[str, str] = Field(
        default_factory=dict,
        max_length=50,
        description='Custom field filters without the `cf.` prefix: {"region": "east", '
        '"budget.gte": "1000"} means `cf.region=east&cf.budget.gte=1000`',
    )


class BulkTagRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    filter: CustomerListFilter = Field(default_factory=CustomerListFilter)
    ids: list[uuid.UUID] | None = Field(
        default=None,
        max_length=1000,
        description="Only these customers (and only where they match the filter); every one "
        "must be visible to you, else 422",
    )
    add: list[Tag] = Field(default_factory=list, max_length=20)
    remove: list[Tag] = Field(default_factory=list, max_length=20)


class BulkTagResult(BaseModel):
    affected: int = Field(description="Customers whose tags changed")


def _merged_tags(add: list[str], remove: list[str]) -> Any:
    """A row's tags with ``add`` appended and ``remove`` taken out, each once, in the order
    they first appear (``customers.tags`` is the row the enclosing query reads)."""
    tag_array = ARRAY(String(50))
    sql = text(
        "ARRAY(SELECT u.t FROM unnest(customers.tags || :add) WITH ORDINALITY AS u(t, n) "
        "WHERE u.t <> ALL(:remove) GROUP BY u.t ORDER BY min(u.n))"
    ).bindparams(
        bindparam("add", add, type_=tag_array), bindparam("remove", remove, type_=tag_array)
    )
    return type_coerce(sql, tag_array)


def _body_filter_error(exc: ProblemError) -> Unprocessable:
    errors = [
        {**e, "loc": ["body", "filter", "cf", str(e["loc"][-1]).removeprefix("cf.")]}
        for e in exc.errors or []
    ]
    return Unprocessable(exc.detail, errors=errors)


async def _check_ids(session: AsyncSession, principal: Principal, ids: list[uuid.UUID]) -> None:
    """Every id must be a customer the caller sees (hidden ones answer like missing ones)."""
    visible = set(
        (
            await session.execute(
                readable(select(Customer.id).where(Customer.id.in_(ids)), Customer, principal)
            )
        ).scalars()
    )
    unknown = [str(i) for i in ids if i not in visible]
    if unknown:
        msg = f"No such customer(s): {', '.join(unknown[:10])}."
        raise Unprocessable(
            msg, errors=[{"loc": ["body", "ids"], "msg": msg, "type": "value_error"}]
        )


async def bulk_tag(
    session: AsyncSession, principal: Principal, *, data: BulkTagRequest
) -> BulkTagResult:
    if not data.add and not data.remove:
        msg = "Give tags to add or to remove."
        raise Unprocessable(
            msg, errors=[{"loc": ["body", "add"], "msg": msg, "type": "value_error"}]
        )
    if data.ids:
        await _check_ids(session, principal, data.ids)
    f = data.filter
    try:
        target = await customer_service.filtered_customers(
            session,
            principal,
            cast("Select[Any]", select(Customer.id, Customer.tags.label("old_tags"))),
            filters=CustomerFilters.model_validate(f.model_dump(exclude={"cf"})),
            custom=[(f"cf.{k}", v) for k, v in f.cf.items()],
        )
    except ProblemError as exc:
        if exc.status == 400:
            raise _body_filter_error(exc) from exc
        raise
    if data.ids is not None:
        target = target.where(Customer.id.in_(data.ids))
    await fields.ensure_customer_tags(session, data.add)
    # Lock the selected rows, compute their new tags once, and update only those that change:
    # one statement, whose RETURNING gives before and after for the audit trail.
    target = target.add_columns(_merged_tags(list(data.add), list(data.remove)).label("new_tags"))
    chosen = target.with_for_update(of=Customer).cte("bulk_target")
    stmt = (
        update(Customer)
        .where(Customer.id == chosen.c.id, chosen.c.new_tags.is_distinct_from(chosen.c.old_tags))
        .values(tags=chosen.c.new_tags, version=Customer.version + 1, updated_at=utcnow())
        .returning(Customer.id, chosen.c.old_tags, Customer.tags)
        .execution_options(synchronize_session=False)
    )
    rows = (await session.execute(stmt)).all()
    for customer_id, before, after in rows:
        record_change(
            session,
            action="update",
            object_type="customer",
            object_id=customer_id,
            before={"tags": list(before)},
            after={"tags": list(after)},
            extra={"bulk": True},
            payload={"changed": ["tags"], "bulk": True},
        )
    return BulkTagResult(affected=len(rows))
