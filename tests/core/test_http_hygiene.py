"""HTTP answers a client can rely on: Allow, 404/405 under /api/, security headers, CORS,
safe download names and well-formed header errors."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx

from crm.app import create_app
from crm.core.files import attachment_disposition
from crm.settings import Settings
from platform_helpers import assert_problem
from sales.helpers import PDF, deal


def _allow(response: httpx.Response) -> set[str]:
    return {method.strip() for method in response.headers["allow"].split(",")}


async def test_allow_lists_every_method_of_the_path(admin: Any, factory: Any) -> None:
    r = await admin.request("OPTIONS", "/api/v1/customers")
    assert r.status_code == 204 and _allow(r) == {"GET", "POST", "OPTIONS"}
    r = await admin.request("PUT", "/api/v1/customers")
    assert_problem(r, 405)
    assert _allow(r) == {"GET", "POST", "OPTIONS"}
    customer = await factory.customer(admin)
    r = await admin.request("PUT", f"/api/v1/customers/{customer['id']}")
    assert _allow(assert_problem_405(r)) == {"GET", "PATCH", "DELETE", "OPTIONS"}


def assert_problem_405(response: httpx.Response) -> httpx.Response:
    assert_problem(response, 405)
    return response


async def test_api_paths_are_never_the_spas_page(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<html>spa</html>")
    app = create_app(Settings(frontend_dist=tmp_path))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        assert (await client.get("/customers")).text == "<html>spa</html>"
        r = await client.get("/api/v1/auth/login")
        assert_problem(r, 405)
        assert _allow(r) == {"POST", "OPTIONS"}
        assert_problem(await client.get("/api/v1/no-such-thing"), 404)
        assert_problem(await client.delete("/api/v1/no-such-thing"), 404)


async def test_security_headers_and_no_store_on_api_answers(anon: Any, app: Any) -> None:
    r = await anon.get("/api/v1/health")
    assert r.headers["cache-control"] == "no-store"
    assert r.headers["content-security-policy"] == "frame-ancestors 'none'"
    assert r.headers["referrer-policy"] == "no-referrer"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "strict-transport-security" not in r.headers
    r = await anon.get("/api/v1/auth/me")  # errors too
    assert r.status_code == 401 and r.headers["cache-control"] == "no-store"
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://test") as client:
        r = await client.get("/api/v1/health")
        assert r.headers["strict-transport-security"].startswith("max-age=")


async def test_cors_only_for_configured_origins() -> None:
    origin = "https://crm.example.com"
    app = create_app(Settings(cors_origins=f"{origin}, https://other.example.com"))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        preflight = {"Origin": origin, "Access-Control-Request-Method": "POST"}
        r = await client.options("/api/v1/customers", headers=preflight)
        assert r.status_code == 200
        assert r.headers["access-control-allow-origin"] == origin
        r = await client.options(
            "/api/v1/customers", headers={**preflight, "Origin": "https://evil.example.com"}
        )
        assert "access-control-allow-origin" not in r.headers
    app = create_app(Settings(cors_origins=""))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        r = await client.options("/api/v1/customers", headers=preflight)
        assert "access-control-allow-origin" not in r.headers


async def test_idempotency_key_with_control_characters_is_a_problem(admin: Any) -> None:
    for key in ("a\x01b", "tab\there", "x" * 256):
        r = await admin.post(
            "/api/v1/departments", json={"name": "Keyed"}, headers={"Idempotency-Key": key}
        )
        body = assert_problem(r, 400)
        assert body["errors"][0]["loc"] == ["header", "Idempotency-Key"]


async def test_download_names_are_encoded_and_have_no_path(admin: Any, factory: Any) -> None:
    customer = await factory.customer(admin)
    created = await deal(admin, customer["id"])
    for name, encoded in (
        ("../../../etc/passwd", "passwd"),
        ("合同 v2;.pdf", "%E5%90%88%E5%90%8C%20v2%3B.pdf"),
    ):
        r = await admin.post(
            "/api/v1/attachments",
            params={"object_type": "deal", "object_id": created["id"]},
            data={"category": "needs_document"},
            files={"file": (name, PDF, "application/pdf")},
        )
        assert r.status_code == 201, r.text
        r = await admin.get(f"/api/v1/attachments/{r.json()['id']}/download")
        disposition = r.headers["content-disposition"]
        assert disposition.endswith(f"; filename*=UTF-8''{encoded}"), disposition
        fallback = disposition.removeprefix('attachment; filename="').partition('";')[0]
        assert re.fullmatch(r"[A-Za-z0-9_ -][A-Za-z0-9._ -]*", fallback), disposition


def test_disposition_drops_control_characters_and_quotes_from_the_fallback() -> None:
    # httpx's multipart encoding escapes these itself, so they are checked on the function.
    disposition = attachment_disposition('a"b\r\nSet-Cookie: x.pdf', 'a"b\r\n/x.pdf')
    assert disposition == (
        "attachment; filename=\"x.pdf\"; filename*=UTF-8''a%22bSet-Cookie%3A%20x.pdf"
    )


async def test_the_openapi_declares_what_the_server_enforces(admin: Any, app: Any) -> None:
    spec = app.openapi()
    parameters = spec["paths"]["/api/v1/customers/{customer_id}"]["patch"]["parameters"]
    [if_match] = [p for p in parameters if p["name"] == "if-match"]
    pattern = re.compile(if_match["schema"]["pattern"])
    assert pattern.match('W/"3"') and pattern.match("*") and not pattern.match("null")
    parameters = spec["paths"]["/api/v1/customers"]["get"]["parameters"]
    [sort] = [p for p in parameters if p["name"] == "sort"]
    sort_pattern = re.compile(sort["schema"]["anyOf"][0]["pattern"])
    assert sort_pattern.match("-cf.region") and not sort_pattern.match("0")
    assert len(spec["components"]["schemas"]["LeadCreate"]["anyOf"]) == 4

    customer = (await admin.post("/api/v1/customers", json={"name": "Acme"})).json()
    path = f"/api/v1/customers/{customer['id']}"
    r = await admin.patch(path, json={"city": "X"}, headers={"If-Match": "null"})
    assert_problem(r, 400)
    r = await admin.get("/api/v1/customers", params={"sort": "0"})
    assert assert_problem(r, 422)["errors"][0]["loc"] == ["query", "sort"]
    assert (await admin.get("/api/v1/customers", params={"sort": "-name"})).status_code == 200
    assert_problem(await admin.post("/api/v1/leads", json={}), 422)
