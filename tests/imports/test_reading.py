"""Reading an uploaded file (``crm.imports.reading``): the format sniffed from the content, CSV
text in the encodings Chinese spreadsheets come in, Excel workbooks, the header row found and
fixed, spacer rows dropped, and a precise message for every file that cannot be read. Real
files in ``tmp_path``; no database."""

from __future__ import annotations

import random
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import xlsxwriter

from crm.imports import reading
from crm.imports.reading import UnreadableFile


def _read(path: Path, header_row: int | None = None) -> tuple[str, str | None, reading.Table]:
    """What the preview reads of a stored file (all of it); the upload's read of its head
    must find the same header, encoding and first rows."""
    with path.open("rb") as handle:
        fmt = reading.sniff_format(handle.read(4096))
    raw, encoding = reading.read_table(path, fmt)
    table = reading.to_table(raw, header_row)
    head_raw, head_encoding = reading.read_head(path, fmt, header_row)
    head = reading.to_table(head_raw, header_row)
    assert (head_encoding, head.header_row, head.headers, head.notes) == (
        encoding,
        table.header_row,
        table.headers,
        table.notes,
    )
    assert _blank_as_null(head.data.head(reading.SAMPLE_ROWS)) == _blank_as_null(
        table.data.head(reading.SAMPLE_ROWS)
    )
    return fmt, encoding, table


def _blank_as_null(frame: pl.DataFrame) -> list[tuple[Any, ...]]:
    """The rows, a quoted empty value ("" to polars) as the empty value it is."""
    return [tuple(v if v != "" else None for v in row) for row in frame.rows()]


def _file(tmp_path: Path, data: bytes, name: str = "upload.bin") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _rows(table: reading.Table) -> list[tuple[Any, ...]]:
    return table.data.rows()


def _unreadable(path: Path, header_row: int | None = None) -> str:
    with pytest.raises(UnreadableFile) as caught:
        _read(path, header_row)
    return str(caught.value)


CUSTOMERS = (
    "客户名称,电话,邮箱\n上海星辰科技有限公司,138 0013 8000,info@xingchen.cn\n北京月光贸易,,\n"
)


# --- CSV text and encodings ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (CUSTOMERS.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + CUSTOMERS.encode("utf-8"), "utf-8-sig"),
        (CUSTOMERS.encode("gbk"), "gb18030"),
        (CUSTOMERS.encode("gb18030"), "gb18030"),
        (CUSTOMERS.encode("utf-16"), "utf-16"),  # with its BOM (little-endian here)
        (b"\xfe\xff" + CUSTOMERS.encode("utf-16-be"), "utf-16"),
        (CUSTOMERS.replace("\n", "\r\n").encode("gbk"), "gb18030"),
    ],
    ids=["utf8", "utf8-bom", "gbk", "gb18030", "utf16-le", "utf16-be", "gbk-crlf"],
)
def test_csv_in_every_encoding(tmp_path: Path, data: bytes, encoding: str) -> None:
    fmt, found, table = _read(_file(tmp_path, data, "customers.csv"))
    assert (fmt, found) == ("csv", encoding)
    assert table.header_row == 1
    assert table.headers == ["客户名称", "电话", "邮箱"]  # no BOM left on the first header
    assert table.notes == []
    assert _rows(table) == [
        (2, "上海星辰科技有限公司", "138 0013 8000", "info@xingchen.cn"),
        (3, "北京月光贸易", None, None),
    ]
    assert table.data.schema == {
        "_row": pl.Int64,
        "c0": pl.String,
        "c1": pl.String,
        "c2": pl.String,
    }


def test_gb18030_characters_beyond_gbk(tmp_path: Path) -> None:
    data = "名称,备注\n𠀀记,€\n".encode("gb18030")
    _, encoding, table = _read(_file(tmp_path, data))
    assert encoding == "gb18030"
    assert _rows(table) == [(2, "𠀀记", "€")]


@pytest.mark.parametrize(
    ("text", "rows"),
    [
        ("名称;电话;金额\n星辰;138;1,5\n", [(2, "星辰", "138", "1,5")]),
        ("名称\t电话\t备注\n星辰\t138\ta, b; c\n", [(2, "星辰", "138", "a, b; c")]),
        ("名称,电话,备注\n星辰,138,a; b\tc\n", [(2, "星辰", "138", "a; b\tc")]),
    ],
    ids=["semicolon", "tab", "comma"],
)
def test_the_separator_is_the_commonest_of_the_first_line(
    tmp_path: Path, text: str, rows: list[tuple[Any, ...]]
) -> None:
    _, _, table = _read(_file(tmp_path, text.encode()))
    assert table.headers == text.split("\n", 1)[0].split(text[2])
    assert len(table.headers) == 3
    assert _rows(table) == rows


