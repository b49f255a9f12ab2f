"""What an export file holds: exactly the values, in CSV (UTF-8 with BOM) and XLSX."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import datetime
from typing import Any

import polars as pl
from sqlalchemy import update

from crm.customers.models import Customer
from export_helpers import BOM, download, export, read, run_queued

TRICKY_NOTES = 'Line one, with a comma\nline two with "quotes"'


async def _tricky_customer(factory: Any, admin: Any) -> dict[str, Any]:
    return await factory.customer(
        admin,
        name="华东贸易有限公司, Shanghai",
        phone="+86 138 0013 8000",
        email="Buyer@Example.COM",
        province="上海市",
        city="上海市",
        district="浦东新区",
        tags=["重点客户", "VIP", "a,b"],
        notes=TRICKY_NOTES,
        industry="零售",
        source="trade_show",
    )


COLUMNS = ["name", "phone", "phone_e164", "email", "tags", "notes", "owner", "created_at"]


async def test_csv_holds_exact_values_with_a_bom_and_chinese_labels(
    admin: Any, factory: Any, db: Any
) -> None:
    customer = await _tricky_customer(factory, admin)
    job, response = await export(
        admin, db, format="csv", columns=COLUMNS, language="zh-CN", header="labels"
    )

    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="customers-')
    assert "filename*=UTF-8''%E5%AE%A2%E6%88%B7-" in disposition  # 客户-
    assert disposition.endswith(".csv") and '.csv"; filename*=' in disposition
    assert response.headers["cache-control"] == "private, no-store"
    assert response.content.startswith(BOM)
    assert int(response.headers["content-length"]) == len(response.content)

    # The raw CSV, parsed by the standard library: CRLF rows, quoting that survives
    # commas, quotes and newlines.
    text = response.content[len(BOM) :].decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == [
        "名称",
        "电话",
        "电话（E.164）",
        "邮箱",
        "标签",
        "备注",
        "负责人",
        "创建时间（UTC）",
    ]
    assert rows[1][:7] == [
        "华东贸易有限公司, Shanghai",
        "+86 138 0013 8000",  # a phone number, not defused as a formula
        "+8613800138000",
        "buyer@example.com",
        "重点客户; VIP; a,b",
        TRICKY_NOTES,
        "Administrator",
    ]
    created = datetime.fromisoformat(rows[1][7])
    assert created == datetime.fromisoformat(customer["created_at"])
    assert rows[1][7].endswith("Z")
    assert "\r\n" in text and '"Line one, with a comma\nline two with ""quotes"""' in text

    frame = read(response)
    assert frame.height == 1 and frame.columns == rows[0]
    assert frame.row(0)[:6] == tuple(rows[1][:6])
    assert job["result"]["rows"] == 1 and job["result"]["format"] == "csv"


