"""What activities export: their columns, filters and the list's scoped statement.

Loaded by the exports feature at start-up (every ``crm/<domain>/exports.py`` is). The statement
is the list endpoint's own (:func:`service.activity_filter_statement`), so an export holds
exactly the rows of the list.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from crm.activities import service
from crm.activities.models import Activity
from crm.activities.schemas import ActivityFilters
from crm.core.exportable import (
    Exportable,
    ExportColumn,
    ValueKind,
    attribute,
    lookup,
    names_by_id,
    register,
)
from crm.customers.models import Customer
from crm.identity.models import User


def _column(key: str, en: str, zh: str, kind: ValueKind = "text") -> ExportColumn:
    return ExportColumn(key, {"en": en, "zh-CN": zh}, attribute(key), kind)


def _lookup(key: str, en: str, zh: str, names: str, id_attribute: str) -> ExportColumn:
    return lookup(key, {"en": en, "zh-CN": zh}, names, id_attribute)


async def _context(session: AsyncSession, rows: Sequence[Any]) -> dict[str, Any]:
    # An activity is visible exactly when its customer is, so the customer's name is too.
    return {
        "customers": await names_by_id(
            session, Customer.name, Customer.id, (r.customer_id for r in rows)
        ),
        "owners": await names_by_id(session, User.full_name, User.id, (r.owner_id for r in rows)),
    }


register(
    Exportable(
        object_type="activities",
        record_type="activity",
        labels={"en": "Activities", "zh-CN": "跟进记录"},
        # Activities are customer data: exporting them is the customers' export right, and
        # the caller must also be able to read activities at all.
        permissions=("customers:export", "activities:read"),
        filters=ActivityFilters,
        statement=service.activity_filter_statement,
        id_column=Activity.id,
        sortable=service.ACTIVITY_SORTS,
        default_sort=service.ACTIVITY_DEFAULT_SORT,
        prepare=_context,
        columns=(
            _column("id", "ID", "ID"),
            _column("occurred_at", "Occurred at (UTC)", "发生时间（UTC）", "datetime"),
            _column("kind", "Kind", "类型"),
            _column("subject", "Subject", "主题"),
            _column("body", "Details", "内容"),
            _column("outcome", "Outcome", "结果"),
            _column("duration_minutes", "Duration (min)", "时长（分钟）", "number"),
            _column("location_address", "Location", "地点"),
            _lookup("customer", "Customer", "客户", "customers", "customer_id"),
            _column("customer_id", "Customer ID", "客户 ID"),
            _lookup("owner", "Owner", "负责人", "owners", "owner_id"),
            _column("created_at", "Created at (UTC)", "创建时间（UTC）", "datetime"),
        ),
    )
)
