"""The customer's portal link: works without signing in, shows the order and its payments and
nothing internal, and stops working when it expires or is revoked."""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import update

from contract_helpers import order, pay, plan
from crm.core.db import utcnow
from crm.orders.models import PortalLink
from platform_helpers import assert_problem, rows


async def test_the_portal_shows_the_order_without_login_and_nothing_internal(
    db: Any, factory: Any, anon: Any, sales_team: dict[str, Any]
) -> None:
    sales = sales_team["sales_a"]
    customer = await factory.customer(sales)
    made = await order(sales, customer["id"], notes="Secret discount reason")
    [instalment] = (await plan(sales, made["id"]))["instalments"]
    await pay(sales, made["id"], instalment["id"], "120.00")

    r = await sales.post(f"/api/v1/orders/{made['id']}/portal-links", json={"expires_in_days": 7})
    assert r.status_code == 201, r.text
    link = r.json()
    token = link["token"]
    assert len(token) >= 43 and link["url"] == f"/portal/orders/{token}"
    assert link["api_url"] == f"/api/v1/portal/orders/{token}"
    [stored] = await rows(db, PortalLink)
    # Only the hash is kept.
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in stored.token_hash

    r = await anon.get(link["api_url"])
    assert r.status_code == 200, r.text
    assert r.headers["cache-control"] == "no-store"
    page = r.json()
    assert set(page) == {
        "number",
        "status",
        "currency",
        "lines",
        "total",
        "paid",
        "outstanding",
        "created_at",
        "payment_plan",
        "payments",
    }
    assert (page["number"], page["status"], page["total"]) == (
        made["number"],
        "pending_payment",
        "300.00",
    )
    assert (page["paid"], page["outstanding"]) == ("120.00", "180.00")
    assert page["payments"][0]["amount"] == "120.00" and set(page["payments"][0]) == {
        "amount",
        "received_at",
    }
    assert page["payment_plan"][0]["kind"] == "final"
    text = r.text
    for secret in ("Secret discount reason", sales.user_id, made["id"], customer["id"], "bank"):
        assert secret not in text

    listed = (await sales.get(f"/api/v1/orders/{made['id']}/portal-links")).json()
    assert [item["id"] for item in listed] == [link["id"]] and "token" not in listed[0]


async def test_wrong_expired_and_revoked_links_are_all_404(
    db: Any, factory: Any, anon: Any, sales_team: dict[str, Any]
) -> None:
    sales = sales_team["sales_a"]
    customer = await factory.customer(sales)
    made = await order(sales, customer["id"])
    links = []
    for _ in range(2):
        r = await sales.post(f"/api/v1/orders/{made['id']}/portal-links", json={})
        assert r.status_code == 201
        links.append(r.json())
    expiring, revoked = links
    assert (await anon.get(expiring["api_url"])).status_code == 200

    assert_problem(await anon.get("/api/v1/portal/orders/not-a-token"), 404)
    assert_problem(await anon.get(f"/api/v1/portal/orders/{'x' * 500}"), 404)
    # One character off (a different one: the token may end with "A" already).
    tampered = expiring["api_url"][:-1] + ("B" if expiring["api_url"].endswith("A") else "A")
    assert_problem(await anon.get(tampered), 404)

    async with db.sessionmaker() as session:
        await session.execute(
            update(PortalLink)
            .where(PortalLink.id == uuid.UUID(expiring["id"]))
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
        await session.commit()
    assert_problem(await anon.get(expiring["api_url"]), 404)

    path = f"/api/v1/orders/{made['id']}/portal-links/{revoked['id']}"
    assert_problem(await sales_team["sales_b"].delete(path), 404)
    assert (await anon.get(revoked["api_url"])).status_code == 200
    assert (await sales.delete(path)).status_code == 204
    assert (await sales.delete(path)).status_code == 204  # revoking twice is harmless
    assert_problem(await anon.get(revoked["api_url"]), 404)
    assert_problem(
        await sales.delete(f"/api/v1/orders/{made['id']}/portal-links/{uuid.uuid4()}"), 404
    )
