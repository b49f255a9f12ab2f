"""`crm import`: the same import as through the API, run in one process as a user."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from crm.imports.offline import OfflineImportError, import_path
from import_helpers import csv_bytes


async def test_a_file_is_imported_as_the_user_with_their_scope(
    sales_team: dict[str, Any], db: Any, tmp_path: Path
) -> None:
    a = sales_team["sales_a"]
    path = tmp_path / "客户.csv"
    path.write_bytes(csv_bytes([["客户名称", "电话"], ["命令行公司", "13800138555"], ["", "1"]]))
    dry = await import_path(
        db, object_type="customers", path=path, user_email=a.info["email"], dry_run=True
    )
    assert dry.status == "previewed" and dry.summary is not None
    assert (dry.summary["valid"], dry.summary["errors"]) == (1, 1)
    done = await import_path(
        db, object_type="customers", path=path, user_email=a.info["email"].upper()
    )
    assert done.status == "committed" and done.result is not None
    assert done.result["created"] == 1
    [customer] = (await a.get("/api/v1/customers")).json()["items"]
    assert customer["name"] == "命令行公司" and customer["owner_id"] == a.user_id
    with pytest.raises(OfflineImportError, match="customers:import"):
        await import_path(
            db, object_type="customers", path=path, user_email=sales_team["service"].info["email"]
        )
    with pytest.raises(OfflineImportError, match="No active user"):
        await import_path(db, object_type="customers", path=path, user_email="nobody@x.cn")
