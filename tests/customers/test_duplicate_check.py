"""Cleaning on every customer write, and the online duplicate check before a save."""

from __future__ import annotations

import uuid
from typing import Any

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
    assert (await _stored(db, created["id"])).name_normalized == "上海星辰科技"

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


async def test_fuzzy_names_with_a_score(admin: Any, factory: Any) -> None:
    same = await factory.customer(admin, name="上海星辰科技有限公司")
    near = await factory.customer(admin, name="上海星辰科技发展集团有限公司")
    await factory.customer(admin, name="北京云帆物流有限公司")

    # The same name once the legal form is ignored: that record, exactly.
    result = await _check(admin, name="上海星辰科技股份有限公司")
    assert _ids(result) == [same["id"]]
    assert result["candidates"][0]["score"] == 100
    assert result["candidates"][0]["reasons"] == ["name"]

    # A name nobody has: the similar ones, best first, with their similarity.
    result = await _check(admin, name="上海星辰科技开发有限公司")
    assert _ids(result) == [same["id"], near["id"]]  # the logistics company is nothing alike
    scores = [c["score"] for c in result["candidates"]]
    assert 100 > scores[0] > scores[1] >= 40

    # Typing the full-width form finds the same record.
    acme = await factory.customer(admin, name="Acme Co., Ltd.")
    assert _ids(await _check(admin, name="\uff21\uff23\uff2d\uff25 Inc.")) == [acme["id"]]


async def test_people_are_not_matched_by_name(admin: Any, factory: Any) -> None:
    await factory.customer(admin, name="王伟", kind="person")
    assert _ids(await _check(admin, name="王伟", kind="person")) == []
    assert len(_ids(await _check(admin, name="王伟"))) == 1  # kind unknown: still compared


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


async def test_similar_names_come_from_the_scope_best_first(
    factory: Any, sales_team: dict[str, Any]
) -> None:
    t = sales_team
    a, b, manager, outsider = t["sales_a"], t["sales_b"], t["manager"], t["outsider"]
    # Similarity to "上海星辰科技开发" (normalised): 0.6, 0.5 and, closest, 0.73.
    near = await factory.customer(a, name="上海星辰科技有限公司")
    nearish = await factory.customer(a, name="上海星辰科技发展有限公司")
    closest = await factory.customer(b, name="上海星辰科技开发区有限公司")
    await factory.customer(a, name="上海星辰贸易有限公司")  # 0.4: below the threshold

    typed = "上海星辰科技开发有限公司"  # nobody has this name
    result = await _check(a, name=typed)
    assert _ids(result) == [near["id"], nearish["id"]]  # not b's, closer as it is
    assert [c["score"] for c in result["candidates"]] == [60.0, 50.0]
    assert result["hidden_matches"] is False  # a similar name elsewhere is no evidence

    result = await _check(manager, name=typed)
    assert _ids(result) == [closest["id"], near["id"], nearish["id"]]
    assert result["candidates"][0]["score"] == 72.7

    assert await _check(outsider, name=typed) == {"candidates": [], "hidden_matches": False}


async def test_a_renamed_customer_is_found_by_its_new_name(admin: Any, factory: Any) -> None:
    # Similar names are searched among the names customers have been written with; a rename
    # to a name nobody had must be among them at once.
    customer = await factory.customer(admin, name="Placeholder Ltd")
    typed = "Northwind Harbor Shipping Traders"
    assert _ids(await _check(admin, name=typed)) == []

    r = await admin.patch(
        f"/api/v1/customers/{customer['id']}", json={"name": "Northwind Harbor Traders Ltd."}
    )
    assert r.status_code == 200, r.text
    result = await _check(admin, name=typed)
    assert _ids(result) == [customer["id"]]
    assert 50 <= result["candidates"][0]["score"] < 100
