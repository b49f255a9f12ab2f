"""What customers and contacts export: their columns, filters and scoped list statements.

Loaded by the exports feature at start-up (every ``crm/<domain>/exports.py`` is). The
statements are the list endpoints' own (:func:`service.customer_filter_statement`,
:func:`service.contact_filter_statement`), so an export holds exactly the rows of the list.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from crm.core.exportable import (
    ColumnProvider,
    Exportable,
    ExportColumn,
    ValueKind,
    add_column_provider,
    attribute,
    lookup,
    names_by_id,
    register,
)
from crm.customers import service
from crm.customers.models import Contact, Customer
from crm.customers.schemas import ContactFilters, CustomerFilters
from crm.customfields import service as customfield_service
from crm.identity.models import Department, User


def _column(
    key: str, en: str, zh: str, kind: ValueKind = "text", *, default: bool = True
) -> ExportColumn:
    return ExportColumn(key, {"en": en, "zh-CN": zh}, attribute(key), kind, default)


def _lookup(key: str, en: str, zh: str, names: str, id_attribute: str) -> ExportColumn:
    """A column showing the name of a referenced record, resolved once per batch."""
    return lookup(key, {"en": en, "zh-CN": zh}, names, id_attribute)


async def _customer_context(session: AsyncSession, rows: Sequence[Any]) -> dict[str, Any]:
    # Owner and department names of a batch in two queries, not one per row. Users and
    # departments are the directory every signed-in user may read, deleted ones included
    # (a customer may still belong to a departed colleague).
    return {
        "owners": await names_by_id(session, User.full_name, User.id, (r.owner_id for r in rows)),
        "departments": await names_by_id(
            session, Department.name, Department.id, (r.department_id for r in rows)
        ),
    }


async def _contact_context(session: AsyncSession, rows: Sequence[Any]) -> dict[str, Any]:
    # The contact is visible only through its customer, so the customer's name is too.
    return {
        "customers": await names_by_id(
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
            _column("level", "Level", "客户级别"),
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


# --- custom fields: one column per active definition, in the administrators' order -------------

_CUSTOM_KINDS: dict[str, ValueKind] = {
    "number": "number",
    "decimal": "number",
    "date": "date",
    "boolean": "bool",
    "multi_select": "list",
}


def _custom_value(key: str, field_type: str) -> Any:
    """A getter of one custom field from the row's JSONB ``custom`` (dates and decimals are
    stored as text there; the XLSX writer wants them typed)."""

    def value(row: Any, context: Mapping[str, Any]) -> Any:
        raw = (row.custom or {}).get(key)
        if raw is None or not isinstance(raw, str):
            return raw
        if field_type == "date":
            return date.fromisoformat(raw)
        if field_type == "decimal":
            return Decimal(raw)
        return raw

    return value


def _custom_field_columns(record_type: str) -> ColumnProvider:
    async def provider(session: AsyncSession) -> list[ExportColumn]:
        definitions = await customfield_service.active_definitions(session, record_type)
        return [
            ExportColumn(
                f"cf.{d.key}",
                {
                    "en": d.label.get("en") or d.label.get("zh") or d.key,
                    "zh-CN": d.label.get("zh") or d.label.get("en") or d.key,
                },
                _custom_value(d.key, d.field_type),
                _CUSTOM_KINDS.get(d.field_type, "text"),
            )
            for d in definitions
        ]

    return provider


add_column_provider("customers", _custom_field_columns("customer"))
add_column_provider("contacts", _custom_field_columns("contact"))
