"""Reading an uploaded file into a table of strings: format sniffed from the content (never the
name), CSV text decoded (UTF-8 with or without BOM, UTF-16 with BOM, GBK/GB18030), Excel through
fastexcel, the header row found, and every way a file can be unreadable turned into a message
that says what is wrong and what to do.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TextIO
from xml.parsers import expat

import fastexcel
import polars as pl

from crm.settings import get_settings

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


@dataclass(frozen=True)
class ReadLimits:
    """The largest file dimensions read (the ``import_max_*`` settings)."""

    columns: int
    line_bytes: int  # a CSV record: one line, or several inside quotes
    header_bytes: int
    cell_bytes: int
    unpacked_bytes: int  # an xlsx/ods workbook once unzipped

    @classmethod
    def from_settings(cls) -> ReadLimits:
        settings = get_settings()
        return cls(
            columns=settings.import_max_columns,
            line_bytes=settings.import_max_line_bytes,
            header_bytes=settings.import_max_header_bytes,
            cell_bytes=settings.import_max_cell_bytes,
            unpacked_bytes=settings.import_max_unpacked_bytes,
        )


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


def _ragged(number: int, count: int, width: int) -> UnreadableFile:
    return UnreadableFile(
        f"Row {number} has {count} values but the first row has {width}. "
        "Check for an unquoted separator inside a value, or add headers for the "
        "extra columns."
    )


class _BoundedLines:
    """The lines of a text stream for ``csv.reader``: a record (one line, or several inside
    quotes) longer than the limit stops the reading before it is held whole, let alone split
    into values (five million values of a one-line file took gigabytes)."""

    def __init__(self, text: TextIO, limit: int) -> None:
        self._text = text
        self._limit = limit
        self.record_bytes = 0  # of the record being read: the reader resets it at each record
        self._line = 0

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        # A character is at least one byte: reading one more than the bytes left is enough
        # to tell a line that is too long.
        line = self._text.readline(self._limit - self.record_bytes + 1)
        if not line:
            raise StopIteration
        self._line += 1
        self.record_bytes += len(line.encode())
        if self.record_bytes > self._limit:
            raise _line_too_long(self._line, self._limit)
        return line


def _line_too_long(line: int, limit: int) -> UnreadableFile:
    return UnreadableFile(
        f"Line {line:,} of the file is longer than {limit:,} bytes, the longest row an import "
        "takes. Is it a CSV file with one record per line? Shorten the long values, or split "
        "the file."
    )


def _too_many_columns(number: int, count: int, limits: ReadLimits) -> UnreadableFile:
    return UnreadableFile(
        f"Row {number} has {count:,} values; an import takes at most {limits.columns:,} "
        "columns. Check the separator, or remove the columns you do not import."
    )


def _records(text: TextIO, limits: ReadLimits) -> Iterator[list[str | None]]:
    """The CSV records of a text stream, one at a time, each bounded in length and columns
    before it is kept; empty values as None and a blank line as one empty value (as polars
    reads them, so the head and the full read number rows alike)."""
    lines = _BoundedLines(text, limits.line_bytes)
    first = next(lines, "")
    reader = csv.reader(itertools.chain([first], lines), delimiter=_separator(first))
    number = 1
    try:
        for record in reader:
            if len(record) > limits.columns:
                raise _too_many_columns(number, len(record), limits)
            yield [value or None for value in record] or [None]
            lines.record_bytes = 0
            number += 1
    except csv.Error as exc:
        if "field limit" in str(exc):  # the csv module's own bound on a value, in characters
            raise UnreadableFile(
                f"Row {number} holds a value longer than {csv.field_size_limit():,} "
                "characters, more than a cell may hold. Shorten the value."
            ) from None
        raise UnreadableFile(f"The file is not valid CSV: {exc}.") from None


def _first_ragged(records: Iterator[list[str | None]]) -> UnreadableFile:
    """Which record has more values than the first one (the slow path, only on that error)."""
    width = len(next(records, []))
    for number, record in enumerate(records, start=2):
        if len(record) > width:
            return _ragged(number, len(record), width)
    return UnreadableFile("A row has more values than the first row.")


def _text_of(data: bytes) -> TextIO:
    """UTF-8 bytes (a BOM skipped) as a text stream, without a copy of them."""
    return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")


def _check_line_lengths(body: bytes, limit: int) -> None:
    """No line of the file longer than ``limit`` bytes: checked a window at a time (in C),
    before polars splits the file into values."""
    start = 0
    while len(body) - start > limit:
        last_break = body.rfind(b"\n", start, start + limit + 1)
        if last_break < 0:
            raise _line_too_long(body.count(b"\n", 0, start) + 1, limit)
        start = last_break + 1


_CHUNK = 1 << 20
_NON_SPACE = re.compile(rb"\S")


def _first_bad(chunks: Iterable[bytes | memoryview], codec: str) -> int | None:
    """Where the first byte that is not ``codec`` text is, or None: decoded a chunk at a time,
    so a large file is never held twice (as bytes and as text)."""
    decoder = codecs.getincrementaldecoder(codec)()
    position = 0
    for chunk in chunks:
        try:
            decoder.decode(chunk)
        except UnicodeDecodeError as exc:
            return position + exc.start
        position += len(chunk)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return position - len(decoder.getstate()[0])
    return None


def _chunks_of(data: bytes) -> Iterator[memoryview]:
    view = memoryview(data)
    return (view[start : start + _CHUNK] for start in range(0, len(data), _CHUNK))


def _file_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        yield from iter(lambda: handle.read(_CHUNK), b"")


def _detect_encoding(start: bytes, first_bad: Callable[[str], int | None]) -> tuple[str, str]:
    """(the Python codec, the encoding as stored) of CSV text beginning with ``start``;
    ``first_bad(codec)`` says where the whole text stops being ``codec``."""
    if start.startswith((b"\xff\xfe", b"\xfe\xff")):
        bad = first_bad("utf-16")
        if bad is not None:
            raise UnreadableFile(
                f"The file says it is UTF-16 but holds an invalid byte at position {bad}."
            )
        return "utf-16", "utf-16"
    has_bom = start.startswith(b"\xef\xbb\xbf")
    if not has_bom and b"\x00" in start[:4096]:
        raise UnreadableFile(
            "The file holds binary data, not text: it is neither a CSV file nor an Excel "
            "workbook we recognise."
        )
    bad = first_bad("utf-8")
    if bad is None:
        return ("utf-8-sig", "utf-8-sig") if has_bom else ("utf-8", "utf-8")
    if has_bom:
        raise UnreadableFile(
            f"The file says it is UTF-8 but holds an invalid byte at position {bad - 3}."
        )
    # GB18030 is a superset of GBK and GB2312: what Excel on Chinese Windows writes.
    if first_bad("gb18030") is None:
        return "gb18030", "gb18030"
    raise UnreadableFile(
        f"The file is neither UTF-8 nor GBK text (an invalid byte at position {bad}). "
        "Save it as 'CSV UTF-8' and upload it again."
    )


def utf8_of(data: bytes) -> tuple[bytes, str]:
    """(the file as UTF-8 bytes, its encoding): UTF-8 files (a BOM is left for polars to skip)
    are passed through untouched; UTF-16 and GBK ones are transcoded."""
    codec, encoding = _detect_encoding(data[:4096], lambda c: _first_bad(_chunks_of(data), c))
    if codec in ("utf-8", "utf-8-sig"):
        return data, encoding
    return data.decode(codec).encode(), encoding


def read_csv(data: bytes, limits: ReadLimits | None = None) -> tuple[pl.DataFrame, str]:
    """(every record as strings, columns c0..cN; the encoding) of a CSV file."""
    limits = limits or ReadLimits.from_settings()
    body, encoding = utf8_of(data)
    after_bom = memoryview(body)[3:] if body.startswith(b"\xef\xbb\xbf") else body
    if not _NON_SPACE.search(after_bom):
        raise UnreadableFile("The file is empty.")
    # Bounded before polars reads it: polars makes a column of every value of the first
    # record, and holds each record whole.
    _check_line_lengths(body, limits.line_bytes)
    next(_records(_text_of(body), limits), None)
    line_end = body.find(b"\n", 0, _CHUNK)
    first_line = body[: line_end if line_end >= 0 else _CHUNK].decode("utf-8", "ignore")
    separator = _separator(first_line.removeprefix("\ufeff"))
    try:
        frame = pl.read_csv(body, has_header=False, infer_schema=False, separator=separator)
    except pl.exceptions.ComputeError as exc:
        if "more fields" in str(exc):
            raise _first_ragged(_records(_text_of(body), limits)) from None
        raise UnreadableFile(f"The file is not valid CSV: {str(exc).splitlines()[0]}") from None
    return _named(frame), encoding


def _csv_head(
    path: Path, rows: int, keep_from: int, limits: ReadLimits
) -> tuple[pl.DataFrame, str]:
    """The first ``rows`` records of a CSV file, streamed, as :func:`read_csv` reads them;
    the records above ``keep_from`` (0-based) are kept as blank rows, for their numbers only."""
    with path.open("rb") as handle:
        start = handle.read(4096)
    codec, encoding = _detect_encoding(start, lambda c: _first_bad(_file_chunks(path), c))
    with path.open("rb") as handle:
        records = _records(io.TextIOWrapper(handle, encoding=codec, newline=""), limits)
        head: list[list[str | None]] = []
        for number, record in enumerate(itertools.islice(records, rows), start=1):
            width = len(head[0]) if head else len(record)
            if len(record) > width:
                raise _ragged(number, len(record), width)
            head.append(record if number > keep_from else [None] * len(record))
    blank = not any(value and not value.isspace() for record in head for value in record)
    if blank and len(head) < rows:
        raise UnreadableFile("The file is empty.")
    width = len(head[0]) if head else 0
    frame = pl.DataFrame(
        [record + [None] * (width - len(record)) for record in head],
        schema={f"c{i}": pl.String for i in range(width)},
        orient="row",
    )
    return frame, encoding


def read_head(
    path: Path, fmt: str, header_row: int | None, limits: ReadLimits | None = None
) -> tuple[pl.DataFrame, str | None]:
    """(the first rows of a stored file: enough for its header and sample rows; the text
    encoding of a CSV). What the upload reads: a CSV is streamed and only its head kept, a
    workbook is checked against the limits before it is unpacked."""
    limits = limits or ReadLimits.from_settings()
    rows = (header_row or HEADER_SEARCH_ROWS) + SAMPLE_ROWS
    if fmt == "csv":
        keep_from = header_row - 1 if header_row else 0
        return _csv_head(path, rows, keep_from, limits)
    return read_excel(path, fmt, limits, rows=rows), None


_ZIP_MEMBERS = 10_000  # parts of a workbook: thousands at most, even with many sheets
_SHEET_PART = re.compile(r"^xl/worksheets/[^/]+\.xml$")
_DIMENSION = re.compile(rb'<dimension ref="(?:[A-Z]+[0-9]+:)?([A-Z]+)([0-9]+)"')


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _check_workbook(path: Path, fmt: str, limits: ReadLimits, *, checksums: bool) -> None:
    """A zipped workbook (xlsx, ods) within the limits before a reader unpacks it: its unpacked
    size (a small zip can unpack to gigabytes) and the columns its sheets declare; with
    ``checksums``, every part unpacked once to check it holds no more than it says (needed
    before calamine unpacks the file itself)."""
    try:
        damaged = _damaged_part(path, fmt, limits, checksums=checksums)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
        damaged = type(exc).__name__
    if damaged is not None:
        raise UnreadableFile(
            f"The {fmt.upper()} workbook cannot be read (a damaged part: {damaged}). "
            "Open it in a spreadsheet and save it again."
        )


def _damaged_part(path: Path, fmt: str, limits: ReadLimits, *, checksums: bool) -> str | None:
    with zipfile.ZipFile(path) as archive:
        members = archive.infolist()
        unpacked = sum(member.file_size for member in members)
        if len(members) > _ZIP_MEMBERS or unpacked > limits.unpacked_bytes:
            raise UnreadableFile(
                f"The {fmt.upper()} workbook unpacks to {unpacked:,} bytes in "
                f"{len(members):,} parts; an import takes at most {limits.unpacked_bytes:,} "
                "bytes. Split it into smaller workbooks, or save it as CSV."
            )
        # The sizes above are the archive's own word: a part that unpacks to more than it
        # says fails its checksum here, a chunk at a time, before the reader trusts it.
        damaged = archive.testzip() if checksums else None
        if damaged is not None:
            return damaged
        for member in members:
            if _SHEET_PART.match(member.filename):
                with archive.open(member) as part:
                    found = _DIMENSION.search(part.read(4096))
                if found and _column_number(found[1]) > limits.columns:
                    raise _too_wide(_column_number(found[1]), limits)
    return None


class _HeadEnd(Exception):
    """The parser reached the last element the head needs."""


def _xml_head(
    part: IO[bytes], element: str, count: int, budget: int, on_start: Any = None
) -> tuple[bytes, bytes | None]:
    """(the XML of ``part`` up to the end of its ``count``-th ``element``, streamed; the
    closing tags to append, or None when the part ended before). Past ``budget`` bytes the
    head is refused rather than held."""
    parser = expat.ParserCreate()
    parser.buffer_text = True  # a text in one piece, not split where a chunk ends
    ends: list[tuple[int, str]] = []
    stack: list[str] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        stack.append(name)
        if on_start is not None:
            on_start(parser, name.rpartition(":")[2], attrs)

    def end(name: str) -> None:
        stack.pop()
        if name.rpartition(":")[2] == element:
            ends.append((parser.CurrentByteIndex + len(name) + 3, name))
            if len(ends) == count:
                raise _HeadEnd

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    head = bytearray()
    try:
        for chunk in iter(lambda: part.read(64 * 1024), b""):
            head += chunk
            if len(head) > budget:
                raise UnreadableFile(
                    f"The first rows of the sheet take more than {budget:,} bytes. Remove the "
                    "columns you do not import, or save the sheet as CSV."
                )
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except _HeadEnd:
        end_at = ends[-1][0]
        return bytes(head[:end_at]), b"".join(f"</{name}>".encode() for name in stack[::-1])
    except expat.ExpatError as exc:
        raise UnreadableFile(
            f"The XLSX workbook cannot be read (ExpatError): {exc}. Open it in a spreadsheet "
            "and save it again."
        ) from None
    return bytes(head), None


def _first_sheet(archive: zipfile.ZipFile) -> str | None:
    """The part holding the workbook's first sheet, from its workbook and relationships."""
    try:
        workbook = archive.read("xl/workbook.xml")
        relationships = archive.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return None
    found = re.search(rb'<(?:\w+:)?sheet\b[^>]*?\s(?:\w+:)?id="([^"]+)"', workbook)
    if found is None:
        return None
    for tag in re.findall(rb"<(?:\w+:)?Relationship\b[^>]*>", relationships):
        rel_id = re.search(rb'\sId="([^"]+)"', tag)
        target = re.search(rb'\sTarget="([^"]+)"', tag)
        if rel_id and target and rel_id[1] == found[1]:
            path = target[1].decode()
            return path.lstrip("/") if path.startswith("/") else f"xl/{path}"
    return None


