"""Leads through the generic importer: rows without an owner land in the pool and the worker
assigns them with the rules, as it does leads created through the API."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import select

from crm.leads.models import Lead
from import_helpers import commit, csv_bytes, preview, upload
from lead_helpers import drain, rule


async def test_imported_leads_are_cleaned_and_assigned_by_the_worker(
    db: Any, sales_team: dict[str, Any]
) -> None:
    manager, a, b = sales_team["manager"], sales_team["sales_a"], sales_team["sales_b"]
    await rule(manager, target_kind="user", target_user_id=a.user_id, grade="A")
    await rule(
        manager, target_kind="round_robin", team_user_ids=[a.user_id, b.user_id], source="web"
    )
    content = csv_bytes(
        [
            ["姓名", "公司名称", "手机", "邮箱", "来源", "省份", "意向等级", "评分", "负责人"],
            ["李雷", "星辰科技", "138 0013 8000", "LI@X.example", "展会", "上海市", "A", "80", ""],
            ["韩梅梅", "", "139-0013-9000", "", "web", "", "B", "", ""],
            ["张三", "", "137 0013 7000", "", "web", "", "", "", ""],
            ["李四", "", "136 0013 6000", "", "web", "", "C", "", ""],
            ["王五", "", "135 0013 5000", "", "web", "", "C", "", ""],
            ["赵六", "", "", "z6@x.example", "电话", "", "", "", ""],
            ["坏分数", "", "", "bad@x.example", "", "", "Z", "200", ""],
            ["钱七", "", "", "q7@x.example", "", "", "", "", b.info["email"]],
        ]
    )
    item = await upload(manager, content, filename="leads.csv", object_type="leads")
    assert item["suggested_mapping"]["2"] == "phone"  # 手机
    assert item["suggested_mapping"]["6"] == "grade"  # 意向等级
    previewed = await preview(manager, db, item)
    assert previewed["status"] == "previewed", previewed
    done = await commit(manager, db, previewed)
    assert done["status"] == "committed", done

    async with db.sessionmaker() as session:
        leads = {row.person_name: row for row in (await session.execute(select(Lead))).scalars()}
    assert "坏分数" not in leads  # rejected: grade and score out of range
    li = leads["李雷"]
    assert (li.phone_e164, li.email, li.grade, li.score, li.status) == (
        "+8613800138000",
        "li@x.example",
        "A",
        80,
        "new",
    )
    # Rows without an owner are in the pool until the worker runs the rules.
    assert leads["李雷"].owner_id is None
    assert str(leads["钱七"].owner_id) == b.user_id  # an owner given in the file stays

    await drain(db)
    async with db.sessionmaker() as session:
        owners = {
            name: (str(owner) if owner else None)
            for name, owner in (await session.execute(select(Lead.person_name, Lead.owner_id)))
        }
    assert owners["李雷"] == a.user_id  # grade A
    web = [owners[n] for n in ("韩梅梅", "张三", "李四", "王五")]
    assert Counter(web) == {a.user_id: 2, b.user_id: 2}  # round-robin over the web leads
    assert owners["赵六"] is None  # no rule matches: the pool
    r = await a.get("/api/v1/leads", params={"q": "li@x.example"})
    assert [x["person_name"] for x in r.json()["items"]] == ["李雷"]
    history = (await a.get(f"/api/v1/leads/{li.id}/assignments")).json()["items"]
    assert [h["kind"] for h in history] == ["rule"]
