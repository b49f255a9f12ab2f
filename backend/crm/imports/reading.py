"""Reading an uploaded file into a table of strings: format sniffed from the content (never the
name), CSV text decoded (UTF-8 with or without BOM, UTF-16 with BOM, GBK/GB18030), Excel through
fastexcel, the header row found, and every way a file can be unreadable turned into a message
that says what is wrong and what to do.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import fastexcel
import polars as pl

# Excel-family files are zip (xlsx, ods) or OLE compound (xls) containers.
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ODS_MIMETYPE = b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet"
_BINARY_SIGNATURES = {
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\x1f\x8b": "a gzip archive",
    b"Rar!": "a RAR archive",
    b"7z\xbc\xaf": "a 7-Zip archive",
}
HEADER_SEARCH_ROWS = 20  # where a header row is looked for (title rows above it are common)
SAMPLE_ROWS = 5


class UnreadableFile(ValueError):
    """The file cannot be read as a table; the message says why, for the person uploading."""


def sniff_format(head: bytes) -> str:
    """csv, xlsx, xls or ods, from the first bytes of the file."""
    if not head:
        raise UnreadableFile("The file is empty.")
    if head.startswith(_ZIP):
        return "ods" if _ODS_MIMETYPE in head[:100] else "xlsx"
    if head.startswith(_OLE):
        return "xls"
    for signature, what in _BINARY_SIGNATURES.items():
        if head.startswith(signature):
            raise UnreadableFile(
                f"This is {what}, not a spreadsheet. Upload a CSV file or an Excel workbook."
            )
    return "csv"


def decode_text(data: bytes) -> tuple[str, str]:
    """(the text, its encoding name) of a CSV file's bytes."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _decode(data[3:], "utf-8", "UTF-8"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _decode(data, "utf-16", "UTF-16"), "utf-16"
    if b"\x00" in data[:4096]:
        raise UnreadableFile(
            "The file holds binary data, not text: it is neither a CSV file nor an Excel "
            "workbook we recognise."
        )
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as utf8_error:
        try:
            # GB18030 is a superset of GBK and GB2312: what Excel on Chinese Windows writes.
            return data.decode("gb18030"), "gb18030"
        except UnicodeDecodeError:
            raise UnreadableFile(
                f"The file is neither UTF-8 nor GBK text (an invalid byte at position "
                f"{utf8_error.start}). Save it as 'CSV UTF-8' and upload it again."
            ) from None


