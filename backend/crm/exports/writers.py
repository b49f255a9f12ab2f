"""CSV and XLSX writers that take rows batch by batch, so an export's memory stays bounded.

CSV is UTF-8 with a byte-order mark (Excel on Chinese Windows otherwise reads it as GBK) and
CRLF line ends, quoted where needed. Text that a spreadsheet would run as a formula is
neutralised with a leading apostrophe (CSV injection), except plain numbers and phone numbers
such as ``+86 138 0013 8000``, which are data, not formulas. XLSX cells are typed: text is
written as a string cell (never a formula, never a number, so phone numbers keep their
leading ``+`` and zeros), numbers, booleans and dates get their own cell types; XlsxWriter's
constant-memory mode flushes each row to disk as it is written.
"""

from __future__ import annotations

import csv
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any, Protocol

import xlsxwriter

from crm.core.exportable import ValueKind
from crm.core.formulas import defuse

LIST_SEPARATOR = "; "
XLSX_MAX_ROWS = 1_048_576  # Excel's sheet limit, the header row included

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


def as_text(value: Any) -> str:
    """A value as one CSV field (lists joined, dates in ISO 8601 UTC)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return _utc(value).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, list | tuple | set | frozenset):
        return LIST_SEPARATOR.join(as_text(v) for v in value)
    if isinstance(value, uuid.UUID | Decimal | int | float):
        return str(value)
    return str(value)


class RowWriter(Protocol):
    def write_header(self, labels: Sequence[str]) -> None: ...

    def write_rows(self, rows: Sequence[Sequence[Any]]) -> None: ...

    def close(self) -> None: ...


class CsvWriter:
    def __init__(self, path: Path, kinds: Sequence[ValueKind]) -> None:
        self.kinds = list(kinds)
        self._file = path.open("w", encoding="utf-8-sig", newline="")
        self._csv = csv.writer(self._file, lineterminator="\r\n")

    def write_header(self, labels: Sequence[str]) -> None:
        self._csv.writerow([defuse(label) for label in labels])

    def write_rows(self, rows: Sequence[Sequence[Any]]) -> None:
        self._csv.writerows([defuse(as_text(v)) for v in row] for row in rows)

    def close(self) -> None:
        self._file.close()


class XlsxWriter:
    def __init__(self, path: Path, kinds: Sequence[ValueKind], sheet_name: str) -> None:
        self.kinds = list(kinds)
        self._book = xlsxwriter.Workbook(
            str(path),
            {
                "constant_memory": True,
                # Text stays text: no formulas, numbers or links made out of it.
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
            },
        )
        self._sheet = self._book.add_worksheet(sheet_name[:31])
        self._header = self._book.add_format({"bold": True})
        self._formats = {
            "datetime": self._book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"}),
            "date": self._book.add_format({"num_format": "yyyy-mm-dd"}),
        }
        self._row = 0
        # Column widths must be set before the first row in constant-memory mode.
        for index, kind in enumerate(self.kinds):
            self._sheet.set_column(index, index, 20 if kind in ("datetime", "list") else 16)

    def write_header(self, labels: Sequence[str]) -> None:
        for col, label in enumerate(labels):
            self._sheet.write_string(0, col, label, self._header)
        self._sheet.freeze_panes(1, 0)
        self._row = 1

    def _write(self, row: int, col: int, kind: ValueKind, value: Any) -> None:
        if value is None:
            return
        if kind == "number" and isinstance(value, int | float | Decimal):
            self._sheet.write_number(row, col, float(value))
        elif kind == "bool" and isinstance(value, bool):
            self._sheet.write_boolean(row, col, value)
        elif kind == "datetime" and isinstance(value, datetime):
            # Excel has no time zones: the cell holds UTC, as the header says.
            naive = _utc(value).replace(tzinfo=None)
            self._sheet.write_datetime(row, col, naive, self._formats["datetime"])
        elif kind == "date" and isinstance(value, date):
            self._sheet.write_datetime(row, col, value, self._formats["date"])
        elif text := as_text(value):  # an empty list or text is an empty cell
            self._sheet.write_string(row, col, text)

    def write_rows(self, rows: Sequence[Sequence[Any]]) -> None:
        if self._row + len(rows) > XLSX_MAX_ROWS:
            raise TooManyRows(
                f"An Excel sheet holds at most {XLSX_MAX_ROWS - 1:,} rows; "
                "narrow the filters or export as CSV."
            )
        for values in rows:
            for col, (kind, value) in enumerate(zip(self.kinds, values, strict=True)):
                self._write(self._row, col, kind, value)
            self._row += 1

    def close(self) -> None:
        self._book.close()


class TooManyRows(Exception):
    pass


def open_writer(fmt: str, path: Path, kinds: Sequence[ValueKind], sheet_name: str) -> RowWriter:
    if fmt == "xlsx":
        return XlsxWriter(path, kinds, sheet_name)
    return CsvWriter(path, kinds)