def test_quoted_values_hold_separators_quotes_and_line_breaks(tmp_path: Path) -> None:
    data = (
        b'name,address,notes\n"Star, Ltd.","Line 1\nLine 2","He said ""hi"""\n'
        b'Moon,"a\r\nb",\n'
        b"Sun,x,y\n"
    )
    _, _, table = _read(_file(tmp_path, data))
    assert table.headers == ["name", "address", "notes"]
    # A record spanning two lines is one spreadsheet row: the numbers count records.
    assert _rows(table) == [
        (2, "Star, Ltd.", "Line 1\nLine 2", 'He said "hi"'),
        (3, "Moon", "a\r\nb", None),
        (4, "Sun", "x", "y"),
    ]


def test_cells_keep_their_text(tmp_path: Path) -> None:
    """Nothing is inferred: leading zeros, long digit runs and dates stay as written."""
    data = b"code,phone,id,date\n007,13800138000,110101199003071234,2024/3/5\n"
    _, _, table = _read(_file(tmp_path, data))
    assert _rows(table) == [(2, "007", "13800138000", "110101199003071234", "2024/3/5")]


def test_short_rows_are_padded_with_nulls(tmp_path: Path) -> None:
    _, _, table = _read(_file(tmp_path, b"a,b,c\n1\n2,3\n"))
    assert _rows(table) == [(2, "1", None, None), (3, "2", "3", None)]


# --- unreadable files ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"\n\n\n", "The file is empty."),
        (b"  \r\n \t\n", "The file is empty."),
        (b"\xef\xbb\xbf", "The file is empty."),
        (b"\xef\xbb\xbf\r\n", "The file is empty."),
        (",,\n,,\n", "The file has no values in its first rows."),
        (b"name,phone\n", "The file has a header row but no data rows."),
        (b"name,phone", "The file has a header row but no data rows."),
        (b"name,phone\n,\n\n , \n", "The file has a header row but no data rows."),
    ],
    ids=["empty", "blank-lines", "white-space", "bom-only", "bom-line", "commas", "header",
         "header-no-newline", "header-and-spacers"],
)  # fmt: skip
def test_empty_files(tmp_path: Path, data: bytes | str, message: str) -> None:
    raw = data.encode() if isinstance(data, str) else data
    assert _unreadable(_file(tmp_path, raw)) == message


@pytest.mark.parametrize(
    ("head", "what"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "a PDF document"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a PNG image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "a JPEG image"),
        (b"GIF89a\x01\x00", "a GIF image"),
        (b"\x1f\x8b\x08\x00", "a gzip archive"),
        (b"Rar!\x1a\x07\x00", "a RAR archive"),
        (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    ],
)
def test_documents_and_images_are_named(tmp_path: Path, head: bytes, what: str) -> None:
    path = _file(tmp_path, head + bytes(range(256)), "customers.csv")  # the name does not count
    assert _unreadable(path) == (
        f"This is {what}, not a spreadsheet. Upload a CSV file or an Excel workbook."
    )
    with pytest.raises(UnreadableFile, match=what):
        reading.sniff_format(head)