def _write_xlsx_head(source: Path, target: Path, rows: int, limits: ReadLimits) -> bool:
    """A copy of the workbook at ``source`` whose first sheet holds only its first ``rows``
    rows, and its shared strings only those they use: what calamine reads of it then is the
    head, not the whole sheet. False when the workbook's layout is not the usual one."""
    # As many bytes as the rows a header is searched in and the samples may take: a header
    # given far down (row 1,000) does not widen it.
    budget = (HEADER_SEARCH_ROWS + SAMPLE_ROWS) * limits.line_bytes + _CHUNK
    with zipfile.ZipFile(source) as archive:
        sheet = _first_sheet(archive)
        if sheet is None or sheet not in archive.namelist():
            return False
        shared: list[int] = []

        def cell(parser: Any, name: str, attrs: dict[str, str]) -> None:
            if name == "c" and attrs.get("t") == "s":
                parser.CharacterDataHandler = lambda text: (
                    shared.append(int(text)) if text.strip().isdigit() else None
                )
            elif name != "v":
                parser.CharacterDataHandler = None

        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as head:
            with archive.open(sheet) as part:
                xml, closing = _xml_head(part, "row", rows, budget, cell)
            head.writestr(sheet, xml + (closing or b""))
            strings = "xl/sharedStrings.xml"
            if strings in archive.namelist():
                with archive.open(strings) as part:
                    xml, closing = _xml_head(part, "si", max(shared, default=0) + 1, budget)
                # The counts announce every string: the reader would make room for them all.
                xml = re.sub(rb'\s(?:count|uniqueCount)="[0-9]+"', b"", xml, count=2)
                head.writestr(strings, xml + (closing or b""))
            for member in archive.infolist():
                # The workbook's small parts (styles for dates, relationships); not the other
                # sheets, nor anything large (images).
                if (
                    member.filename not in (sheet, strings)
                    and not _SHEET_PART.match(member.filename)
                    and member.file_size <= budget
                ):
                    head.writestr(member, archive.read(member))
    return True


