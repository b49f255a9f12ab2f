"""Cleaning on every customer write, and the online duplicate check before a save."""

from __future__ import annotations

import uuid
from typing import Any

from crm.core.cleaning import phone_key
from crm.customers.models import Customer
from platform_helpers import assert_problem

CHECK = "/api/v1/customers/duplicates/check"


async def _stored(db: Any, customer_id: str) -> Customer:
    async with db.sessionmaker() as session:
        customer = await session.get(Customer, uuid.UUID(customer_id))
        assert customer is not None
        return customer


async def _check(api: Any, **body: Any) -> dict[str, Any]:
    r = await api.get(CHECK, params=body)
    assert r.status_code == 200, r.text
    return dict(r.json())


def _ids(result: dict[str, Any]) -> list[str]:
    return [c["customer"]["id"] for c in result["candidates"]]


# --- cleaning on write ------------------------------------------------------------------------


async def test_writes_store_the_normalised_name_and_split_the_address(admin: Any, db: Any) -> None:
    r = await admin.post(
        "/api/v1/customers",
        json={"name": "上海星辰科技股份有限公司", "address": "广东省深圳市南山区科技园1号"},
    )
    assert r.status_code == 201, r.text
    created = r.json()
    # The display name is kept as typed; the parts come from the address.
    assert created["name"] == "上海星辰科技股份有限公司"
    assert (created["province"], created["city"], created["district"]) == (
        "广东省",
        "深圳市",
        "南山区",
    )
    assert created["address"] == "广东省深圳市南山区科技园1号"
    assert (await _stored(db, created["id"])).name_normalized == "星辰科技"  # the core

    # A rename renormalises; a new address without parts does not overwrite existing parts.
    path = f"/api/v1/customers/{created['id']}"
    r = await admin.patch(
        path, json={"name": "\uff21\uff23\uff2d\uff25 Co., Ltd.", "address": "北京市海淀区"}
    )
    assert r.status_code == 200, r.text
    assert r.json()["province"] == "广东省"
    assert (await _stored(db, created["id"])).name_normalized == "acme"

    # Clearing the parts and giving an address fills them again.
    r = await admin.patch(
        path,
        json={"province": None, "city": None, "district": None, "address": "北京市海淀区中关村"},
    )
    assert (r.json()["province"], r.json()["city"], r.json()["district"]) == (
        "北京市",
        "北京市",
        "海淀区",
    )


