"""Every dimension of an import file is bounded before it is parsed: columns, line, header and
cell length, a workbook's unpacked size. A 10 MB CSV of one line (five million values) once
grew the API process to 22.9 GB; now it, and its smaller siblings, get a 422 that says why, in
bounded memory. The upload reads only the head of a file; the preview (the worker) reads the
rest under the same bounds."""

from __future__ import annotations

import resource
import tracemalloc
import zipfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter

from crm.imports.models import Import
from crm.settings import get_settings
from import_helpers import csv_bytes, preview, upload, upload_raw
from platform_helpers import assert_problem, count

MEMORY_BOUND = 64 * 1024 * 1024


def _one_line(fields: int) -> bytes:
    """The issue's file: ``fields`` comma-separated one-letter values and no line break."""
    return b",".join([b"x"] * fields)


@asynccontextmanager
async def _bounded_memory() -> AsyncIterator[None]:
    """Fails unless the block's Python allocations peak, and the process's peak RSS grows,
    below MEMORY_BOUND (polars' allocations show in the RSS only)."""
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    tracemalloc.start()
    try:
        yield
        _, python_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - rss_before
    assert python_peak < MEMORY_BOUND, f"Python allocations peaked at {python_peak:,} bytes"
    assert rss_growth < MEMORY_BOUND, f"the process grew by {rss_growth:,} bytes"


async def test_a_10_mb_csv_on_one_line_is_refused_in_bounded_memory(admin: Any, db: Any) -> None:
    content = _one_line(5_000_000)
    assert len(content) > 9_999_000 and b"\n" not in content
    async with _bounded_memory():
        response = await upload_raw(admin, content)
    body = assert_problem(response, 422)
    assert body["detail"].startswith("Line 1 of the file is longer than 1,048,576 bytes"), body
    assert body["errors"][0]["loc"][-1] == "file"
    assert await count(db, Import) == 0


@pytest.mark.parametrize("fields", [5_000, 50_000])
async def test_thousands_of_columns_are_refused_in_bounded_memory(
    admin: Any, db: Any, fields: int
) -> None:
    content = _one_line(fields) + b"\n" + _one_line(fields) + b"\n"
    async with _bounded_memory():
        response = await upload_raw(admin, content)
    body = assert_problem(response, 422)
    assert body["detail"].startswith(
        f"Row 1 has {fields:,} values; an import takes at most 1,000 columns."
    ), body
    assert await count(db, Import) == 0


async def test_a_long_header_and_a_long_cell_are_named(admin: Any) -> None:
    limit = get_settings().import_max_header_bytes
    header = [f"{'名' * 1000}{i}" for i in range(limit // 3000 + 1)]
    body = assert_problem(await upload_raw(admin, csv_bytes([header, ["x"] * len(header)])), 422)
    assert body["detail"].startswith("The header (row 1) is "), body
    cell = "名" * (get_settings().import_max_cell_bytes // 3 + 1)
    content = csv_bytes([["客户名称", "备注"], ["星辰", "ok"], ["月光", cell]])
    body = assert_problem(await upload_raw(admin, content), 422)
    assert body["detail"] == (
        "Row 3, column '备注' holds 131,073 bytes; a cell may hold at most 131,072. "
        "Shorten the value."
    ), body
    content = csv_bytes([["客户名称", "备注"], ["星辰", "x" * 200_000]])
    body = assert_problem(await upload_raw(admin, content), 422)
    assert body["detail"].startswith("Row 2 holds a value longer than 131,072 characters"), body


async def test_a_normal_file_still_shows_its_columns_samples_and_mapping(admin: Any) -> None:
    rows = [["客户名称", "电话", "邮箱"]] + [
        [f"公司{i}", f"1380013{i:04d}", f"c{i}@example.cn"] for i in range(200)
    ]
    item = await upload(admin, csv_bytes(rows))
    assert item["header_row"] == 1
    assert item["suggested_mapping"] == {"0": "name", "1": "phone", "2": "email"}
    assert item["columns"][1] == {
        "index": 1,
        "header": "电话",
        "sample": [f"1380013{i:04d}" for i in range(5)],
    }


async def test_a_too_long_line_below_the_head_fails_the_preview_with_its_line(
    admin: Any, db: Any
) -> None:
    rows = [["客户名称", "电话"]] + [[f"公司{i}", "13800138000"] for i in range(30)]
    content = csv_bytes(rows) + b"x" * (get_settings().import_max_line_bytes + 1) + b"\n"
    item = await upload(admin, content)  # the head is fine: the upload reads no further
    previewed = await preview(admin, db, item)
    assert previewed["status"] == "failed"
    assert previewed["error"].startswith("Line 32 of the file is longer than 1,048,576 bytes")


def _zip_bomb(path: Path) -> Path:
    """An xlsx whose sheet unpacks to far more than the limit (zeros compress ~1000:1)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            chunk = b" " * (1 << 20)
            for _ in range(get_settings().import_max_unpacked_bytes // len(chunk) + 1):
                sheet.write(chunk)
    return path


async def test_a_workbook_that_unpacks_too_large_is_refused(
    admin: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(get_settings(), "import_max_unpacked_bytes", 16 * 1024 * 1024)
    content = _zip_bomb(tmp_path / "bomb.xlsx").read_bytes()
    assert len(content) < 1024 * 1024
    body = assert_problem(await upload_raw(admin, content, filename="bomb.xlsx"), 422)
    assert body["detail"].startswith("The XLSX workbook unpacks to 17,825,"), body
    assert "an import takes at most 16,777,216 bytes" in body["detail"]


async def test_a_workbook_wider_than_the_limit_is_refused_before_it_is_read(
    admin: Any, tmp_path: Path
) -> None:
    path = tmp_path / "wide.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["客户名称", "电话"])
    sheet.write_row(1, 0, ["星辰", "13800138000"])
    sheet.write(1, 4999, "far right")
    book.close()
    body = assert_problem(await upload_raw(admin, path.read_bytes(), filename="wide.xlsx"), 422)
    assert body["detail"].startswith(
        "The sheet has 5,000 columns; an import takes at most 1,000."
    ), body


async def test_the_preview_counts_the_rows_and_refuses_too_many(
    admin: Any, db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(get_settings(), "import_max_rows", 2)
    content = csv_bytes([["客户名称"], ["甲"], ["乙"], ["丙"]])
    item = await upload(admin, content)
    assert item["total_rows"] is None  # the upload reads the head only
    previewed = await preview(admin, db, item)
    assert previewed["status"] == "failed"
    assert previewed["error"].startswith("The file has 3 data rows; an import takes at most 2.")