def _too_wide(columns: int, limits: ReadLimits) -> UnreadableFile:
    return UnreadableFile(
        f"The sheet has {columns:,} columns; an import takes at most {limits.columns:,}. "
        "Remove the columns you do not import."
    )


def read_excel(
    path: Path, fmt: str, limits: ReadLimits | None = None, *, rows: int | None = None
) -> pl.DataFrame:
    """The first ``rows`` (default: every) row of the workbook's first sheet as strings
    (formula cells give their computed value; dates come as ISO text)."""
    limits = limits or ReadLimits.from_settings()
    if fmt == "xlsx" and rows is not None:
        # The head copy is written here, within its budget: its sizes need no checking.
        _check_workbook(path, fmt, limits, checksums=False)
        with tempfile.TemporaryDirectory(prefix="crm-import-head-") as tmp:
            head = Path(tmp) / "head.xlsx"
            if _write_xlsx_head(path, head, rows, limits):
                return _load_sheet(head, fmt, limits, rows)
    if fmt in ("xlsx", "ods"):
        _check_workbook(path, fmt, limits, checksums=True)
    return _load_sheet(path, fmt, limits, rows)


def _load_sheet(path: Path, fmt: str, limits: ReadLimits, rows: int | None) -> pl.DataFrame:
    try:
        reader = fastexcel.read_excel(path)
        if not reader.sheet_names:
            raise UnreadableFile("The workbook has no sheets.")
        sheet = reader.load_sheet(0, header_row=None, dtypes="string", n_rows=rows)
        frame = sheet.to_polars()
    except UnreadableFile:
        raise
    except Exception as exc:  # fastexcel raises its own error types per failure
        raise UnreadableFile(
            f"The {fmt.upper()} workbook cannot be read ({type(exc).__name__}): "
            f"{str(exc).splitlines()[0][:200]}. Open it in a spreadsheet and save it again."
        ) from None
    if frame.width > limits.columns:
        raise _too_wide(frame.width, limits)
    return _named(frame)


