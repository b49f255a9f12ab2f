"""Custom field values on customers and contacts: validated on every write, stored in their
typed JSON form, filterable and sortable on the lists."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import Api
from customfields.helpers import define, items
from platform_helpers import assert_problem, error_locs


@pytest.fixture
async def fields(admin: Api) -> dict[str, dict[str, Any]]:
    return {
        "region": await define(
            admin, "region", "select", options=[{"value": "east"}, {"value": "west"}]
        ),
        "channels": await define(
            admin,
            "channels",
            "multi_select",
            options=[{"value": "wechat"}, {"value": "email"}, {"value": "phone"}],
        ),
        "employees": await define(
            admin, "employees", "number", validation={"min": 1, "max": 100000}
        ),
        "budget": await define(admin, "budget", "decimal", validation={"decimal_places": 2}),
        "since": await define(admin, "since", "date"),
        "vip": await define(admin, "vip", "boolean"),
        "code": await define(
            admin, "code", "text", validation={"max_length": 8, "regex": "[A-Z]{2}\\d+"}
        ),
        "account_manager": await define(admin, "account_manager", "user"),
    }


async def test_values_are_stored_in_their_typed_form(
    admin: Api, fields: dict[str, Any], sales_team: dict[str, Any]
) -> None:
    sales = sales_team["sales_a"]
    r = await sales.post(
        "/api/v1/customers",
        json={
            "name": "Acme",
            "custom_fields": {
                "region": "east",
                "channels": ["email", "wechat", "email"],
                "employees": "120",
                "budget": "1200.5",
                "since": "2024-03-01",
                "vip": True,
                "code": " AB12 ",
                "account_manager": sales_team["manager"].user_id,
            },
        },
    )
    assert r.status_code == 201, r.text
    assert r.json()["custom_fields"] == {
        "region": "east",
        "channels": ["email", "wechat"],
        "employees": 120,
        "budget": "1200.50",
        "since": "2024-03-01",
        "vip": True,
        "code": "AB12",
        "account_manager": sales_team["manager"].user_id,
    }
    customer_id = r.json()["id"]

    # An update merges: null removes a value, keys left out stay.
    r = await sales.patch(
        f"/api/v1/customers/{customer_id}",
        json={"custom_fields": {"vip": None, "employees": 121}},
    )
    assert r.status_code == 200, r.text
    custom = r.json()["custom_fields"]
    assert "vip" not in custom and custom["employees"] == 121 and custom["region"] == "east"

    # Contacts carry their own fields.
    await define(admin, "hobby", "text", object_type="contact")
    r = await sales.post(
        "/api/v1/contacts",
        json={"customer_id": customer_id, "name": "Li", "custom_fields": {"hobby": "golf"}},
    )
    assert r.status_code == 201 and r.json()["custom_fields"] == {"hobby": "golf"}, r.text
    r = await sales.post(
        "/api/v1/contacts",
        json={"customer_id": customer_id, "name": "Li", "custom_fields": {"region": "east"}},
    )
    assert error_locs(assert_problem(r, 422)) == [["body", "custom_fields", "region"]]


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("region", "north"),  # not an option
        ("region", 1),
        ("channels", "email"),  # not a list
        ("channels", ["email", "fax"]),
        ("employees", 1.5),
        ("employees", True),
        ("employees", 0),  # below min
        ("employees", 2**60),
        ("budget", 12.5),  # decimals as strings
        ("budget", "12.345"),  # more places than allowed
        ("budget", "abc"),
        ("budget", "NaN"),
        ("since", "01/03/2024"),
        ("since", "2024-02-30"),
        ("vip", "yes"),
        ("code", "ab12"),  # regex
        ("code", "AB1234567"),  # max_length
        ("code", 12),
        ("account_manager", "not-a-uuid"),
        ("account_manager", "018f0000-0000-7000-8000-000000000000"),  # no such user
        ("nonexistent", "x"),  # unknown key
    ],
)
async def test_a_bad_value_is_refused_naming_its_key(
    fields: dict[str, Any], sales_team: dict[str, Any], key: str, value: Any
) -> None:
    sales = sales_team["sales_a"]
    r = await sales.post("/api/v1/customers", json={"name": "Bad", "custom_fields": {key: value}})
    body = assert_problem(r, 422)
    assert error_locs(body) == [["body", "custom_fields", key]], body
    assert key in body["detail"]
    listed = await items(sales, "/api/v1/customers")
    assert listed == []  # nothing half-written


async def test_required_fields_and_inactive_users(
    admin: Api, factory: Any, sales_team: dict[str, Any]
) -> None:
    sales = sales_team["sales_a"]
    await define(admin, "region", "text", required=True)
    await define(admin, "owner_two", "user")
    r = await sales.post("/api/v1/customers", json={"name": "No region"})
    assert error_locs(assert_problem(r, 422)) == [["body", "custom_fields", "region"]]
    r = await sales.post(
        "/api/v1/customers", json={"name": "Has", "custom_fields": {"region": "  "}}
    )
    assert error_locs(assert_problem(r, 422)) == [["body", "custom_fields", "region"]]
    customer = await factory.customer(sales, custom_fields={"region": "East"})
    r = await sales.patch(
        f"/api/v1/customers/{customer['id']}", json={"custom_fields": {"region": None}}
    )
    assert error_locs(assert_problem(r, 422)) == [["body", "custom_fields", "region"]]
    # Other updates of a record are not blocked by fields made required later.
    await define(admin, "later", "text", required=True)
    r = await sales.patch(f"/api/v1/customers/{customer['id']}", json={"industry": "Retail"})
    assert r.status_code == 200, r.text

    leaver = await factory.user("sales")
    r = await admin.patch(f"/api/v1/users/{leaver.user_id}", json={"is_active": False})
    assert r.status_code == 200, r.text
    r = await sales.patch(
        f"/api/v1/customers/{customer['id']}", json={"custom_fields": {"owner_two": leaver.user_id}}
    )
    assert error_locs(assert_problem(r, 422)) == [["body", "custom_fields", "owner_two"]]


async def _seed(sales: Api, factory: Any) -> dict[str, str]:
    specs = {
        "a": {
            "region": "east",
            "channels": ["email"],
            "employees": 50,
            "budget": "10.00",
            "since": "2020-01-01",
            "vip": True,
            "code": "AB1",
        },
        "b": {
            "region": "west",
            "channels": ["wechat", "email"],
            "employees": 5,
            "budget": "200.00",
            "since": "2023-06-01",
            "vip": False,
            "code": "CD22",
        },
        "c": {"region": "east", "employees": 500, "budget": "3.50"},
        "d": {},
    }
    ids = {}
    for name, custom in specs.items():
        ids[name] = (await factory.customer(sales, name=f"Cust {name}", custom_fields=custom))["id"]
    return ids


async def test_filters_on_custom_fields(
    fields: dict[str, Any], factory: Any, sales_team: dict[str, Any]
) -> None:
    sales = sales_team["sales_a"]
    ids = await _seed(sales, factory)
    name_of = {v: k for k, v in ids.items()}

    async def found(**params: str) -> set[str]:
        return {name_of[c["id"]] for c in await items(sales, "/api/v1/customers", **params)}

    assert await found(**{"cf.region": "east"}) == {"a", "c"}
    assert await found(**{"cf.channels": "email"}) == {"a", "b"}
    assert await found(**{"cf.channels.contains": "wechat"}) == {"b"}
    assert await found(**{"cf.employees": "50"}) == {"a"}
    assert await found(**{"cf.employees.gte": "50"}) == {"a", "c"}
    assert await found(**{"cf.budget.lte": "10"}) == {"a", "c"}
    assert await found(**{"cf.budget": "10"}) == {"a"}  # canonical form: "10.00"
    assert await found(**{"cf.since.gte": "2021-01-01"}) == {"b"}
    assert await found(**{"cf.vip": "false"}) == {"b"}
    assert await found(**{"cf.code.contains": "d2"}) == {"b"}
    assert await found(**{"cf.region": "east", "cf.employees.lte": "100"}) == {"a"}

    for params, loc in [
        ({"cf.nope": "x"}, "cf.nope"),
        ({"cf.region": "north"}, "cf.region"),
        ({"cf.employees": "many"}, "cf.employees"),
        ({"cf.region.gte": "a"}, "cf.region.gte"),
        ({"cf.vip": "maybe"}, "cf.vip"),
        ({"cf.region.like": "e"}, "cf.region.like"),
    ]:
        r = await sales.get("/api/v1/customers", params=params)
        assert error_locs(assert_problem(r, 400)) == [["query", loc]], params


@pytest.mark.parametrize(
    ("key", "groups"),
    [
        # Ascending: groups of equal values in order; ties and records without a value (last)
        # go by id.
        ("employees", [["b"], ["a"], ["c"], ["d"]]),
        ("budget", [["c"], ["a"], ["b"], ["d"]]),
        ("since", [["a"], ["b"], ["c", "d"]]),
        ("region", [["a", "c"], ["b"], ["d"]]),
        ("vip", [["b"], ["a"], ["c", "d"]]),
        ("code", [["a"], ["b"], ["c", "d"]]),
    ],
)
async def test_sorting_on_custom_fields_pages_through_every_record_once(
    fields: dict[str, Any],
    factory: Any,
    sales_team: dict[str, Any],
    key: str,
    groups: list[list[str]],
) -> None:
    sales = sales_team["sales_a"]
    ids = await _seed(sales, factory)
    name_of = {v: k for k, v in ids.items()}
    ascending = [n for group in groups for n in sorted(group, key=lambda n: ids[n])]

    for sort, want in ((f"cf.{key}", ascending), (f"-cf.{key}", ascending[::-1])):
        seen: list[str] = []
        cursor = None
        while True:
            params = {"sort": sort, "limit": "1", **({"cursor": cursor} if cursor else {})}
            r = await sales.get("/api/v1/customers", params=params)
            assert r.status_code == 200, r.text
            seen += [name_of[c["id"]] for c in r.json()["items"]]
            cursor = r.json()["next_cursor"]
            if cursor is None:
                break
        assert seen == want, (sort, seen)


async def test_sort_errors(fields: dict[str, Any], sales_team: dict[str, Any]) -> None:
    sales = sales_team["sales_a"]
    for sort in ("cf.channels", "cf.nope", "-cf.nope"):
        r = await sales.get("/api/v1/customers", params={"sort": sort})
        assert error_locs(assert_problem(r, 400)) == [["query", "sort"]], sort
    r = await sales.get("/api/v1/customers", params={"sort": "cf.region", "cursor": "bm9wZQ"})
    assert error_locs(assert_problem(r, 400)) == [["query", "cursor"]]
