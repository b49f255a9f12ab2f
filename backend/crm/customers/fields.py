"""Customers and contacts in the custom field registry, and the pieces their service and
routes use: custom values on writes, custom filters and sorts on lists, completeness on reads.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from crm.customers.models import Contact, Customer
from crm.customfields import config as field_config
from crm.customfields import query, registry, values
from crm.customfields import tags as tag_service
from crm.customfields.completeness import ItemScorer, effective_rules, score

registry.register(
    registry.ObjectType(
        "customer",
        Customer,
        read_permission="customers:read",
        standard_fields=(
            "kind",
            "name",
            "phone",
            "email",
            "province",
            "city",
            "district",
            "address",
            "industry",
            "source",
            "tags",
            "notes",
        ),
        default_rules=(
            ("phone", 2),
            ("email", 2),
            ("industry", 1),
            ("source", 1),
            ("province", 1),
            ("city", 1),
            ("address", 1),
        ),
        tags=True,
        tag_write_permission="customers:write",
    )
)
registry.register(
    registry.ObjectType(
        "contact",
        Contact,
        read_permission="contacts:read",
        standard_fields=("name", "title", "phone", "email", "notes"),
        default_rules=(("phone", 2), ("email", 2), ("title", 1)),
    )
)


async def custom_for_create(
    session: AsyncSession, object_type: str, incoming: Mapping[str, Any] | None
) -> dict[str, Any]:
    config = await field_config.config_for(session, object_type)
    return await values.clean_write(session, config, incoming, creating=True)


async def custom_for_update(
    session: AsyncSession,
    object_type: str,
    incoming: Mapping[str, Any] | None,
    existing: Mapping[str, Any] | None,
) -> dict[str, Any]:
    config = await field_config.config_for(session, object_type)
    return await values.clean_write(session, config, incoming, existing=existing, creating=False)


async def ensure_customer_tags(session: AsyncSession, names: Iterable[str]) -> None:
    await tag_service.ensure_tags(session, "customer", names)


async def custom_filters(
    session: AsyncSession, model: Any, object_type: str, pairs: Sequence[tuple[str, str]]
) -> list[ColumnElement[bool]]:
    if not pairs:
        return []
    config = await field_config.config_for(session, object_type)
    return query.clauses(model.custom, config, pairs)


async def sortable(
    session: AsyncSession,
    model: Any,
    object_type: str,
    standard: Mapping[str, Any],
    sort: str | None,
) -> dict[str, Any]:
    """The standard sorts, plus the custom field one ``sort`` names (``cf.<key>``)."""
    if not (sort or "").removeprefix("-").startswith(query.PREFIX):
        return dict(standard)
    config = await field_config.config_for(session, object_type)
    return {**standard, **query.sortable(model.custom, "custom", config, sort)}


async def completeness_of(
    session: AsyncSession, object_type: str
) -> Callable[[Any], dict[str, Any]]:
    """The ``completeness`` field of a list item of ``object_type`` (for list pages written
    straight to JSON, see core.pagination.page_response): one cached rule set per page."""
    config = await field_config.config_for(session, object_type)
    rules = effective_rules(registry.get(object_type), config)

    scorer = ItemScorer(rules)

    def completeness(item: dict[str, Any]) -> dict[str, Any]:
        return {"completeness": scorer(item)}

    return completeness


S = TypeVar("S", bound=BaseModel)


async def with_completeness(
    session: AsyncSession, schema: type[S], object_type: str, rows: Sequence[Any]
) -> list[S]:
    """``rows`` as ``schema`` items with their ``completeness`` scored (one cached rule set)."""
    config = await field_config.config_for(session, object_type)
    rules = effective_rules(registry.get(object_type), config)
    items = []
    for row in rows:
        item = schema.model_validate(row)
        item.completeness = score(row, rules)  # type: ignore[attr-defined]
        items.append(item)
    return items