def _named(frame: pl.DataFrame) -> pl.DataFrame:
    frame = frame.rename({old: f"c{i}" for i, old in enumerate(frame.columns)})
    return frame.select(pl.all().cast(pl.String))


def read_table(
    path: Path, fmt: str, limits: ReadLimits | None = None
) -> tuple[pl.DataFrame, str | None]:
    """(the raw table, the text encoding of a CSV) of a stored file: all of it (the worker's
    read)."""
    if fmt == "csv":
        return read_csv(path.read_bytes(), limits)
    return read_excel(path, fmt, limits), None


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


def _check_cell_lengths(data: pl.DataFrame, headers: list[str], limits: ReadLimits) -> None:
    """No cell longer than the limit (one row and column named when there is)."""
    cells = [c for c in data.columns if c != "_row"]
    if not cells:
        return
    lengths = data.select("_row", *[pl.col(c).str.len_bytes().fill_null(0) for c in cells])
    too_long = lengths.filter(pl.max_horizontal(cells) > limits.cell_bytes).head(1)
    if too_long.height == 0:
        return
    row = too_long.row(0, named=True)
    column = next(i for i, c in enumerate(cells) if row[c] > limits.cell_bytes)
    raise UnreadableFile(
        f"Row {row['_row']}, column '{headers[column]}' holds {row[cells[column]]:,} bytes; "
        f"a cell may hold at most {limits.cell_bytes:,}. Shorten the value."
    )


