"""The cleaning rules as pure functions: what an importer and every API write rely on."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from crm.core.cleaning import (
    AddressParts,
    CompanyKey,
    DateOrder,
    company_name_key,
    excel_serial_to_date,
    normalize_company_name,
    normalize_email,
    parse_date,
    phone_key,
    phone_to_e164,
    regions_compatible,
    slash_date_order,
    split_address,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("138 0013 8000", "+8613800138000"),
        ("+86 138-0013-8000", "+8613800138000"),
        ("(010) 6552 9988", "+861065529988"),
        ("+1 650 253 0000", "+16502530000"),
        ("12345", None),
        ("", None),
        (None, None),
    ],
)
def test_phone_numbers_become_e164(raw: str | None, expected: str | None) -> None:
    assert phone_to_e164(raw) == expected


def test_phone_region_is_configurable() -> None:
    assert phone_to_e164("650 253 0000", "US") == "+16502530000"
    assert phone_to_e164("650 253 0000", "CN") is None


def test_emails_are_trimmed_validated_and_lower_cased() -> None:
    assert normalize_email("  Li.Lei@Example.COM ") == "li.lei@example.com"
    assert normalize_email("") is None
    assert normalize_email(None) is None
    for bad in ("li.lei", "li@", "li lei@example.com", "@example.com"):
        with pytest.raises(ValueError, match="not a valid e-mail"):
            normalize_email(bad)


@pytest.mark.parametrize(
    "raw",
    [
        "2024/3/5",
        "2024-03-05",
        "2024.3.5",
        "2024年3月5日",
        "2024 年 3 月 5 日",
        "２０２４年３月５日",  # full-width digits
        "20240305",
        20240305,  # the same, read from a cell as a number
        45356,  # Excel serial number
        "45356",
        45356.75,  # serial with a time of day
        "2024-03-05 10:30:00",
        "2024-03-05T10:30:00Z",
        "05/03/2024",  # day first
        date(2024, 3, 5),
        datetime(2024, 3, 5, 23, 59),
    ],
)
def test_dates_from_spreadsheet_forms(raw: str | float | date) -> None:
    assert parse_date(raw) == date(2024, 3, 5)


def test_month_first_dates_on_request() -> None:
    assert parse_date("03/05/2024", day_first=False) == date(2024, 3, 5)


def test_a_date_that_reads_two_ways_is_never_guessed_when_the_order_is_unknown() -> None:
    with pytest.raises(ValueError, match="choose the column's date order"):
        parse_date("3/11/2015", day_first=None)
    assert parse_date("5/5/2015", day_first=None) == date(2015, 5, 5)  # one reading only
    assert parse_date("2015-11-03", day_first=None) == date(2015, 11, 3)


@pytest.mark.parametrize(
    ("values", "order"),
    [
        (["3/11/2015", "17/08/2020"], DateOrder.DAY_FIRST),
        (["3/11/2015", "8/17/2020"], DateOrder.MONTH_FIRST),
        (["3/11/2015", "04.05.2016"], DateOrder.AMBIGUOUS),
        (["13/01/2020", "01/13/2020"], DateOrder.CONFLICTING),
        (["5/5/2015", "2015-11-03", "45356", "junk"], None),  # nothing reads two ways
        ([], None),
    ],
)
def test_a_columns_values_settle_its_date_order(values: list[str], order: DateOrder | None) -> None:
    assert slash_date_order(values) == order


@pytest.mark.parametrize("raw", ["2024-02-30", "2024/13/1", "next tuesday", "2024年3月", "0"])
def test_impossible_or_unknown_dates_are_rejected(raw: str) -> None:
    with pytest.raises(ValueError):
        parse_date(raw)


def test_empty_dates_are_none() -> None:
    assert parse_date("  ") is None
    assert parse_date(None) is None


def test_excel_serials() -> None:
    assert excel_serial_to_date(1) == date(1899, 12, 31)
    assert excel_serial_to_date(61) == date(1900, 3, 1)  # after Excel's phantom 1900-02-29
    with pytest.raises(ValueError):
        excel_serial_to_date(0)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("广东省深圳市南山区科技园南路 1 号", ("广东省", "深圳市", "南山区", "科技园南路1号")),
        ("上海浦东新区张江路 1 号", ("上海市", "上海市", "浦东新区", "张江路1号")),
        ("北京市海淀区中关村大街27号", ("北京市", "北京市", "海淀区", "中关村大街27号")),
        ("重庆市渝中区解放碑", ("重庆市", "重庆市", "渝中区", "解放碑")),
        ("深圳市南山区科技园", ("广东省", "深圳市", "南山区", "科技园")),  # well-known city
        ("江苏省苏州市昆山市花桥镇", ("江苏省", "苏州市", "昆山市", "花桥镇")),
        ("浙江湖州市德清县武康镇", ("浙江省", "湖州市", "德清县", "武康镇")),
        ("内蒙古呼和浩特市新城区", ("内蒙古自治区", "呼和浩特市", "新城区", "")),
        ("新疆维吾尔自治区乌鲁木齐市天山区", ("新疆维吾尔自治区", "乌鲁木齐市", "天山区", "")),
        ("四川成都武侯区", ("四川省", "成都市", "武侯区", "")),
        # Nothing recognisable: no guesses (a shop called "...超市" is not a city).
        ("中山路超市旁边", (None, None, None, "中山路超市旁边")),
        ("1600 Amphitheatre Parkway", (None, None, None, "1600AmphitheatreParkway")),
    ],
)
def test_chinese_addresses_split(
    raw: str, expected: tuple[str | None, str | None, str | None, str]
) -> None:
    assert split_address(raw) == AddressParts(*expected)


_MUNICIPALITY_DISTRICTS = {
    "北京市": ("海淀区", "密云县"),
    "上海市": ("徐汇区", "崇明县"),
    "天津市": ("和平区", "蓟县"),
    "重庆市": ("渝中区", "巫山县"),
}


@pytest.mark.parametrize("municipality", sorted(_MUNICIPALITY_DISTRICTS))
@pytest.mark.parametrize("repeat", ["", "{full}", "{short}"])
@pytest.mark.parametrize("first", ["{full}", "{short}"])
@pytest.mark.parametrize("level", [0, 1])
def test_municipality_addresses_keep_their_district(
    municipality: str, repeat: str, first: str, level: int
) -> None:
    """A municipality is its own city: typed once or twice, with or without 市, the district
    (区 or 县) after it is the district, never the repeated municipality."""
    short = municipality.removesuffix("市")
    district = _MUNICIPALITY_DISTRICTS[municipality][level]
    raw = (first + repeat).format(full=municipality, short=short) + district + "1号"
    assert split_address(raw) == AddressParts(municipality, municipality, district, "1号")


def test_empty_address() -> None:
    assert split_address(None) is None
    assert split_address("   ") is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("上海星辰科技有限公司", "星辰科技"),
        ("上海星辰科技股份有限公司", "星辰科技"),
        ("上海星辰科技集团有限公司", "星辰科技"),
        ("上海星辰科技有限责任公司", "星辰科技"),
        (" 上海 星辰科技 ", "星辰科技"),
        ("星辰科技\uff08上海\uff09有限公司", "星辰科技"),  # full-width brackets
        ("\uff21\uff23\uff2d\uff25 Co., Ltd.", "acme"),  # full-width letters
        ("Acme Co. Ltd", "acme"),
        ("ACME Inc.", "acme"),
        ("Acme, LLC", "acme"),
        ("Acme Corp.", "acme"),
        ("Acme GmbH", "acme"),
        ("Acme Company Limited", "acme"),
        ("  Blue   Harbor  Foods  Ltd ", "blue harbor foods"),
        ("A.B.C. Trading", "abc trading"),
        ("Costco", "costco"),  # "co" only as a word of its own
        ("有限公司", "有限公司"),  # nothing but a legal form: kept
        ("", ""),
    ],
)
def test_company_names_normalise_for_matching(raw: str, expected: str) -> None:
    assert normalize_company_name(raw) == expected


@pytest.mark.parametrize(
    ("raw", "core", "region"),
    [
        ("深圳华强科技有限公司", "华强科技", "深圳"),
        ("深圳市华强科技", "华强科技", "深圳"),
        ("华强科技", "华强科技", None),
        ("华强科技（深圳）有限公司", "华强科技", "深圳"),
        ("广东省深圳市南山区华强科技有限公司", "华强科技", "深圳"),
        ("广东华强科技有限公司", "华强科技", "广东"),
        ("上海市上海市星辰科技", "星辰科技", "上海"),
        ("中山市华联超市", "华联超市", "中山"),
        ("华联超市", "华联超市", None),  # "...超市" is no city
        ("Shanghai Tyrell Foods Co., Ltd.", "tyrell foods", "上海"),
        ("Tyrell Foods (Shenzhen) Ltd", "tyrell foods", "深圳"),
        ("Acme (China) Co., Ltd.", "acme", None),
        ("上海", "上海", None),  # nothing but a region: kept as the core
    ],
)
def test_company_name_key_takes_the_region_apart(raw: str, core: str, region: str | None) -> None:
    assert company_name_key(raw) == CompanyKey(core, region)


def test_regions_compatible() -> None:
    assert regions_compatible("深圳", "深圳")
    assert regions_compatible("深圳", None)
    assert regions_compatible("深圳", "广东")  # a city and its province
    assert not regions_compatible("深圳", "上海")
    assert not regions_compatible("北京", "上海")


@pytest.mark.parametrize(
    "raw",
    ["16350006734", "(+86)16350006734", "+86 163-5000-6734", "0086 163 5000 6734", "163 5000 6734"],
)
def test_phone_key_links_numbers_the_library_rejects(raw: str) -> None:
    assert phone_to_e164(raw) is None  # a range the library's metadata does not know
    assert phone_key(raw) == "8616350006734"


def test_phone_key_of_valid_and_junk_numbers() -> None:
    assert phone_key("138 0013 8000") == "8613800138000"  # the E.164 without "+"
    assert phone_key("+1 650 253 0000") == "16502530000"
    assert phone_key("12") is None
    assert phone_key("n/a") is None
    assert phone_key(None) is None
