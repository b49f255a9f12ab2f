"""Attachments: content type sniffed from the bytes, executables refused, size limit, download
and delete authorised through the parent record's scope, soft delete audited."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import Api, Factory
from crm.attachments.models import Attachment
from crm.core import events, files
from crm.core.audit import AuditLog
from crm.settings import get_settings
from platform_helpers import assert_problem, count, rows
from sales.helpers import PDF, PNG, attach, deal

ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


async def _upload(api: Api, object_type: str, object_id: str, name: str, content: bytes) -> Any:
    return await api.post(
        "/api/v1/attachments",
        params={"object_type": object_type, "object_id": object_id},
        data={"category": "needs_document"},
        files={"file": (name, content, "application/pdf")},
    )


async def test_content_type_is_sniffed_not_trusted(admin: Api, factory: Factory) -> None:
    customer = await factory.customer(admin)
    created = await deal(admin, customer["id"])
    r = await _upload(admin, "deal", created["id"], "proposal.pdf", PNG)
    assert r.status_code == 201, r.text
    item = r.json()
    assert item["content_type"] == "image/png"
    assert item["filename"] == "proposal.pdf" and item["size"] == len(PNG)
    r = await admin.get(f"/api/v1/attachments/{item['id']}/download")
    assert r.status_code == 200
    assert r.content == PNG
    assert r.headers["content-type"] == "image/png"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["content-disposition"].startswith("attachment;")

    r = await _upload(admin, "deal", created["id"], "real.pdf", PDF)
    assert r.json()["content_type"] == "application/pdf"
    r = await _upload(admin, "deal", created["id"], "notes.pdf", "需求说明 plain text".encode())
    assert r.json()["content_type"] == "text/plain"
    r = await _upload(admin, "deal", created["id"], "blob.pdf", b"\x00\x01\x02\xff" * 10)
    assert r.json()["content_type"] == "application/octet-stream"


@pytest.mark.parametrize(
    "content", [ELF, EXE, b"#!/bin/sh\nrm -rf /\n"], ids=["elf", "windows-exe", "script"]
)
async def test_executables_are_refused(
    admin: Api, factory: Factory, db: Any, content: bytes
) -> None:
    customer = await factory.customer(admin)
    r = await _upload(admin, "customer", customer["id"], "harmless.pdf", content)
    assert_problem(r, 415)
    assert await count(db, Attachment) == 0


async def test_size_limit(admin: Api, factory: Factory, db: Any, monkeypatch: Any) -> None:
    customer = await factory.customer(admin)
    monkeypatch.setattr(get_settings(), "attachment_max_bytes", 2048)
    r = await _upload(admin, "customer", customer["id"], "big.pdf", PDF + b"x" * 4096)
    assert_problem(r, 413)
    r = await _upload(admin, "customer", customer["id"], "small.pdf", PDF)
    assert r.status_code == 201, r.text
    assert await count(db, Attachment) == 1
    r = await _upload(admin, "customer", customer["id"], "empty.pdf", b"")
    assert_problem(r, 422)


async def test_scope_on_every_attachment_route(
    factory: Factory, sales_team: dict[str, Any], db: Any
) -> None:
    a: Api = sales_team["sales_a"]
    b: Api = sales_team["sales_b"]
    manager: Api = sales_team["manager"]
    customer = await factory.customer(a)
    created = await deal(a, customer["id"])
    r = await attach(a, "deal", created["id"], "needs_document")
    assert r.status_code == 201, r.text
    item = r.json()
    path = f"/api/v1/attachments/{item['id']}"
    params = {"object_type": "deal", "object_id": created["id"]}

    for hidden in (b, sales_team["outsider"]):
        assert_problem(await hidden.get(f"{path}/download"), 404)
        assert_problem(await hidden.get(path), 404)
        assert_problem(await hidden.delete(path), 404)
        assert_problem(await hidden.get("/api/v1/attachments", params=params), 404)
        assert_problem(await attach(hidden, "deal", created["id"], "x"), 404)
    # Seeing the customer is not enough for a deal's files: deals:read and the deal's scope.
    service: Api = sales_team["service"]
    assert_problem(await service.get(f"{path}/download"), 404)
    assert_problem(await service.get("/api/v1/attachments", params=params), 404)
    # The auditor sees every deal but changes none.
    auditor: Api = sales_team["auditor"]
    assert (await auditor.get(path)).status_code == 200
    assert_problem(await auditor.delete(path), 403)
    # The customer's files follow the customer's scope.
    assert (await attach(a, "customer", customer["id"], "licence")).status_code == 201
    r = await service.get(
        "/api/v1/attachments", params={"object_type": "customer", "object_id": customer["id"]}
    )
    assert [x["category"] for x in r.json()["items"]] == ["licence"]

    assert (await manager.get(f"{path}/download")).status_code == 200
    r = await a.get("/api/v1/attachments", params=params)
    assert [x["id"] for x in r.json()["items"]] == [item["id"]]
    r = await a.post(
        "/api/v1/attachments",
        params={"object_type": "invoice", "object_id": created["id"]},
        files={"file": ("a.pdf", PDF, "application/pdf")},
    )
    assert_problem(r, 422)
    r = await a.post(
        "/api/v1/attachments",
        params=params,
        data={"category": "../etc"},
        files={"file": ("a.pdf", PDF, "application/pdf")},
    )
    assert_problem(r, 422)

    # Soft delete, audited; gone from lists and downloads, the row is kept.
    assert (await a.delete(path)).status_code == 204
    assert_problem(await a.get(f"{path}/download"), 404)
    assert (await a.get("/api/v1/attachments", params=params)).json()["items"] == []
    [row] = await rows(db, Attachment, Attachment.id == item["id"])
    assert row.deleted_at is not None
    assert await count(db, AuditLog, AuditLog.object_type == "attachment") == 3


async def test_purging_a_record_deletes_its_attachments_and_files(
    admin: Api, factory: Factory, db: Any
) -> None:
    customer = await factory.customer(admin)
    doomed = await deal(admin, customer["id"])
    kept = await deal(admin, customer["id"])
    for target in (doomed, kept):
        r = await _upload(admin, "deal", target["id"], "needs.pdf", PDF)
        assert r.status_code == 201, r.text
    [doomed_file] = await rows(db, Attachment, Attachment.object_id == doomed["id"])
    storage = files.get_storage()

    # Deleted (recycle bin): the files stay, a restore brings the deal back whole.
    assert (await admin.delete(f"/api/v1/deals/{doomed['id']}")).status_code == 204
    await events.drain(db.sessionmaker)
    assert await storage.size(doomed_file.storage_key) == len(PDF)

    r = await admin.delete(f"/api/v1/recycle-bin/deal/{doomed['id']}")
    assert r.status_code == 204, r.text
    await events.drain(db.sessionmaker)
    assert await count(db, Attachment, Attachment.object_id == doomed["id"]) == 0
    with pytest.raises(files.FileMissing):
        await storage.size(doomed_file.storage_key)
    # The other deal's attachment is untouched.
    [kept_file] = await rows(db, Attachment, Attachment.object_id == kept["id"])
    assert await storage.size(kept_file.storage_key) == len(PDF)