def test_sniff_format_reads_the_content_not_the_name() -> None:
    assert reading.sniff_format(b"PK\x03\x04\x14\x00") == "xlsx"
    ods = b"PK\x03\x04" + b"\x00" * 26 + b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet"
    assert reading.sniff_format(ods) == "ods"
    assert reading.sniff_format(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00") == "xls"
    assert reading.sniff_format("名称,电话\n".encode()) == "csv"
    with pytest.raises(UnreadableFile, match=r"^The file is empty\.$"):
        reading.sniff_format(b"")
    with pytest.raises(UnreadableFile, match="PDF"):
        reading.sniff_format(b"%PDF-1.4")


def test_binary_data(tmp_path: Path) -> None:
    rng = random.Random(3)
    noise = bytes(rng.randrange(256) for _ in range(2000))
    assert b"\x00" in noise
    assert _unreadable(_file(tmp_path, b"ab" + noise)) == (
        "The file holds binary data, not text: it is neither a CSV file nor an Excel "
        "workbook we recognise."
    )


def test_text_in_an_unknown_encoding(tmp_path: Path) -> None:
    # 0xFF is never in UTF-8 nor in GB18030.
    data = "名称,电话\n".encode() + b"\xff\xfe\xfd,138\n"
    message = _unreadable(_file(tmp_path, data))
    position = len("名称,电话\n".encode())
    assert message == (
        f"The file is neither UTF-8 nor GBK text (an invalid byte at position {position}). "
        "Save it as 'CSV UTF-8' and upload it again."
    )


def test_a_bom_that_lies(tmp_path: Path) -> None:
    assert _unreadable(_file(tmp_path, b"\xef\xbb\xbfa,b\n\xff,1\n")) == (
        "The file says it is UTF-8 but holds an invalid byte at position 4."
    )
    lone_surrogate = b"\xff\xfe" + "a,b".encode("utf-16-le") + b"\x00\xd8"
    assert _unreadable(_file(tmp_path, lone_surrogate)) == (
        "The file says it is UTF-16 but holds an invalid byte at position 8."
    )


def test_a_ragged_row_is_named(tmp_path: Path) -> None:
    data = b'name,phone\nStar,138\n"Moon\nLtd",139\nSun,140,extra,more\nSky,141\n'
    assert _unreadable(_file(tmp_path, data)) == (
        "Row 4 has 4 values but the first row has 2. Check for an unquoted separator inside "
        "a value, or add headers for the extra columns."
    )


def test_an_unterminated_quote(tmp_path: Path) -> None:
    message = _unreadable(_file(tmp_path, b'name,phone\n"Star,138\nMoon,139\n'))
    assert message.startswith("The file is not valid CSV: ")
    assert "\n" not in message


def test_a_header_row_past_the_end(tmp_path: Path) -> None:
    path = _file(tmp_path, b"a,b\n1,2\n")
    assert _unreadable(path, header_row=5) == "The file has no row 5; it has 2 rows."
    assert _unreadable(path, header_row=0) == "The file has no row 0; it has 2 rows."
    assert _unreadable(path, header_row=2) == "The file has a header row but no data rows."


# --- the header row -----------------------------------------------------------------------------


def test_the_header_is_found_below_title_rows(tmp_path: Path) -> None:
    data = "客户名单（2024年3月）,,\n,,\n名称,电话,邮箱\n星辰,138,a@x.com\n,,\n月光,,\n".encode()
    _, _, table = _read(_file(tmp_path, data))
    assert table.header_row == 3
    assert table.headers == ["名称", "电话", "邮箱"]
    assert _rows(table) == [(4, "星辰", "138", "a@x.com"), (6, "月光", None, None)]


def test_a_header_with_an_empty_cell_is_still_the_header(tmp_path: Path) -> None:
    """Merged header cells leave a header less full than the data rows below it: they are
    still data rows."""
    data = "名称,联系方式,,邮箱\n星辰,138,010-1234,a@x.com\n月光,139,021-1234,b@x.com\n"
    _, _, table = _read(_file(tmp_path, data.encode()))
    assert table.header_row == 1
    assert table.headers == ["名称", "联系方式", "Column C", "邮箱"]
    assert table.notes == ["Column C has no header (merged header cells?); named 'Column C'."]
    assert [r[0] for r in _rows(table)] == [2, 3]


def test_a_two_column_file_with_a_title(tmp_path: Path) -> None:
    _, _, table = _read(_file(tmp_path, "客户名单,\n名称,电话\n星辰,138\n".encode()))
    assert table.header_row == 2
    assert _rows(table) == [(3, "星辰", "138")]


def test_a_one_column_file(tmp_path: Path) -> None:
    _, _, table = _read(_file(tmp_path, b"name\nStar\n\nMoon\n"))
    assert (table.header_row, table.headers) == (1, ["name"])
    assert _rows(table) == [(2, "Star"), (4, "Moon")]


def test_the_header_row_can_be_given(tmp_path: Path) -> None:
    data = "客户名单,,\n名称,电话,邮箱\n星辰,138,a@x.com\n".encode()
    _, _, table = _read(_file(tmp_path, data), header_row=1)
    assert table.header_row == 1
    assert table.headers == ["客户名单", "Column B", "Column C"]
    assert _rows(table) == [(2, "名称", "电话", "邮箱"), (3, "星辰", "138", "a@x.com")]


def test_unnamed_and_repeated_headers_are_named(tmp_path: Path) -> None:
    data = " 电话 ,名称,电话,,电话,备注\n138,星辰,139,x,140,y\n".encode()
    _, _, table = _read(_file(tmp_path, data))
    assert table.headers == ["电话", "名称", "电话 (2)", "Column D", "电话 (3)", "备注"]
    assert table.notes == [
        "The header '电话' appears more than once; column C is '电话 (2)'.",
        "Column D has no header (merged header cells?); named 'Column D'.",
        "The header '电话' appears more than once; column E is '电话 (3)'.",
    ]
    assert _rows(table) == [(2, "138", "星辰", "139", "x", "140", "y")]


def test_headers_are_nfc_normalised() -> None:
    headers, notes = reading.clean_headers(["Cafe\u0301", "Café", None, "  "])
    assert headers == ["Café", "Café (2)", "Column C", "Column D"]
    assert len(notes) == 3


def test_column_letters_past_z() -> None:
    headers, _ = reading.clean_headers(["a"] + [None] * 27 + [None] * 675)
    assert headers[25:28] == ["Column Z", "Column AA", "Column AB"]
    assert headers[702] == "Column AAA"


def test_trailing_empty_columns_are_dropped(tmp_path: Path) -> None:
    data = b"name,phone,,\nStar,138,,\nMoon,139,,\n"
    _, _, table = _read(_file(tmp_path, data))
    assert table.headers == ["name", "phone"]
    assert table.notes == []
    assert table.data.columns == ["_row", "c0", "c1"]
    # ... but a trailing column with values and no header is kept, and named.
    _, _, kept = _read(_file(tmp_path, b"name,phone,\nStar,138,x\n"))
    assert kept.headers == ["name", "phone", "Column C"]
    assert _rows(kept) == [(2, "Star", "138", "x")]


def test_spacer_rows_are_skipped_and_row_numbers_kept(tmp_path: Path) -> None:
    data = b"name,phone\nStar,138\n,\n\n  ,\t\nMoon,139\n\nSun,\n"
    _, _, table = _read(_file(tmp_path, data))
    assert _rows(table) == [(2, "Star", "138"), (6, "Moon", "139"), (8, "Sun", None)]


# --- Excel --------------------------------------------------------------------------------------


def _workbook(path: Path) -> Path:
    """A customer list as people make them: a merged title above the header, a repeated and
    an empty header cell, blank spacer rows, numbers, dates and a formula in cells."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("客户")
    title = book.add_format({"bold": True, "align": "center"})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.merge_range(0, 0, 0, 5, "客户名单 2024", title)
    sheet.write_row(1, 0, ["客户名称", "电话", "成立日期", "电话", None, "金额"])
    sheet.write_row(2, 0, ["上海星辰科技有限公司", 13800138000])
    sheet.write_datetime(2, 2, datetime(2024, 3, 5), day)
    sheet.write_row(2, 3, ["010-12345678", "x", 12.5])
    # rows 4 and 5 left blank
    sheet.write_row(5, 0, ["北京月光贸易", "+86 139 0013 9000", None, None, "y", 3])
    sheet.write_formula(6, 0, '="深圳"&"太阳"', None, "深圳太阳")
    sheet.write_number(6, 5, 45356)
    sheet.write_boolean(6, 4, True)
    book.close()
    return path


def test_an_xlsx_workbook(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "customers.csv")  # a misleading name: the content decides
    fmt, encoding, table = _read(path)
    assert (fmt, encoding) == ("xlsx", None)
    assert table.header_row == 2
    assert table.headers == ["客户名称", "电话", "成立日期", "电话 (2)", "Column E", "金额"]
    assert table.notes == [
        "The header '电话' appears more than once; column D is '电话 (2)'.",
        "Column E has no header (merged header cells?); named 'Column E'.",
    ]
    rows = _rows(table)
    assert [r[0] for r in rows] == [3, 6, 7]
    first, second, third = rows
    assert first[1:3] == ("上海星辰科技有限公司", "13800138000")
    assert first[3] is not None
    assert first[3].startswith("2024-03-05")
    assert first[4:] == ("010-12345678", "x", "12.5")
    assert second[1:] == ("北京月光贸易", "+86 139 0013 9000", None, None, "y", "3")
    assert third[1:] == ("深圳太阳", None, None, None, "true", "45356")
    assert table.data.schema == {"_row": pl.Int64, **{f"c{i}": pl.String for i in range(6)}}


def test_excel_dates_parse_as_dates(tmp_path: Path) -> None:
    """The text an Excel date cell becomes is one the date cleaner reads."""
    from crm.core.cleaning import parse_date

    _, _, table = _read(_workbook(tmp_path / "book.xlsx"))
    assert parse_date(table.data["c2"][0]) == date(2024, 3, 5)


def test_the_first_sheet_is_read(tmp_path: Path) -> None:
    path = tmp_path / "two.xlsx"
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("first").write_row(0, 0, ["name"])
    book.worksheets()[0].write_row(1, 0, ["Star"])
    book.add_worksheet("second").write_row(0, 0, ["other", "sheet"])
    book.close()
    _, _, table = _read(path)
    assert table.headers == ["name"]
    assert _rows(table) == [(2, "Star")]


def test_an_empty_workbook(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet()
    book.close()
    assert _unreadable(path) == "The file is empty."


def test_a_workbook_with_a_header_only(tmp_path: Path) -> None:
    path = tmp_path / "header.xlsx"
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet().write_row(0, 0, ["名称", "电话"])
    book.close()
    assert _unreadable(path) == "The file has a header row but no data rows."


@pytest.mark.parametrize(
    ("data", "fmt"),
    [
        (b"PK\x03\x04" + bytes(random.Random(1).randrange(256) for _ in range(600)), "XLSX"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "XLS"),
    ],
    ids=["zip-garbage", "ole-garbage"],
)
def test_a_corrupt_workbook(tmp_path: Path, data: bytes, fmt: str) -> None:
    message = _unreadable(_file(tmp_path, data, "customers.xlsx"))
    assert message.startswith(f"The {fmt} workbook cannot be read (")
    assert message.endswith(". Open it in a spreadsheet and save it again.")
    assert "\n" not in message


def test_a_zip_that_is_no_workbook(tmp_path: Path) -> None:
    path = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    message = _unreadable(path)
    assert message.startswith("The XLSX workbook cannot be read (")
    assert message.endswith(". Open it in a spreadsheet and save it again.")


def test_a_truncated_workbook(tmp_path: Path) -> None:
    whole = _workbook(tmp_path / "whole.xlsx").read_bytes()
    path = _file(tmp_path, whole[: len(whole) // 2], "half.xlsx")
    assert _unreadable(path).startswith("The XLSX workbook cannot be read (")


def test_the_head_of_a_workbook_is_read_without_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "large.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("客户")
    sheet.write_row(0, 0, ["客户名称", "电话", "签约日期"])
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    for row in range(1, 5001):
        sheet.write_row(row, 0, [f"公司{row}", f"1380013{row:04d}"])
        sheet.write_datetime(row, 2, datetime(2024, 1, 1 + row % 28), day)
    book.add_worksheet("其他").write_row(0, 0, ["not read"])
    book.close()
    _, _, table = _read(path)  # the head read agrees with the full one
    assert table.data.height == 5000
    rows = reading.HEADER_SEARCH_ROWS + reading.SAMPLE_ROWS
    head = tmp_path / "head.xlsx"
    assert reading._write_xlsx_head(path, head, rows, reading.ReadLimits.from_settings())
    with zipfile.ZipFile(head) as archive:
        sizes = {m.filename: m.file_size for m in archive.infolist()}
    # Only the rows the upload shows, and the strings they use, are left for calamine.
    assert sizes["xl/worksheets/sheet1.xml"] < 10_000
    assert "xl/worksheets/sheet2.xml" not in sizes
    assert sizes["xl/sharedStrings.xml"] < 2_000
    raw, _ = reading.read_head(path, "xlsx", None)
    assert raw.height == rows
    assert raw.row(1) == ("公司1", "13800130001", "2024-01-02 00:00:00")


def test_a_workbook_part_that_unpacks_to_more_than_it_says_is_refused(tmp_path: Path) -> None:
    data = bytearray(_workbook(tmp_path / "honest.xlsx").read_bytes())
    # Make every part's recorded unpacked size (local and central headers) a lie: 10 bytes.
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.find(signature)
        while at >= 0:
            data[at + offset : at + offset + 4] = (10).to_bytes(4, "little")
            at = data.find(signature, at + 4)
    path = _file(tmp_path, bytes(data), "lying.xlsx")
    with pytest.raises(UnreadableFile, match=r"^The XLSX workbook cannot be read \(a damaged"):
        reading.read_table(path, "xlsx")


def test_the_head_of_a_workbook_is_bounded_too(tmp_path: Path) -> None:
    path = tmp_path / "heavy.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["客户名称", "备注"])
    sheet.write_row(1, 0, ["x" * 30_000 + str(i) for i in range(100)])  # 3 MB in one row
    book.close()
    limits = reading.ReadLimits(
        columns=1000, line_bytes=1024, header_bytes=1024, cell_bytes=32_768, unpacked_bytes=1 << 30
    )
    with pytest.raises(UnreadableFile, match=r"^The first rows of the sheet take more than"):
        reading.read_head(path, "xlsx", None, limits)