async def test_parts_given_with_the_address_are_kept(admin: Any) -> None:
    r = await admin.post(
        "/api/v1/customers",
        json={"name": "Kept", "address": "广东省深圳市南山区", "city": "Shenzhen"},
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert (body["province"], body["city"], body["district"]) == (None, "Shenzhen", None)


# --- the check --------------------------------------------------------------------------------


async def test_exact_phone_and_email_in_any_format(admin: Any, factory: Any) -> None:
    target = await factory.customer(
        admin, name="Northwind Traders Ltd.", phone="138 0013 8000", email="buyer@northwind.cn"
    )
    other = await factory.customer(admin, name="Unrelated", phone="139 0013 9000")

    result = await _check(admin, phone="+86 138-0013-8000")
    assert _ids(result) == [target["id"]]
    assert result["candidates"][0]["reasons"] == ["phone"]
    assert result["candidates"][0]["score"] == 100
    assert result["hidden_matches"] is False
    # The same kind of check with another number (the statement is reused, not its values).
    assert _ids(await _check(admin, phone="13900139000")) == [other["id"]]

    result = await _check(admin, email="  BUYER@Northwind.CN ")
    assert _ids(result) == [target["id"]]
    assert result["candidates"][0]["reasons"] == ["email"]

    # All three at once: one candidate with every reason.
    result = await _check(
        admin, name="NORTHWIND TRADERS INC", phone="13800138000", email="buyer@northwind.cn"
    )
    assert _ids(result) == [target["id"]]
    assert result["candidates"][0]["reasons"] == ["phone", "email", "name"]
    # The candidate is written straight from its row: exactly what reading the customer gives.
    r = await admin.get(f"/api/v1/customers/{target['id']}")
    assert result["candidates"][0]["customer"] == r.json()


async def test_names_match_on_their_core_with_a_score(admin: Any, factory: Any) -> None:
    same = await factory.customer(admin, name="上海星辰科技有限公司")
    await factory.customer(admin, name="上海星辰科技发展集团有限公司")
    await factory.customer(admin, name="北京云帆物流有限公司")

    # The same core and region once the legal form is ignored: that record, exactly.
    for typed in ("上海星辰科技股份有限公司", "星辰科技（上海）有限公司", "星辰科技"):
        result = await _check(admin, name=typed)
        assert _ids(result) == [same["id"]], typed
        assert 50 <= result["candidates"][0]["score"] < 100  # a name alone: no certainty
        assert result["candidates"][0]["reasons"] == ["name"]

    # A similar name is a look-alike, not a duplicate; nor is the core in another city.
    assert _ids(await _check(admin, name="上海星辰科技开发有限公司")) == []
    assert _ids(await _check(admin, name="北京星辰科技有限公司")) == []

    # Typing the full-width form finds the same record.
    acme = await factory.customer(admin, name="Acme Co., Ltd.")
    assert _ids(await _check(admin, name="\uff21\uff23\uff2d\uff25 Inc.")) == [acme["id"]]


async def test_look_alike_names_are_no_suggestions(admin: Any, factory: Any) -> None:
    """Names of one pattern that differ in digits or in a character of a short Chinese core
    are other companies (the old trigram suggestions were wrong 98 times in 100)."""
    for n in (636, 5658, 19659):
        await factory.customer(admin, name=f"Tyrell{n} Foods")
    await factory.customer(admin, name="上海业汇顺生物科技有限公司")
    assert _ids(await _check(admin, name="Tyrell780 Foods")) == []
    assert _ids(await _check(admin, name="上海业顺嘉生物科技有限公司")) == []


async def test_phones_the_library_rejects_are_matched(admin: Any, factory: Any, db: Any) -> None:
    target = await factory.customer(admin, name="Tyrell Foods")
    # As an import keeps a number on a range the library rejects: as typed, with its key.
    async with db.sessionmaker() as session:
        customer = await session.get(Customer, uuid.UUID(target["id"]))
        assert customer is not None
        customer.phone, customer.phone_key = "163 5000 6734", phone_key("163 5000 6734")
        await session.commit()
    result = await _check(admin, phone="(+86)16350006734")
    assert _ids(result) == [target["id"]]
    assert result["candidates"][0]["reasons"] == ["phone"]


async def test_people_are_not_matched_by_name(admin: Any, factory: Any) -> None:
    await factory.customer(admin, name="欧阳娜娜", kind="person")
    assert _ids(await _check(admin, name="欧阳娜娜", kind="person")) == []
    assert _ids(await _check(admin, name="欧阳娜娜")) == []  # kind unknown: the record's counts
    company = await factory.customer(admin, name="欧阳娜娜工作室")
    assert _ids(await _check(admin, name="欧阳娜娜工作室")) == [company["id"]]


async def test_the_edited_record_and_deleted_ones_are_no_duplicates(
    admin: Any, factory: Any
) -> None:
    me = await factory.customer(admin, name="Self Check Ltd", phone="138 0013 8001")
    gone = await factory.customer(admin, name="Gone Ltd", phone="138 0013 8002")
    assert (await admin.delete(f"/api/v1/customers/{gone['id']}")).status_code == 204

    assert _ids(await _check(admin, name="Self Check", exclude_id=me["id"])) == []
    assert _ids(await _check(admin, phone="13800138001")) == [me["id"]]
    assert _ids(await _check(admin, phone="13800138002", name="Gone")) == []


async def test_nothing_usable_gives_no_candidates(admin: Any, factory: Any) -> None:
    await factory.customer(admin, name="Anything Ltd")
    for body in ({}, {"name": "  "}, {"phone": "12"}, {"email": "half-typed@"}):
        result = await _check(admin, **body)
        assert result == {"candidates": [], "hidden_matches": False}, body


async def test_bad_input_is_a_problem(admin: Any) -> None:
    assert_problem(await admin.get(CHECK, params={"name": "x" * 201}), 422)
    assert_problem(await admin.get(CHECK, params={"nmae": "typo"}), 422)
    assert_problem(await admin.get(CHECK, params={"exclude_id": "nope"}), 422)
    assert_problem(await admin.get(CHECK, params={"kind": "robot"}), 422)


async def test_matches_outside_the_scope_are_flagged_not_shown(
    factory: Any, sales_team: dict[str, Any]
) -> None:
    t = sales_team
    a, b, manager, outsider = t["sales_a"], t["sales_b"], t["manager"], t["outsider"]
    mine = await factory.customer(a, name="Harbor Peak Foods Ltd.", phone="138 0013 8100")
    theirs = await factory.customer(b, name="Harbor Peak Foods Co., Ltd.", email="x@harbor.cn")

    # sales_a sees their own record, and learns (only) that someone else has one too.
    result = await _check(a, name="Harbor Peak Foods", email="x@harbor.cn")
    assert _ids(result) == [mine["id"]]
    assert result["hidden_matches"] is True
    # The same e-mail alone: nothing of it is shown, the flag is.
    result = await _check(a, email="x@harbor.cn")
    assert result == {"candidates": [], "hidden_matches": True}

    # Their manager sees both; the salesperson of another department sees neither.
    result = await _check(manager, name="Harbor Peak Foods")
    assert set(_ids(result)) == {mine["id"], theirs["id"]}
    assert result["hidden_matches"] is False
    result = await _check(outsider, name="Harbor Peak Foods", phone="13800138100")
    assert result == {"candidates": [], "hidden_matches": True}

    # Without customers:read, no check at all.
    nobody = await factory.user()
    assert_problem(await nobody.get(CHECK, params={"name": "Harbor"}), 403)


async def test_name_matches_come_from_the_scope(factory: Any, sales_team: dict[str, Any]) -> None:
    t = sales_team
    a, b, manager, outsider = t["sales_a"], t["sales_b"], t["manager"], t["outsider"]
    mine = await factory.customer(a, name="上海星辰科技有限公司")
    theirs = await factory.customer(b, name="星辰科技（上海）股份有限公司")
    await factory.customer(a, name="上海星辰贸易有限公司")  # another company

    typed = "上海市星辰科技"
    result = await _check(a, name=typed)
    assert _ids(result) == [mine["id"]]  # not b's, only that there is one elsewhere
    assert result["hidden_matches"] is True

    assert set(_ids(await _check(manager, name=typed))) == {mine["id"], theirs["id"]}
    assert await _check(outsider, name=typed) == {"candidates": [], "hidden_matches": True}
    # The same core in another city, elsewhere: another company, so no flag either.
    result = await _check(outsider, name="北京星辰科技有限公司")
    assert result == {"candidates": [], "hidden_matches": False}


async def test_a_renamed_customer_is_found_by_its_new_name(admin: Any, factory: Any) -> None:
    # Similar names are searched among the names customers have been written with; a rename
    # to a name nobody had must be among them at once.
    customer = await factory.customer(admin, name="Placeholder Ltd")
    typed = "Shanghai Northwind Harbour Traders"  # one letter more than the new name
    assert _ids(await _check(admin, name=typed)) == []

    r = await admin.patch(
        f"/api/v1/customers/{customer['id']}",
        json={"name": "Northwind Harbor Traders (Shanghai) Ltd."},
    )
    assert r.status_code == 200, r.text
    result = await _check(admin, name=typed)
    assert _ids(result) == [customer["id"]]
    assert 50 <= result["candidates"][0]["score"] < 100