def to_table(
    frame: pl.DataFrame,
    header_row: int | None = None,
    *,
    limits: ReadLimits | None = None,
    width: int | None = None,
) -> Table:
    """Split the raw table into header and data rows. ``header_row``: 1-based, or None to find
    it. ``width``: the number of columns the upload found in the file's head (the full read
    keeps as many, whatever the rows below hold)."""
    limits = limits or ReadLimits.from_settings()
    if frame.height == 0:
        raise UnreadableFile("The file is empty.")
    index = find_header_row(frame) if header_row is None else header_row - 1
    if not 0 <= index < frame.height:
        raise UnreadableFile(f"The file has no row {header_row}; it has {frame.height} rows.")
    raw_headers = [frame[c][index] for c in frame.columns]
    header_bytes = sum(len(value.encode()) for value in raw_headers if value)
    if header_bytes > limits.header_bytes:
        raise UnreadableFile(
            f"The header (row {index + 1}) is {header_bytes:,} bytes long; an import takes "
            f"a header of at most {limits.header_bytes:,} bytes. Is row {index + 1} the "
            "header? Shorten the column names."
        )
    # Trailing columns with neither a header nor any value are spreadsheet debris: drop them.
    data = frame.slice(index + 1)
    if width is not None:
        del raw_headers[width:]
    while (
        width is None
        and raw_headers
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
    _check_cell_lengths(data, headers, limits)
    return Table(header_row=index + 1, headers=headers, notes=notes, data=data)