def _decode(data: bytes, codec: str, name: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise UnreadableFile(
            f"The file says it is {name} but holds an invalid byte at position {exc.start}."
        ) from None


def _separator(first_line: str) -> str:
    """The delimiter of a CSV file: the most frequent of comma, semicolon and tab in its first
    line (Excel in many locales writes semicolons; "text" exports use tabs)."""
    counts = {sep: first_line.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def _ragged_row(text: str, separator: str) -> str:
    """Which record has more values than the first one (the slow path, only on that error)."""
    reader = csv.reader(io.StringIO(text), delimiter=separator)
    width = None
    for number, record in enumerate(reader, start=1):
        if width is None:
            width = len(record)
        elif len(record) > width:
            return (
                f"Row {number} has {len(record)} values but the first row has {width}. "
                "Check for an unquoted separator inside a value, or add headers for the "
                "extra columns."
            )
    return "A row has more values than the first row."


_CHUNK = 1 << 20
_NON_SPACE = re.compile(rb"\S")


def _first_bad_utf8(data: bytes) -> int | None:
    """Where the first byte that is not UTF-8 is, or None: checked a megabyte at a time, so a
    large file is never held twice (as bytes and as text)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    for start in range(0, len(data), _CHUNK):
        try:
            decoder.decode(view[start : start + _CHUNK], final=start + _CHUNK >= len(data))
        except UnicodeDecodeError as exc:
            return start + exc.start
    return None


def utf8_of(data: bytes) -> tuple[bytes, str]:
    """(the file as UTF-8 bytes, its encoding): UTF-8 files (a BOM is left for polars to skip)
    are passed through untouched; UTF-16 and GBK ones are transcoded."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _decode(data, "utf-16", "UTF-16").encode(), "utf-16"
    has_bom = data.startswith(b"\xef\xbb\xbf")
    if not has_bom and b"\x00" in data[:4096]:
        raise UnreadableFile(
            "The file holds binary data, not text: it is neither a CSV file nor an Excel "
            "workbook we recognise."
        )
    bad = _first_bad_utf8(data)
    if bad is None:
        return data, "utf-8-sig" if has_bom else "utf-8"
    if has_bom:
        raise UnreadableFile(
            f"The file says it is UTF-8 but holds an invalid byte at position {bad - 3}."
        )
    try:
        # GB18030 is a superset of GBK and GB2312: what Excel on Chinese Windows writes.
        return data.decode("gb18030").encode(), "gb18030"
    except UnicodeDecodeError:
        raise UnreadableFile(
            f"The file is neither UTF-8 nor GBK text (an invalid byte at position {bad}). "
            "Save it as 'CSV UTF-8' and upload it again."
        ) from None


def read_csv(data: bytes) -> tuple[pl.DataFrame, str]:
    """(every record as strings, columns c0..cN; the encoding) of a CSV file."""
    body, encoding = utf8_of(data)
    after_bom = memoryview(body)[3:] if body.startswith(b"\xef\xbb\xbf") else body
    if not _NON_SPACE.search(after_bom):
        raise UnreadableFile("The file is empty.")
    line_end = body.find(b"\n", 0, _CHUNK)
    first_line = body[: line_end if line_end >= 0 else _CHUNK].decode("utf-8", "ignore")
    separator = _separator(first_line.removeprefix("\ufeff"))
    try:
        frame = pl.read_csv(body, has_header=False, infer_schema=False, separator=separator)
    except pl.exceptions.ComputeError as exc:
        if "more fields" in str(exc):
            text = body.decode("utf-8").removeprefix("\ufeff")
            raise UnreadableFile(_ragged_row(text, separator)) from None
        raise UnreadableFile(f"The file is not valid CSV: {str(exc).splitlines()[0]}") from None
    return _named(frame), encoding


def read_excel(path: Path, fmt: str) -> pl.DataFrame:
    """Every row of the workbook's first sheet as strings (formula cells give their computed
    value; dates come as ISO text)."""
    try:
        reader = fastexcel.read_excel(path)
        if not reader.sheet_names:
            raise UnreadableFile("The workbook has no sheets.")
        sheet = reader.load_sheet(0, header_row=None, dtypes="string")
        frame = sheet.to_polars()
    except UnreadableFile:
        raise
    except Exception as exc:  # fastexcel raises its own error types per failure
        raise UnreadableFile(
            f"The {fmt.upper()} workbook cannot be read ({type(exc).__name__}): "
            f"{str(exc).splitlines()[0][:200]}. Open it in a spreadsheet and save it again."
        ) from None
    return _named(frame)


def _named(frame: pl.DataFrame) -> pl.DataFrame:
    frame = frame.rename({old: f"c{i}" for i, old in enumerate(frame.columns)})
    return frame.select(pl.all().cast(pl.String))


def read_table(path: Path, fmt: str) -> tuple[pl.DataFrame, str | None]:
    """(the raw table, the text encoding of a CSV) of a stored file."""
    if fmt == "csv":
        return read_csv(path.read_bytes())
    return read_excel(path, fmt), None


@dataclass(frozen=True)
class Table:
    header_row: int  # 1-based, as a spreadsheet numbers it
    headers: list[str]
    notes: list[str]  # what was fixed in the header (unnamed / repeated columns)
    # The rows below the header: ``_row`` (the spreadsheet's row number), then the cells as
    # columns c0..cN, empty cells null.
    data: pl.DataFrame


def _filled(frame: pl.DataFrame) -> list[int]:
    """Non-empty cells per row."""
    counts = frame.select(
        pl.sum_horizontal(
            [
                (pl.col(c).str.strip_chars().str.len_chars() > 0).fill_null(False)
                for c in frame.columns
            ]
        )
    )
    return [int(v) for v in counts.to_series().to_list()]


def find_header_row(frame: pl.DataFrame) -> int:
    """0-based index of the header: the first of the first rows that is at least half as full
    as the fullest of them, and has two values where rows have more than one (a merged title
    cell above the header fills one cell only). Not "as full as the fullest": a header with
    an empty cell (merged header cells) is less full than the data rows below it."""
    head = frame.head(HEADER_SEARCH_ROWS)
    counts = _filled(head)
    fullest = max(counts, default=0)
    if fullest == 0:
        raise UnreadableFile("The file has no values in its first rows.")
    enough = max(min(2, fullest), -(-fullest // 2))
    return next(index for index, count in enumerate(counts) if count >= enough)


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def clean_headers(raw: list[str | None]) -> tuple[list[str], list[str]]:
    """Header names with unnamed ones named after their column letter and repeated ones
    numbered, and a note of each fix."""
    headers: list[str] = []
    notes: list[str] = []
    seen: dict[str, int] = {}
    for index, value in enumerate(raw):
        name = unicodedata.normalize("NFC", (value or "").strip())
        letter = _column_letter(index)
        if not name:
            name = f"Column {letter}"
            notes.append(f"Column {letter} has no header (merged header cells?); named '{name}'.")
        if name in seen:
            seen[name] += 1
            renamed = f"{name} ({seen[name]})"
            notes.append(
                f"The header '{name}' appears more than once; column {letter} is '{renamed}'."
            )
            name = renamed
        else:
            seen[name] = 1
        headers.append(name)
    return headers, notes


def to_table(frame: pl.DataFrame, header_row: int | None = None) -> Table:
    """Split the raw table into header and data rows. ``header_row``: 1-based, or None to find
    it."""
    if frame.height == 0:
        raise UnreadableFile("The file is empty.")
    index = find_header_row(frame) if header_row is None else header_row - 1
    if not 0 <= index < frame.height:
        raise UnreadableFile(f"The file has no row {header_row}; it has {frame.height} rows.")
    raw_headers = [frame[c][index] for c in frame.columns]
    # Trailing columns with neither a header nor any value are spreadsheet debris: drop them.
    data = frame.slice(index + 1)
    while (
        raw_headers
        and not (raw_headers[-1] or "").strip()
        and (data.height == 0 or data[data.columns[len(raw_headers) - 1]].drop_nulls().len() == 0)
    ):
        raw_headers.pop()
    data = data.select(data.columns[: len(raw_headers)])
    headers, notes = clean_headers(raw_headers)
    if data.height == 0:
        raise UnreadableFile("The file has a header row but no data rows.")
    # A row whose every cell is empty is a spacer, not a record.
    cells = data.columns
    data = data.with_row_index("_row", offset=index + 2).filter(
        pl.any_horizontal([pl.col(c).str.strip_chars().str.len_chars() > 0 for c in cells])
    )
    data = data.with_columns(pl.col("_row").cast(pl.Int64))
    if data.height == 0:
        raise UnreadableFile("The file has a header row but no data rows.")
    return Table(header_row=index + 1, headers=headers, notes=notes, data=data)
