"""The database-wide duplicate scan (a worker job) and the scoped report it leaves."""

from __future__ import annotations

import uuid
from typing import Any

from crm.core import jobs
from crm.core.cleaning import phone_key
from crm.customers.dedupe.scan import ScanRow, find_groups
from crm.customers.dedupe.tasks import scan_customer_duplicates
from platform_helpers import assert_problem

SCAN = "/api/v1/customers/duplicates/scan"
REPORT = "/api/v1/customers/duplicates"


def _row(
    name: str,
    phone: str | None = None,
    email: str | None = None,
    kind: str = "company",
    address: str | None = None,
) -> ScanRow:
    return ScanRow(uuid.uuid4(), kind, name, phone_key(phone), email, address)


def _groups(rows: list[ScanRow]) -> list[set[uuid.UUID]]:
    return [set(group.member_ids) for group in find_groups(rows)]


# --- the grouping -----------------------------------------------------------------------------


def test_groups_link_by_phone_email_and_names() -> None:
    a = _row("Northwind Traders Ltd", phone="138 0013 8000")
    b = _row("NORTHWIND TRADERS INC", phone="+86 138-0013-8000", email="x@n.cn")
    c = _row("Northwind Traders", email="x@n.cn")
    d = _row("上海星辰科技有限公司")
    e = _row("星辰科技（上海）股份有限公司")  # the same core, its region in brackets
    f = _row("上海市星辰科技")
    g = _row("王伟", kind="person")
    h = _row("王伟", kind="person")  # two people of one name are not duplicates
    alone = _row("lonely widgets")
    groups = find_groups([a, b, c, d, e, f, g, h, alone])

    as_sets = [set(group.member_ids) for group in groups]
    assert {a.id, b.id, c.id} in as_sets
    assert {d.id, e.id, f.id} in as_sets
    assert len(groups) == 2
    contact_group = next(g for g in groups if a.id in g.member_ids)
    assert contact_group.reasons == ["phone", "email", "name"]
    assert contact_group.score == 100
    name_group = next(g for g in groups if d.id in g.member_ids)
    assert name_group.reasons == ["name"]
    assert 50 <= name_group.score < 100  # a name alone is good evidence, not certainty


def test_phones_the_library_rejects_still_link() -> None:
    a = _row("Tyrell Foods", phone="16350006734")
    b = _row("Tyrell Foods Co., Ltd.", phone="(+86)16350006734")
    groups = find_groups([a, b])
    assert [set(g.member_ids) for g in groups] == [{a.id, b.id}]
    assert groups[0].reasons == ["phone", "name"]


def test_look_alike_companies_stay_apart() -> None:
    """Names of one pattern differing in their digits, short Chinese cores a character or two
    apart, one core in two cities: different companies, however alike the names look."""
    rows = [_row(f"Tyrell{n} Foods") for n in (636, 5658, 19659, 77, 780)]
    rows += [_row("上海业顺嘉生物科技有限公司"), _row("上海业汇顺生物科技有限公司")]
    rows += [_row("上海星辰贸易有限公司"), _row("上海星晨贸易有限公司")]
    rows += [_row("华强科技（深圳）有限公司"), _row("北京华强科技有限公司")]
    assert find_groups(rows) == []


def test_groups_do_not_chain() -> None:
    """A~B and B~C do not put A and C together: every member matches its representative."""
    a = _row("Acme Foods", phone="138 0013 8000", address="上海市徐汇区1号")
    b = _row("Acme Foods Ltd", phone="13800138000", email="b@acme.cn")  # a's phone
    c = _row("Globex Trading", email="b@acme.cn", address="北京市海淀区2号")  # b's e-mail
    groups = _groups([a, b, c])
    assert {a.id, b.id} in groups
    assert all(not (a.id in g and c.id in g) for g in groups)


def test_a_typo_with_the_same_phone_is_the_same_company() -> None:
    a = _row("深圳华强电子有限公司", phone="139 0013 9000")
    b = _row("深圳华强电了", phone="13900139000")  # one character mistyped
    c = _row("深圳华强电了")  # the typo alone: a short core one character off is no match
    assert _groups([a, b, c]) == [{a.id, b.id}]


# --- the job and the report -------------------------------------------------------------------


