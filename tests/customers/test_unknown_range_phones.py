"""A real mobile number on a range the phone library does not know yet (16x here) is saved
through the API as it is through an import: kept as typed, no E.164 form, matched by its key."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from crm.customers.models import Customer
from platform_helpers import assert_problem

CHECK = "/api/v1/customers/duplicates/check"


@pytest.mark.parametrize("typed", ["16350006734", "163 5000 6734", "(+86)16350006734"])
async def test_an_unknown_range_mobile_is_saved_and_matched(
    admin: Any, db: Any, typed: str
) -> None:
    r = await admin.post("/api/v1/customers", json={"name": "Unknown range Ltd", "phone": typed})
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["phone"] == typed
    async with db.sessionmaker() as session:
        stored = await session.get(Customer, uuid.UUID(created["id"]))
        assert stored is not None
        assert (stored.phone_e164, stored.phone_key) == (None, "8616350006734")

    r = await admin.get(CHECK, params={"phone": "+86 163-5000-6734"})
    assert r.status_code == 200, r.text
    assert created["id"] in [c["customer"]["id"] for c in r.json()["candidates"]]


@pytest.mark.parametrize("typed", ["12345", "123", "abc", "1635000673"])
async def test_numbers_without_a_phone_shape_are_still_refused(admin: Any, typed: str) -> None:
    r = await admin.post("/api/v1/customers", json={"name": "Acme", "phone": typed})
    assert_problem(r, 422)