async def test_xlsx_has_typed_cells_and_keeps_text_as_text(
    admin: Any, factory: Any, db: Any
) -> None:
    customer = await _tricky_customer(factory, admin)
    formula = await factory.customer(admin, name="placeholder", phone="010 6552 9988")
    await _store_raw(db, formula["id"], name='=HYPERLINK("http://evil")')  # stored long ago
    job, response = await export(
        admin,
        db,
        format="xlsx",
        columns=["name", "phone", "tags", "notes", "created_at"],
        header="keys",
        filters={"sort": "name"},
    )
    assert response.headers["content-type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response.headers["content-disposition"].endswith(".xlsx")
    assert response.content[:2] == b"PK"  # a zip: the XLSX container

    frame = pl.read_excel(io.BytesIO(response.content))
    assert frame.columns == ["name", "phone", "tags", "notes", "created_at"]
    assert frame.schema["phone"] == pl.String  # never a number: the + and zeros stay
    assert frame.schema["created_at"] == pl.Datetime("ms")
    first, second = frame.rows(named=True)
    # Sorted by name as asked ("=" sorts before the Chinese name).
    assert second["name"] == "华东贸易有限公司, Shanghai"
    assert second["phone"] == "+86 138 0013 8000"
    assert second["tags"] == "重点客户; VIP; a,b"
    assert second["notes"] == TRICKY_NOTES
    created = datetime.fromisoformat(customer["created_at"]).replace(tzinfo=None)
    assert abs((second["created_at"] - created).total_seconds()) < 0.001
    # A formula-looking name is a plain string cell, not a formula.
    assert first["name"] == '=HYPERLINK("http://evil")'
    assert first["phone"] == "010 6552 9988" and first["tags"] is None
    assert job["result"]["rows"] == 2


async def test_csv_defuses_formulas_but_not_phone_numbers(
    admin: Any, factory: Any, db: Any
) -> None:
    # Stored before the API refused such text (crm.core.formulas): written here directly.
    for name, notes in (('=HYPERLINK("http://evil")', "@SUM(1+1)"), ("-2+3", None)):
        customer = await factory.customer(admin, name="placeholder")
        await _store_raw(db, customer["id"], name=name, notes=notes)
    await factory.customer(admin, name="-5", notes="+86 (10) 6552-9988")
    _, response = await export(
        admin, db, columns=["name", "notes"], header="keys", filters={"sort": "name"}
    )
    frame = read(response)
    assert frame.rows() == [
        ("'-2+3", None),
        ("-5", "+86 (10) 6552-9988"),
        ('\'=HYPERLINK("http://evil")', "'@SUM(1+1)"),
    ]


async def _store_raw(db: Any, customer_id: str, **values: Any) -> None:
    async with db.sessionmaker() as session:
        await session.execute(
            update(Customer).where(Customer.id == uuid.UUID(customer_id)).values(**values)
        )
        await session.commit()


async def test_default_columns_and_english_labels_from_accept_language(
    admin: Any, factory: Any, db: Any
) -> None:
    customer = await factory.customer(admin, name="Acme", phone="13800138000", kind="person")
    r = await admin.post(
        "/api/v1/exports",
        json={"object_type": "customers"},
        headers={"Accept-Language": "en-GB,en;q=0.9,zh;q=0.5"},
    )
    assert r.status_code == 202, r.text
    await run_queued(db)
    frame = read(await download(admin, r.json()["id"]))
    assert frame.columns == [
        "ID",
        "Name",
        "Kind",
        "Phone",
        "E-mail",
        "Province",
        "City",
        "District",
        "Address",
        "Industry",
        "Source",
        "Level",
        "Tags",
        "Owner",
        "Department",
        "Notes",
        "Created at (UTC)",
        "Updated at (UTC)",
    ]
    row = frame.row(0, named=True)
    assert (row["ID"], row["Name"], row["Kind"], row["Phone"]) == (
        customer["id"],
        "Acme",
        "person",
        "13800138000",
    )
    assert row["E-mail"] is None and row["Owner"] == "Administrator"


async def test_contacts_export_with_their_customer(admin: Any, factory: Any, db: Any) -> None:
    customer = await factory.customer(admin, name="北京科技")
    for name, primary in (("张伟", True), ("Li, Lei", False)):
        r = await admin.post(
            "/api/v1/contacts",
            json={
                "customer_id": customer["id"],
                "name": name,
                "phone": "139 0013 9000",
                "is_primary": primary,
            },
        )
        assert r.status_code == 201, r.text
    other = await factory.customer(admin, name="Other")
    await admin.post("/api/v1/contacts", json={"customer_id": other["id"], "name": "Not me"})

    job, response = await export(
        admin,
        db,
        "contacts",
        format="xlsx",
        filters={"customer_id": customer["id"], "sort": "name"},
        columns=["name", "phone", "is_primary", "customer", "customer_id"],
        language="zh-CN",
    )
    frame = read(response, "xlsx")
    assert frame.columns == ["姓名", "电话", "主要联系人", "客户", "客户 ID"]
    assert frame.schema["主要联系人"] == pl.Boolean
    assert frame.rows() == [
        ("Li, Lei", "139 0013 9000", False, "北京科技", customer["id"]),
        ("张伟", "139 0013 9000", True, "北京科技", customer["id"]),
    ]
    assert job["kind"] == "contacts.export"
    assert response.headers["content-disposition"].startswith('attachment; filename="contacts-')


async def test_an_empty_export_has_just_the_header(admin: Any, db: Any) -> None:
    for fmt in ("csv", "xlsx"):
        job, response = await export(
            admin, db, format=fmt, columns=["id", "name"], header="keys", filters={"q": "none"}
        )
        assert job["result"]["rows"] == 0 and job["progress"] == 100
        if fmt == "csv":
            assert response.content == BOM + b"id,name\r\n"
        else:
            assert read(response, "xlsx").columns == ["id", "name"]


async def test_a_column_provider_appends_dynamic_columns(admin: Any, factory: Any, db: Any) -> None:
    """How custom fields plug in: a provider computes extra columns per export."""
    from crm.core import exportable
    from crm.core.exportable import ExportColumn

    async def provider(session: Any) -> list[ExportColumn]:
        return [
            ExportColumn(
                "custom.shout",
                {"en": "Shout", "zh-CN": "大写"},
                lambda row, context: row.name.upper(),
            ),
            # A key the registered columns already have is ignored: those come first.
            ExportColumn("name", {"en": "Shadow"}, lambda row, context: "shadowed"),
        ]

    customers = exportable.get("customers")
    assert customers is not None
    exportable.add_column_provider("customers", provider)
    try:
        await factory.customer(admin, name="Loud Ltd")
        listed = (await admin.get("/api/v1/exports/object-types")).json()
        customers_type = next(t for t in listed if t["object_type"] == "customers")
        keys = [c["key"] for c in customers_type["columns"]]
        assert keys.count("name") == 1 and keys[-1] == "custom.shout"
        _, response = await export(admin, db, columns=["name", "custom.shout"], language="zh-CN")
        assert read(response).rows() == [("Loud Ltd", "LOUD LTD")]
        assert read(response).columns == ["名称", "大写"]
    finally:
        customers.providers.remove(provider)
