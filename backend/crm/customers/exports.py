"""What customers and contacts export: their columns, filters and scoped list statements.

Loaded by the exports feature at start-up (every ``crm/<domain>/exports.py`` is). The
statements are the list endpoints' own (:func:`service.customer_filter_statement`,
:func:`service.contact_filter_statement`), so an export holds exactly the rows of the list.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from crm.core.exportable import Exportable, ExportColumn, ValueKind, attribute, register
from crm.customers import service
from crm.customers.models import Contact, Customer
from crm.customers.schemas import ContactFilters, CustomerFilters
from crm.identity.models import Department, User


def _column(
    key: str, en: str, zh: str, kind: ValueKind = "text", *, default: bool = True
) -> ExportColumn:
    return ExportColumn(key, {"en": en, "zh-CN": zh}, attribute(key), kind, default)


def _lookup(key: str, en: str, zh: str, names: str, id_attribute: str) -> ExportColumn:
    """A column showing the name of a referenced record, resolved once per batch."""

    def value(row: Any, context: Mapping[str, Any]) -> Any:
        return context[names].get(getattr(row, id_attribute))

    return ExportColumn(key, {"en": en, "zh-CN": zh}, value, "text")


async def _names(
    session: AsyncSession, name_column: Any, id_column: Any, ids: Iterable[uuid.UUID | None]
) -> dict[uuid.UUID, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = await session.execute(select(id_column, name_column).where(id_column.in_(wanted)))
    return {row_id: name for row_id, name in rows.all()}


async def _customer_context(session: AsyncSession, rows: Sequence[Any]) -> dict[str, Any]:
    # Owner and department names of a batch in two queries, not one per row. Users and
    # departments are the directory every signed-in user may read, deleted ones included
    # (a customer may still belong to a departed colleague).
    return {
        "owners": await _names(session, User.full_name, User.id, (r.owner_id for r in rows)),
        "departments": await _names(
            session, Department.name, Department.id, (r.department_id for r in rows)
        ),
    }


async def _contact_context(session: AsyncSession, rows: Sequence[Any]) -> dict[str, Any]:
    # The contact is visible only through its customer, so the customer's name is too.
    return {
        "customers": await _names(
            session, Customer.name, Customer.id, (r.customer_id for r in rows)
        )
    }


_CREATED = _column("created_at", "Created at (UTC)", "创建时间（UTC）", "datetime")
_UPDATED = _column("updated_at", "Updated at (UTC)", "更新时间（UTC）", "datetime")

register(
    Exportable(
        object_type="customers",
        record_type="customer",
        labels={"en": "Customers", "zh-CN": "客户"},
        permissions=("customers:export",),
        filters=CustomerFilters,
        statement=service.customer_filter_statement,
        id_column=Customer.id,
        sortable=service.CUSTOMER_SORTS,
        default_sort=service.CUSTOMER_DEFAULT_SORT,
        prepare=_customer_context,
        columns=(
            _column("id", "ID", "ID"),
            _column("name", "Name", "名称"),
            _column("kind", "Kind", "类型"),
            _column("phone", "Phone", "电话"),
            _column("phone_e164", "Phone (E.164)", "电话（E.164）", default=False),
            _column("email", "E-mail", "邮箱"),
            _column("province", "Province", "省份"),
            _column("city", "City", "城市"),
            _column("district", "District", "区县"),
            _column("address", "Address", "地址"),
            _column("industry", "Industry", "行业"),
            _column("source", "Source", "来源"),
            _column("tags", "Tags", "标签", "list"),
            _lookup("owner", "Owner", "负责人", "owners", "owner_id"),
            _lookup("department", "Department", "部门", "departments", "department_id"),
            _column("owner_id", "Owner ID", "负责人 ID", default=False),
            _column("department_id", "Department ID", "部门 ID", default=False),
            _column("notes", "Notes", "备注"),
            _CREATED,
            _UPDATED,
        ),
    )
)

register(
    Exportable(
        object_type="contacts",
        record_type="contact",
        labels={"en": "Contacts", "zh-CN": "联系人"},
        # Contacts are customer data: exporting them is the customers' export right, and the
        # caller must also be able to read contacts at all.
        permissions=("customers:export", "contacts:read"),
        filters=ContactFilters,
        statement=service.contact_filter_statement,
        id_column=Contact.id,
        sortable=service.CONTACT_SORTS,
        default_sort=service.CONTACT_DEFAULT_SORT,
        prepare=_contact_context,
        columns=(
            _column("id", "ID", "ID"),
            _column("name", "Name", "姓名"),
            _column("title", "Title", "职务"),
            _column("phone", "Phone", "电话"),
            _column("phone_e164", "Phone (E.164)", "电话（E.164）", default=False),
            _column("email", "E-mail", "邮箱"),
            _column("is_primary", "Primary contact", "主要联系人", "bool"),
            _lookup("customer", "Customer", "客户", "customers", "customer_id"),
            _column("customer_id", "Customer ID", "客户 ID"),
            _column("notes", "Notes", "备注"),
            _CREATED,
            _UPDATED,
        ),
    )
)