async def _run_scan(api: Any, db: Any) -> dict[str, Any]:
    r = await api.post(SCAN)
    assert r.status_code == 202, r.text
    job_id = r.json()["job_id"]
    # What the worker does with the queued job, run here to the end.
    await scan_customer_duplicates({"db": db}, job_id)
    r = await api.get(f"/api/v1/jobs/{job_id}")
    assert r.status_code == 200, r.text
    return dict(r.json())


async def test_scan_job_and_scoped_report(
    factory: Any, sales_team: dict[str, Any], db: Any, admin: Any
) -> None:
    t = sales_team
    a, b, manager, outsider = t["sales_a"], t["sales_b"], t["manager"], t["outsider"]
    a1 = await factory.customer(a, name="Blue Harbor Foods Ltd.", phone="138 0013 8200")
    a2 = await factory.customer(a, name="Blue Harbor Foods Co., Ltd.")
    b1 = await factory.customer(b, name="BLUE HARBOR FOODS INC", phone="+86 138-0013-8200")
    o1 = await factory.customer(outsider, name="云帆物流有限公司", email="ops@yunfan.cn")
    o2 = await factory.customer(outsider, name="云帆物流股份有限公司", email="OPS@yunfan.cn")
    a3 = await factory.customer(a, name="云帆物流集团", email="sales@yunfan.cn")
    await factory.customer(a, name="Unique Widgets")

    job = await _run_scan(manager, db)
    assert (job["status"], job["progress"], job["kind"]) == (
        "succeeded",
        100,
        "customers.duplicate_scan",
    )
    assert job["result"] == {"scanned": 7, "groups": 2, "customers": 6}

    def groups_of(page: dict[str, Any]) -> list[set[str]]:
        return [{m["customer"]["id"] for m in g["members"]} for g in page["items"]]

    r = await admin.get(REPORT, params={"with_total": "true"})
    assert r.status_code == 200, r.text
    everything = r.json()
    assert everything["total"] == 2
    assert sorted(map(sorted, groups_of(everything))) == sorted(
        [
            sorted({a1["id"], a2["id"], b1["id"]}),
            sorted({o1["id"], o2["id"], a3["id"]}),
        ]
    )
    first = everything["items"][0]
    assert first["score"] == 100 and first["job_id"] == job["id"]

    # The manager (department tree) sees the first group whole; of the second only a3, so
    # the group is not shown at all.
    page = (await manager.get(REPORT)).json()
    assert groups_of(page) == [{a1["id"], a2["id"], b1["id"]}]
    # sales_a sees a1 + a2 of the first group; the reasons are those of the visible members.
    page = (await a.get(REPORT)).json()
    assert groups_of(page) == [{a1["id"], a2["id"]}]
    assert page["items"][0]["reasons"] == ["phone", "name"]
    # sales_b holds a single member of any group: nothing.
    assert (await b.get(REPORT)).json()["items"] == []
    # The outsider sees o1 + o2.
    assert groups_of((await outsider.get(REPORT)).json()) == [{o1["id"], o2["id"]}]

    # A merged (deleted) member drops out of the report.
    r = await manager.post(
        "/api/v1/customers/merge", json={"survivor_id": a1["id"], "merged_ids": [a2["id"]]}
    )
    assert r.status_code == 200, r.text
    assert groups_of((await manager.get(REPORT)).json()) == [{a1["id"], b1["id"]}]
    assert (await a.get(REPORT)).json()["items"] == []

    # A new scan replaces the report.
    job = await _run_scan(admin, db)
    assert job["result"]["groups"] == 2
    assert {g["job_id"] for g in (await admin.get(REPORT)).json()["items"]} == {job["id"]}


async def test_only_admins_and_managers_start_scans(
    sales_team: dict[str, Any], admin: Any, db: Any
) -> None:
    for role in ("sales_a", "auditor", "service", "marketing"):
        assert_problem(await sales_team[role].post(SCAN), 403)
    r = await sales_team["auditor"].get(REPORT)
    assert r.status_code == 200
    # A finished job is not run twice.
    job = await _run_scan(admin, db)
    await scan_customer_duplicates({"db": db}, job["id"])
    async with db.sessionmaker() as session:
        stored = await session.get(jobs.Job, uuid.UUID(job["id"]))
        assert stored is not None and stored.status == "succeeded"
