"""Every documented filter of the lists narrows the result.

One world holds two records per list, a "hit" and a "miss", that differ in every filtered
attribute; a table names, per list route, each filter with a value that selects exactly one of
them. The lists come from the OpenAPI: every keyset-paged GET route documenting a filter (a
query parameter besides the paging ones) must be covered here or be named in PENDING (so a new
list fails this test until it has rows). The test checks the table covers every query parameter
the OpenAPI documents for those routes (a new filter needs a row here) and every custom-field
operator of the routes that document them, then that each filter keeps its record and drops
the other."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from conftest import Api, Factory
from customfields.helpers import define
from sales.helpers import default_pipeline, stage

PAGING = {"limit", "cursor", "sort", "with_total"}

# Lists documenting filters that this test does not cover yet; each needs a world and rows.
# Kept exact (the test fails when one gets covered, or a new list appears, without an edit).
PENDING = frozenset(
    {
        "/api/v1/audit-logs",
        "/api/v1/login-events",
        "/api/v1/roles",
        "/api/v1/api-keys",
        "/api/v1/customers/duplicates",
        "/api/v1/customers/{customer_id}/contacts",
        "/api/v1/customer-pool",
        "/api/v1/customer-pool/policies",
        "/api/v1/imports",
        "/api/v1/imports/{import_id}/rows",
        "/api/v1/customers/{customer_id}/timeline",
        "/api/v1/tasks/mine",
        "/api/v1/holidays",
        "/api/v1/reminder-rules",
        "/api/v1/notifications",
        "/api/v1/custom-fields",
        "/api/v1/tags",  # only customers have tags: its object_type selects nothing else yet
        "/api/v1/pipelines/{pipeline_id}/kanban",
        "/api/v1/customers/{customer_id}/deals",
        "/api/v1/attachments",
        "/api/v1/leads/pool",
        "/api/v1/leads/{lead_id}/assignments",
        "/api/v1/price-books",
        "/api/v1/price-books/{price_book_id}/entries",
        "/api/v1/quotes",
        "/api/v1/approvals",
        "/api/v1/contracts",
        "/api/v1/orders",
    }
)


def documented_lists(spec: dict[str, Any]) -> dict[str, set[str]]:
    """Per keyset-paged GET route of the OpenAPI (one taking ``cursor``), the query
    parameters it documents besides paging (``q`` included); only routes with some."""
    lists = {}
    for path, operations in spec["paths"].items():
        get = operations.get("get")
        if get is None:
            continue
        names = {p["name"] for p in get.get("parameters", []) if p["in"] == "query"}
        if "cursor" in names and names - PAGING:
            lists[path] = names - PAGING
    return lists


CUSTOM_OPERATORS = ("", ".contains", ".gte", ".lte")


@dataclass(frozen=True)
class Case:
    path: str
    params: dict[str, str]
    keeps: str  # "hit" or "miss": the record the filter selects


async def _post(api: Api, path: str, body: dict[str, Any]) -> dict[str, Any]:
    r = await api.post(path, json=body)
    assert r.status_code in (200, 201), (path, r.text)
    return dict(r.json())


async def _world(admin: Api, factory: Factory) -> dict[str, dict[str, Any]]:
    """Per list, the hit and miss records, plus the users and pipelines they refer to."""
    for object_type in ("customer", "contact"):
        await define(admin, "region", "text", object_type=object_type)
        await define(admin, "size", "number", object_type=object_type)
    first, second = await factory.department("Filters A"), await factory.department("Filters B")
    u1 = await factory.user("sales", department_id=first["id"])
    u2 = await factory.user("sales", department_id=second["id"])
    w: dict[str, dict[str, Any]] = {"user": {"hit": u1.user_id, "miss": u2.user_id}}
    w["department"] = {"hit": first["id"], "miss": second["id"]}

    w["customer"] = {
        "hit": await _post(
            admin,
            "/api/v1/customers",
            {
                "name": "Alpha Mining",
                "kind": "company",
                "industry": "Mining",
                "source": "fair",
                "tags": ["vip"],
                "level": "A",
                "owner_id": u1.user_id,
                "custom_fields": {"region": "North coast", "size": 10},
            },
        ),
        "miss": await _post(
            admin,
            "/api/v1/customers",
            {
                "name": "Beta Retail",
                "kind": "person",
                "industry": "Retail",
                "source": "web",
                "tags": ["cold"],
                "level": "B",
                "owner_id": u2.user_id,
                "custom_fields": {"region": "South", "size": 99},
            },
        ),
    }
    customers = w["customer"]
    w["contact"] = {
        "hit": await _post(
            admin,
            "/api/v1/contacts",
            {
                "customer_id": customers["hit"]["id"],
                "name": "Hanna Alpha",
                "custom_fields": {"region": "North coast", "size": 10},
            },
        ),
        "miss": await _post(
            admin,
            "/api/v1/contacts",
            {
                "customer_id": customers["miss"]["id"],
                "name": "Otto Beta",
                "custom_fields": {"region": "South", "size": 99},
            },
        ),
    }

    pipeline = await default_pipeline(admin)
    other = await _post(
        admin,
        "/api/v1/pipelines",
        {
            "name": "Filters",
            "stages": [
                {"key": "open", "name": "Open", "probability": 50},
                {"key": "won", "name": "Won", "probability": 100, "kind": "won"},
                {"key": "lost", "name": "Lost", "probability": 0, "kind": "lost"},
            ],
        },
    )
    hit_deal = await _post(
        admin,
        "/api/v1/deals",
        {
            "name": "Alpha deal",
            "customer_id": customers["hit"]["id"],
            "owner_id": u1.user_id,
            "expected_close_date": "2027-01-10",
        },
    )
    miss_deal = await _post(
        admin,
        "/api/v1/deals",
        {
            "name": "Beta deal",
            "customer_id": customers["miss"]["id"],
            "owner_id": u2.user_id,
            "expected_close_date": "2027-06-10",
            "pipeline_id": other["id"],
        },
    )
    miss_deal = await _post(
        admin,
        f"/api/v1/deals/{miss_deal['id']}/move",
        {
            "stage_key": "lost",
            "lost_reason": "No budget",
        },
    )
    w["deal"] = {"hit": hit_deal, "miss": miss_deal}
    w["pipeline"] = {"hit": pipeline["id"], "miss": other["id"]}
    w["stage"] = {"hit": stage(pipeline, "initial_contact")["id"], "miss": miss_deal["stage_id"]}

    w["activity"] = {
        "hit": await _post(
            admin,
            "/api/v1/activities",
            {
                "customer_id": customers["hit"]["id"],
                "contact_id": w["contact"]["hit"]["id"],
                "kind": "call",
                "subject": "Alpha call",
                "owner_id": u1.user_id,
                "occurred_at": "2026-01-10T09:00:00Z",
            },
        ),
        "miss": await _post(
            admin,
            "/api/v1/activities",
            {
                "customer_id": customers["miss"]["id"],
                "contact_id": w["contact"]["miss"]["id"],
                "kind": "note",
                "subject": "Beta note",
                "owner_id": u2.user_id,
                "occurred_at": "2026-06-10T09:00:00Z",
            },
        ),
    }
    w["lead"] = {
        "hit": await _post(
            admin,
            "/api/v1/leads",
            {
                "company_name": "Alpha Leads",
                "status": "contacted",
                "grade": "A",
                "source": "fair",
                "product_line": "Pumps",
                "owner_id": u1.user_id,
            },
        ),
        "miss": await _post(
            admin,
            "/api/v1/leads",
            {
                "company_name": "Beta Leads",
                "status": "new",
                "grade": "C",
                "source": "web",
                "product_line": "Valves",
                "owner_id": u2.user_id,
            },
        ),
    }
    await _more_of_the_world(admin, w)
    await _catalogue(admin, w)
    return w


async def _catalogue(admin: Api, w: dict[str, dict[str, Any]]) -> None:
    """Products and contract templates: settings-like lists."""
    w["product"] = {
        "hit": await _post(
            admin,
            "/api/v1/products",
            {"sku": "ALPHA-1", "name": "Alpha pump", "product_line": "Pumps", "active": True},
        ),
        "miss": await _post(
            admin,
            "/api/v1/products",
            {"sku": "BETA-1", "name": "Beta valve", "product_line": "Valves", "active": False},
        ),
    }
    w["contract_template"] = {
        "hit": await _post(
            admin, "/api/v1/contract-templates", {"name": "Alpha terms", "active": True}
        ),
        "miss": await _post(
            admin, "/api/v1/contract-templates", {"name": "Beta terms", "active": False}
        ),
    }


async def _more_of_the_world(admin: Api, w: dict[str, dict[str, Any]]) -> None:
    """Tasks, departments, bin entries and users (the second user deactivated last: the
    records above needed an active owner)."""
    user, customers = w["user"], w["customer"]
    w["task"] = {
        "hit": await _post(
            admin,
            "/api/v1/tasks",
            {
                "title": "Alpha task",
                "assignee_id": user["hit"],
                "priority": "high",
                "related_type": "customer",
                "related_id": customers["hit"]["id"],
                "due_at": "2026-01-10T09:00:00Z",
            },
        ),
        "miss": await _post(
            admin,
            "/api/v1/tasks",
            {
                "title": "Beta task",
                "assignee_id": user["miss"],
                "priority": "low",
                "due_at": "2026-06-10T09:00:00Z",
            },
        ),
    }
    await _post(admin, f"/api/v1/tasks/{w['task']['miss']['id']}/complete", {})
    w["department_tree"] = {
        "hit": await _post(
            admin,
            "/api/v1/departments",
            {
                "name": "Filters A child",
                "parent_id": w["department"]["hit"],
            },
        ),
        "miss": {"id": w["department"]["miss"]},
    }

    doomed_contact = await _post(
        admin,
        "/api/v1/contacts",
        {
            "customer_id": customers["hit"]["id"],
            "name": "Gone Alpha",
        },
    )
    doomed_lead = await _post(admin, "/api/v1/leads", {"company_name": "Gone Beta"})
    for path in (f"/api/v1/contacts/{doomed_contact['id']}", f"/api/v1/leads/{doomed_lead['id']}"):
        assert (await admin.delete(path)).status_code == 204
    entries = (await admin.get("/api/v1/recycle-bin", params={"limit": 200})).json()["items"]
    entry_of = {e["object_id"]: e for e in entries}
    w["recycle_bin"] = {"hit": entry_of[doomed_contact["id"]], "miss": entry_of[doomed_lead["id"]]}

    r = await admin.patch(f"/api/v1/users/{user['miss']}", json={"is_active": False})
    assert r.status_code == 200, r.text
    w["users"] = {"hit": {"id": user["hit"]}, "miss": {"id": user["miss"]}}
    w["user_email"] = {"miss": r.json()["email"]}


def _cases(w: dict[str, dict[str, Any]]) -> list[Case]:
    def ids(kind: str) -> dict[str, str]:
        return {k: v if isinstance(v, str) else v["id"] for k, v in w[kind].items()}

    user, dept, customer, contact = ids("user"), ids("department"), ids("customer"), ids("contact")
    custom = [
        Case("", {"cf.region": "North coast"}, "hit"),
        Case("", {"cf.region.contains": "nort"}, "hit"),
        Case("", {"cf.size.gte": "50"}, "miss"),
        Case("", {"cf.size.lte": "50"}, "hit"),
    ]
    cases = [
        Case("/api/v1/customers", {"owner_id": user["hit"]}, "hit"),
        Case("/api/v1/customers", {"department_id": dept["miss"]}, "miss"),
        Case("/api/v1/customers", {"kind": "person"}, "miss"),
        Case("/api/v1/customers", {"industry": "Mining"}, "hit"),
        Case("/api/v1/customers", {"source": "web"}, "miss"),
        Case("/api/v1/customers", {"tag": "vip"}, "hit"),
        Case("/api/v1/customers", {"level": "B"}, "miss"),
        Case("/api/v1/customers", {"q": "alpha"}, "hit"),
        Case("/api/v1/contacts", {"customer_id": customer["miss"]}, "miss"),
        Case("/api/v1/contacts", {"q": "hanna"}, "hit"),
        Case("/api/v1/deals", {"pipeline_id": ids("pipeline")["hit"]}, "hit"),
        Case("/api/v1/deals", {"stage_id": ids("stage")["miss"]}, "miss"),
        Case("/api/v1/deals", {"status": "open"}, "hit"),
        Case("/api/v1/deals", {"owner_id": user["miss"]}, "miss"),
        Case("/api/v1/deals", {"customer_id": customer["hit"]}, "hit"),
        Case("/api/v1/deals", {"close_from": "2027-03-01"}, "miss"),
        Case("/api/v1/deals", {"close_to": "2027-03-01"}, "hit"),
        Case("/api/v1/deals", {"q": "beta"}, "miss"),
        Case("/api/v1/activities", {"customer_id": customer["hit"]}, "hit"),
        Case("/api/v1/activities", {"contact_id": contact["miss"]}, "miss"),
        Case("/api/v1/activities", {"kind": "call"}, "hit"),
        Case("/api/v1/activities", {"owner_id": user["miss"]}, "miss"),
        Case("/api/v1/activities", {"from": "2026-03-01T00:00:00Z"}, "miss"),
        Case("/api/v1/activities", {"to": "2026-03-01T00:00:00Z"}, "hit"),
        Case("/api/v1/activities", {"q": "alpha"}, "hit"),
        Case("/api/v1/leads", {"status": "new"}, "miss"),
        Case("/api/v1/leads", {"grade": "A"}, "hit"),
        Case("/api/v1/leads", {"source": "web"}, "miss"),
        Case("/api/v1/leads", {"owner_id": user["hit"]}, "hit"),
        Case("/api/v1/leads", {"product_line": "Valves"}, "miss"),
        Case("/api/v1/leads", {"q": "alpha"}, "hit"),
        Case("/api/v1/tasks", {"assignee_id": user["miss"]}, "miss"),
        Case("/api/v1/tasks", {"status": "open"}, "hit"),
        Case("/api/v1/tasks", {"priority": "low"}, "miss"),
        Case("/api/v1/tasks", {"related_type": "customer"}, "hit"),
        Case("/api/v1/tasks", {"related_id": customer["hit"]}, "hit"),
        Case("/api/v1/tasks", {"due_from": "2026-03-01T00:00:00Z"}, "miss"),
        Case("/api/v1/tasks", {"due_to": "2026-03-01T00:00:00Z"}, "hit"),
        Case("/api/v1/tasks", {"q": "beta"}, "miss"),
        Case("/api/v1/departments", {"parent_id": dept["hit"]}, "hit"),
        Case("/api/v1/departments", {"q": "child"}, "hit"),
        Case("/api/v1/recycle-bin", {"object_type": "lead"}, "miss"),
        Case("/api/v1/recycle-bin", {"q": "gone alpha"}, "hit"),
        Case("/api/v1/users", {"department_id": dept["miss"]}, "miss"),
        Case("/api/v1/users", {"is_active": "true"}, "hit"),
        Case("/api/v1/users", {"q": w["user_email"]["miss"].split("@")[0]}, "miss"),
        Case("/api/v1/products", {"active": "false"}, "miss"),
        Case("/api/v1/products", {"product_line": "Pumps"}, "hit"),
        Case("/api/v1/products", {"q": "alpha"}, "hit"),
        Case("/api/v1/contract-templates", {"active": "true"}, "hit"),
        Case("/api/v1/contract-templates", {"q": "beta"}, "miss"),
    ]
    for path in ("/api/v1/customers", "/api/v1/contacts"):
        cases += [Case(path, c.params, c.keeps) for c in custom]
    return cases


RECORD_OF = {
    "/api/v1/customers": "customer",
    "/api/v1/contacts": "contact",
    "/api/v1/deals": "deal",
    "/api/v1/activities": "activity",
    "/api/v1/leads": "lead",
    "/api/v1/tasks": "task",
    "/api/v1/departments": "department_tree",
    "/api/v1/recycle-bin": "recycle_bin",
    "/api/v1/users": "users",
    "/api/v1/products": "product",
    "/api/v1/contract-templates": "contract_template",
}


async def test_every_documented_filter_narrows_its_list(admin: Api, factory: Factory) -> None:
    w = await _world(admin, factory)
    cases = _cases(w)

    spec = (await admin.get("/api/v1/openapi.json")).json()
    lists = documented_lists(spec)
    assert set(lists) - PENDING == set(RECORD_OF), "a list with filters needs cases here"
    assert set(lists) >= PENDING, PENDING - set(lists)
    for path in RECORD_OF:
        operation = spec["paths"][path]["get"]
        documented = lists[path]
        tested = {name for c in cases if c.path == path for name in c.params}
        assert documented <= tested, (path, documented - tested)
        if "cf.<key>" in operation.get("description", ""):
            operators = {
                "." + name.split(".")[2] if name.count(".") == 2 else ""
                for name in tested
                if name.startswith("cf.")
            }
            assert set(CUSTOM_OPERATORS) <= operators, (path, operators)

    for case in cases:
        records = w[RECORD_OF[case.path]]
        r = await admin.get(case.path, params={"limit": 200, **case.params})
        assert r.status_code == 200, (case, r.text)
        listed = {item["id"] for item in r.json()["items"]}
        other = "miss" if case.keeps == "hit" else "hit"
        assert records[case.keeps]["id"] in listed, case
        assert records[other]["id"] not in listed, case
