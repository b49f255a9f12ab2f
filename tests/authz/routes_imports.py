"""Matrix declarations of the import routes. An import is its creator's (and visible to holders
of admin:imports); what an import may write for each data scope is checked in
tests/imports/test_import_scope.py."""

from __future__ import annotations

import uuid

from authz.harness import ALLOWED, DENIED, Call, route
from authz.world import Actor, World
from crm.imports.models import Import, ImportStatus

_IMPORTERS = {
    "admin": ALLOWED,
    "manager": ALLOWED,
    "sales": ALLOWED,
    "service": DENIED,
    "marketing": DENIED,
    "auditor": DENIED,
}
_CSV = "客户名称,电话\n矩阵测试公司,13800138000\n".encode()


def _creator_or_admin(w: World, caller: Actor, owner: Actor) -> bool:
    return caller.user_id == owner.user_id or w.can(caller, "admin:imports")


async def stored_import(w: World, creator: Actor, status: ImportStatus) -> str:
    """An import record of ``creator`` in ``status``, made directly (no file behind it: the
    routes declared here never read it)."""
    async with w.db.sessionmaker() as session:
        item = Import(
            object_type="customers",
            status=status,
            filename="matrix.csv",
            file_key="imports/matrix/source",
            size=10,
            sha256=uuid.uuid4().hex,
            format="csv",
            encoding="utf-8",
            header_row=1,
            headers=["客户名称", "电话"],
            sample=[["矩阵测试公司", "13800138000"]],
            total_rows=1,
            options={},
            summary={"rows": 1, "errors": 0} if status == ImportStatus.PREVIEWED else None,
            mapping={"0": "name", "1": "phone"} if status == ImportStatus.PREVIEWED else None,
            created_by=uuid.UUID(creator.user_id),
        )
        session.add(item)
        await session.commit()
        return str(item.id)


@route("GET", "/api/v1/imports/object-types", requires="imports:read")
async def _object_types(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("GET", "/api/v1/imports/object-types")


@route(
    "GET",
    "/api/v1/imports/templates/{object_type}",
    requires="customers:read",
    checked_in="handler",  # the permission depends on the object type
)
async def _template(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("GET", "/api/v1/imports/templates/customers", params={"format": "csv"})


@route(
    "POST",
    "/api/v1/imports",
    requires="customers:import",
    checked_in="handler",
    expect=_IMPORTERS,
)
async def _upload(w: World, caller: Actor, owner: Actor) -> Call:
    return Call(
        "POST",
        "/api/v1/imports",
        data={"object_type": "customers"},
        files={"file": ("matrix.csv", _CSV, "text/csv")},
    )


@route("GET", "/api/v1/imports", requires="imports:read")
async def _list(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("GET", "/api/v1/imports")


@route("GET", "/api/v1/imports/{import_id}", requires="imports:read", record=_creator_or_admin)
async def _get(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("GET", f"/api/v1/imports/{await stored_import(w, owner, ImportStatus.UPLOADED)}")


@route("GET", "/api/v1/imports/{import_id}/rows", requires="imports:read", record=_creator_or_admin)
async def _rows(w: World, caller: Actor, owner: Actor) -> Call:
    item = await stored_import(w, owner, ImportStatus.PREVIEWED)
    return Call("GET", f"/api/v1/imports/{item}/rows")


@route(
    "GET",
    "/api/v1/imports/{import_id}/error-report",
    requires="imports:read",
    record=_creator_or_admin,
)
async def _error_report(w: World, caller: Actor, owner: Actor) -> Call:
    item = await stored_import(w, owner, ImportStatus.PREVIEWED)
    return Call("GET", f"/api/v1/imports/{item}/error-report")


@route(
    "POST",
    "/api/v1/imports/{import_id}/preview",
    requires="customers:import",
    checked_in="handler",
    record=_creator_or_admin,
)
async def _preview(w: World, caller: Actor, owner: Actor) -> Call:
    item = await stored_import(w, owner, ImportStatus.UPLOADED)
    return Call(
        "POST",
        f"/api/v1/imports/{item}/preview",
        json={"mapping": {"0": "name", "1": "phone"}},
    )


@route(
    "POST",
    "/api/v1/imports/{import_id}/commit",
    requires="customers:import",
    checked_in="handler",
    record=_creator_or_admin,
)
async def _commit(w: World, caller: Actor, owner: Actor) -> Call:
    item = await stored_import(w, owner, ImportStatus.PREVIEWED)
    return Call("POST", f"/api/v1/imports/{item}/commit", json={"on_duplicate": "skip"})


@route(
    "POST",
    "/api/v1/imports/{import_id}/cancel",
    requires="customers:import",
    checked_in="handler",
    record=_creator_or_admin,
)
async def _cancel(w: World, caller: Actor, owner: Actor) -> Call:
    item = await stored_import(w, owner, ImportStatus.PREVIEWED)
    return Call("POST", f"/api/v1/imports/{item}/cancel")
