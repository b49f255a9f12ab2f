"""Custom fields in exports: a column per active definition, typed in XLSX."""

from __future__ import annotations

from datetime import date
from typing import Any

from customfields.helpers import define
from export_helpers import export, read


async def test_active_custom_fields_are_exported_in_order_with_their_labels(
    admin: Any, factory: Any, db: Any
) -> None:
    await define(admin, "region", "select", options=[{"value": "east"}, {"value": "west"}])
    await define(admin, "signed_on", "date")
    await define(admin, "channels", "multi_select", options=[{"value": "web"}, {"value": "fair"}])
    retired = await define(admin, "legacy_code", "text")
    await admin.patch(f"/api/v1/custom-fields/{retired['id']}", json={"active": False})
    await factory.customer(
        admin,
        name="Field Co",
        custom_fields={"region": "east", "signed_on": "2024-03-05", "channels": ["web", "fair"]},
    )
    await factory.customer(admin, name="Bare Co")

    keys = ["name", "cf.region", "cf.signed_on", "cf.channels"]
    _, response = await export(admin, db, columns=keys, header="keys", filters={"sort": "name"})
    frame = read(response)
    assert frame.columns == keys
    assert frame.rows() == [
        ("Bare Co", None, None, None),
        ("Field Co", "east", "2024-03-05", "web; fair"),
    ]

    # Labels in the requested language; the inactive field is not offered.
    listed = (await admin.get("/api/v1/exports/object-types")).json()
    customer_columns = next(t for t in listed if t["object_type"] == "customers")["columns"]
    offered = [c["key"] for c in customer_columns]
    assert "cf.legacy_code" not in offered and "cf.region" in offered

    _, xlsx = await export(
        admin, db, format="xlsx", columns=keys, header="keys", filters={"sort": "name"}
    )
    cells = read(xlsx, "xlsx").rows()
    assert cells[1][0] == "Field Co" and cells[1][2] == date(2024, 3, 5)
