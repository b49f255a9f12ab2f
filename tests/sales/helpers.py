"""Shared steps of the sales tests: the default pipeline, deals, attachments."""

from __future__ import annotations

from typing import Any

from conftest import Api

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n"


async def default_pipeline(api: Api) -> dict[str, Any]:
    r = await api.get("/api/v1/pipelines")
    assert r.status_code == 200, r.text
    return next(p for p in r.json() if p["is_default"])


def stage(pipeline: dict[str, Any], key: str) -> dict[str, Any]:
    return next(s for s in pipeline["stages"] if s["key"] == key)


async def deal(api: Api, customer_id: str, **fields: Any) -> dict[str, Any]:
    r = await api.post("/api/v1/deals", json={"name": "Deal", "customer_id": customer_id, **fields})
    assert r.status_code == 201, r.text
    return dict(r.json())


async def move(api: Api, deal_id: str, key: str, **body: Any) -> Any:
    return await api.post(f"/api/v1/deals/{deal_id}/move", json={"stage_key": key, **body})


async def meet_default_gate(api: Api, deal_id: str) -> None:
    """Attach what the default pipeline's "needs confirmed" gate asks for, so that the deal may
    move forward past that stage."""
    for category in ("needs_document", "competitor_analysis"):
        r = await attach(api, "deal", deal_id, category)
        assert r.status_code == 201, r.text


async def attach(
    api: Api, object_type: str, object_id: str, category: str, content: bytes = PDF
) -> Any:
    return await api.post(
        "/api/v1/attachments",
        params={"object_type": object_type, "object_id": object_id},
        data={"category": category},
        files={"file": ("file.pdf", content, "application/pdf")},
    )
