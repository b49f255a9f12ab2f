"""Cleaning rules applied to every way data comes in (API writes today, bulk imports too).

Each cleaner is a pure function of one value, so an importer can run it over millions of cells:
regular expressions are compiled once, nothing touches the database, and lookups are dicts.
A cleaner returns None for an empty input; one that can reject a value (e-mail, date) raises
``ValueError`` with a message fit to show next to the offending cell.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from crm.settings import get_settings

_PHONE_PUNCTUATION = re.compile(r"[\s()+\-.]")


# --- phone numbers ----------------------------------------------------------------------------


def phone_to_e164(raw: str | None, region: str | None = None) -> str | None:
    """E.164 form of ``raw`` (default region from settings), or None if it is no valid number."""
    if not raw or not raw.strip():
        return None
    try:
        parsed = phonenumbers.parse(raw, region or get_settings().default_phone_region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def phone_acceptable(raw: str, region: str | None = None) -> bool:
    """Whether a typed phone number may be stored: a valid number, or one with a mobile
    number's shape in its region on a range the phone library's metadata does not know (yet),
    such as ``16350006734``. Those keep no E.164 form but match through :func:`phone_key`;
    refusing them would leave a salesperson unable to save a customer's real number."""
    try:
        parsed = phonenumbers.parse(raw, region or get_settings().default_phone_region)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(parsed) or phonenumbers.is_possible_number_for_type(
        parsed, phonenumbers.PhoneNumberType.MOBILE
    )


_MIN_KEY_DIGITS = 7  # fewer digits than any subscriber number: junk, not a phone


def phone_key(raw: str | None, region: str | None = None) -> str | None:
    """The number's digits as duplicate matching compares them: country code + national number,
    formatting stripped, valid or not.

    The phone library rejects numbers on ranges its metadata does not know (yet), such as
    ``16350006734``; they keep no E.164 form, but ``(+86)16350006734`` and ``163 5000 6734``
    are still one number: both key ``8616350006734``. For a valid number the key is its E.164
    without the "+". None for an empty value or one with too few digits to be a number.
    """
    if not raw or not raw.strip():
        return None
    text = unicodedata.normalize("NFKC", raw)
    try:
        parsed = phonenumbers.parse(text, region or get_settings().default_phone_region)
    except phonenumbers.NumberParseException:
        return None
    key = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164).lstrip("+")
    return key if len(key) >= _MIN_KEY_DIGITS and key.isdigit() else None


def phone_search_digits(q: str) -> str | None:
    """The digits to look for in E.164 numbers when ``q`` looks like (part of) a phone number."""
    digits = _PHONE_PUNCTUATION.sub("", q)
    if len(digits) < 3 or not digits.isdigit():
        return None
    # A national number typed with its trunk prefix (0 in many regions) is stored without it.
    return digits.lstrip("0") or digits


# --- e-mail -----------------------------------------------------------------------------------


def normalize_email(raw: str | None) -> str | None:
    """The address trimmed, validated (syntax only: no DNS lookup) and lower-cased.

    The whole address is lower-cased, local part included: no mail system in our users' world
    treats ``Li.Lei@`` and ``li.lei@`` as two mailboxes, and duplicate detection needs one form.
    """
    if raw is None or not raw.strip():
        return None
    try:
        checked = validate_email(raw.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValueError(f"not a valid e-mail address: {exc}") from exc
    return checked.normalized.lower()


# --- dates ------------------------------------------------------------------------------------

# Excel's day 0 is 1899-12-30 (its 1900 leap-year bug shifts everything after February 1900).
_EXCEL_EPOCH = date(1899, 12, 30)
_EXCEL_SERIAL_MAX = 2_958_465  # 9999-12-31
_YMD = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_COMPACT_MIN, _COMPACT_MAX = 1000_01_01, 9999_12_31
_SERIAL = re.compile(r"^\d{1,7}(?:\.\d+)?$")
# An ISO date followed by a time ("2024-03-05 10:30:00", "2024-03-05T10:30Z").
_DATE_THEN_TIME = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2}|\d{4}/\d{1,2}/\d{1,2})[ T]\d{1,2}:\d{2}")


def excel_serial_to_date(serial: float) -> date:
    """The date of an Excel serial day number (the integer part; a fraction is the time)."""
    whole = int(serial)
    if not 1 <= whole <= _EXCEL_SERIAL_MAX:
        raise ValueError(f"{serial} is not an Excel date serial number")
    return _EXCEL_EPOCH + timedelta(days=whole)


def _checked(year: str, month: str, day: str, raw: object) -> date:
    try:
        return date(int(year), int(month), int(day))
    except ValueError as exc:
        raise ValueError(f"not a valid date: {raw!r}") from exc


def _day_month_parts(text: str) -> tuple[int, int] | None:
    """The first two numbers of a day/month/year or month/day/year date, else None."""
    match = _DMY.match(unicodedata.normalize("NFKC", text).strip())
    return (int(match.group(1)), int(match.group(2))) if match else None


class DateOrder(StrEnum):
    """How the ``05/03/2024`` dates of one column read, judged from all of them."""

    DAY_FIRST = "day_first"  # some first part is over 12: it can only be the day
    MONTH_FIRST = "month_first"  # some second part is over 12
    AMBIGUOUS = "ambiguous"  # no part over 12: either reading gives a date
    CONFLICTING = "conflicting"  # both: the column mixes the two orders (or holds typos)


def slash_date_order(values: Iterable[str]) -> DateOrder | None:
    """The order the values' ``05/03/2024`` dates settle, or None when the column has none
    whose two readings differ (nothing to decide)."""
    first_is_day = second_is_day = differ = False
    for value in values:
        parts = _day_month_parts(value)
        if parts is None or parts[0] == parts[1]:
            continue
        differ = True
        first_is_day |= parts[0] > 12
        second_is_day |= parts[1] > 12
    if first_is_day and second_is_day:
        return DateOrder.CONFLICTING
    if first_is_day:
        return DateOrder.DAY_FIRST
    if second_is_day:
        return DateOrder.MONTH_FIRST
    return DateOrder.AMBIGUOUS if differ else None


def parse_date(raw: str | float | date | None, *, day_first: bool | None = True) -> date | None:
    """An ISO ``date`` from the forms spreadsheets hold.

    Accepted: ``2024-03-05``, ``2024/3/5``, ``2024.3.5``, ``2024年3月5日``, ``20240305``, an
    Excel serial number (``45356`` or the float a reader returns), a ``date``/``datetime``, a
    date followed by a time, and ``05/03/2024``: day first (as written in China and Europe),
    month first with ``day_first=False`` (the US way), and with ``day_first=None`` (the order
    is not known) only where both readings give the same date. Anything else raises
    ``ValueError``.
    """
    if raw is None:
        return None
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, bool):
        raise ValueError(f"not a date: {raw!r}")
    if isinstance(raw, int) and _COMPACT_MIN <= raw <= _COMPACT_MAX:
        return parse_date(str(raw))  # 20240305 read from a cell as a number
    if isinstance(raw, int | float):
        return excel_serial_to_date(raw)
    text = unicodedata.normalize("NFKC", raw).strip()
    if not text:
        return None
    if match := _DATE_THEN_TIME.match(text):
        text = match.group(1)
    if match := _YMD.match(text):
        year, month, day = match.groups()
        return _checked(year, month, day, raw)
    if match := _COMPACT.match(text):
        year, month, day = match.groups()
        return _checked(year, month, day, raw)
    if match := _DMY.match(text):
        first, second, year = match.groups()
        if day_first is None and int(first) != int(second):
            # Never a guess: 3/11/2015 is 3 November or March 11 (see slash_date_order).
            raise ValueError(
                f"{raw!r}: the column's dates do not show whether they are day/month/year or "
                "month/day/year; choose the column's date order."
            )
        day, month = (first, second) if day_first is not False else (second, first)
        return _checked(year, month, day, raw)
    if _SERIAL.match(text):
        return excel_serial_to_date(float(text))
    raise ValueError(f"not a recognised date: {raw!r}")


# --- addresses --------------------------------------------------------------------------------

# The 34 provincial-level divisions: (full name, short name). Municipalities are their own city.
_PROVINCES: tuple[tuple[str, str], ...] = (
    ("北京市", "北京"), ("天津市", "天津"), ("上海市", "上海"), ("重庆市", "重庆"),
    ("河北省", "河北"), ("山西省", "山西"), ("辽宁省", "辽宁"), ("吉林省", "吉林"),
    ("黑龙江省", "黑龙江"), ("江苏省", "江苏"), ("浙江省", "浙江"), ("安徽省", "安徽"),
    ("福建省", "福建"), ("江西省", "江西"), ("山东省", "山东"), ("河南省", "河南"),
    ("湖北省", "湖北"), ("湖南省", "湖南"), ("广东省", "广东"), ("海南省", "海南"),
    ("四川省", "四川"), ("贵州省", "贵州"), ("云南省", "云南"), ("陕西省", "陕西"),
    ("甘肃省", "甘肃"), ("青海省", "青海"), ("台湾省", "台湾"),
    ("内蒙古自治区", "内蒙古"), ("广西壮族自治区", "广西"), ("西藏自治区", "西藏"),
    ("宁夏回族自治区", "宁夏"), ("新疆维吾尔自治区", "新疆"),
    ("香港特别行政区", "香港"), ("澳门特别行政区", "澳门"),
)  # fmt: skip
_MUNICIPALITIES = frozenset({"北京市", "天津市", "上海市", "重庆市"})
# Prefixes to try, longest first, each leading to the full provincial name.
_PROVINCE_PREFIXES = sorted(
    [(full, full) for full, _ in _PROVINCES] + [(short, full) for full, short in _PROVINCES],
    key=lambda pair: -len(pair[0]),
)
# Addresses often start at the city. These well-known cities (capitals and the other large
# ones) give their province; any other city is still split out, just without a province.
_CITY_PROVINCE = {
    "石家庄": "河北省", "太原": "山西省", "沈阳": "辽宁省", "大连": "辽宁省", "长春": "吉林省",
    "哈尔滨": "黑龙江省", "南京": "江苏省", "苏州": "江苏省", "无锡": "江苏省", "杭州": "浙江省",
    "宁波": "浙江省", "温州": "浙江省", "合肥": "安徽省", "福州": "福建省", "厦门": "福建省",
    "南昌": "江西省", "济南": "山东省", "青岛": "山东省", "郑州": "河南省", "武汉": "湖北省",
    "长沙": "湖南省", "广州": "广东省", "深圳": "广东省", "东莞": "广东省", "佛山": "广东省",
    "海口": "海南省", "成都": "四川省", "贵阳": "贵州省", "昆明": "云南省", "西安": "陕西省",
    "兰州": "甘肃省", "西宁": "青海省", "呼和浩特": "内蒙古自治区", "南宁": "广西壮族自治区",
    "拉萨": "西藏自治区", "银川": "宁夏回族自治区", "乌鲁木齐": "新疆维吾尔自治区",
}  # fmt: skip
# A prefecture-level unit: "...市", "...自治州", "...地区", "...盟" (at most 10 characters).
_CITY = re.compile(r"^([\u4e00-\u9fff]{1,9}?(?:市|自治州|地区|盟))")
# A county-level unit: "...区", "...县", "...市" (county-level city), "...旗".
_DISTRICT = re.compile(r"^([\u4e00-\u9fff]{1,9}?(?:区|县|市|旗))")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class AddressParts:
    province: str | None
    city: str | None
    district: str | None
    rest: str  # what follows the recognised parts (street, number, building)


# One alternation each, longest first: duplicate matching keys every name of a database.
_PROVINCE_START = re.compile("|".join(re.escape(prefix) for prefix, _ in _PROVINCE_PREFIXES))
_PROVINCE_OF_PREFIX = dict(_PROVINCE_PREFIXES)
_CITY_START = re.compile("|".join(sorted(map(re.escape, _CITY_PROVINCE), key=len, reverse=True)))


def _take_province(text: str) -> tuple[str | None, str]:
    match = _PROVINCE_START.match(text)
    if match is None:
        return None, text
    prefix = match.group(0)
    full = _PROVINCE_OF_PREFIX[prefix]
    rest = text[len(prefix) :]
    # "北京海淀区" and "北京市海淀区" alike; "广东省" already ate its 省.
    if prefix != full and rest[:1] in ("省", "市") and full.endswith(rest[:1]):
        rest = rest[1:]
    return full, rest


def _after_repeated_municipality(text: str, municipality: str) -> str:
    """``text`` without a repeat of the municipality's name, as people type the city level of
    "上海市上海市徐汇区" or "北京北京市海淀区" (the municipality is its own city)."""
    for repeat in (municipality, municipality.removesuffix("市")):
        if text.startswith(repeat):
            text = text[len(repeat) :]
            break
    return text.removeprefix("市辖区")  # the old official name of its city level


def _take_city(text: str, province: str | None) -> tuple[str | None, str, str | None]:
    """(city, rest, province implied by a well-known city)."""
    if province in _MUNICIPALITIES:
        return province, _after_repeated_municipality(text, province), None
    if known := _CITY_START.match(text):
        name = known.group(0)
        rest = text[len(name) :]
        return name + "市", rest[1:] if rest.startswith("市") else rest, _CITY_PROVINCE[name]
    # Without a province, a "...市" prefix could be a shop's name ("中山路超市"): trust only the
    # well-known cities above.
    match = _CITY.match(text) if province is not None else None
    if match is None:
        return None, text, None
    return match.group(1), text[match.end() :], None


def split_address(raw: str | None) -> AddressParts | None:
    """Province / city / district of a Chinese address where recognisable, else None parts.

    ``"广东省深圳市南山区科技园"`` → 广东省, 深圳市, 南山区, 科技园; ``"上海浦东新区..."`` →
    上海市, 上海市, 浦东新区. The curated list covers the provincial level and the big cities;
    lower levels are recognised by their suffix (市 / 区 / 县 ...).
    """
    if raw is None:
        return None
    text = _SPACES.sub("", unicodedata.normalize("NFKC", raw))
    if not text:
        return None
    province, rest = _take_province(text)
    city, rest, implied = _take_city(rest, province)
    province = province or implied
    district = None
    if (city is not None or province is not None) and (match := _DISTRICT.match(rest)):
        district, rest = match.group(1), rest[match.end() :]
    return AddressParts(province=province, city=city, district=district, rest=rest)


# --- company names ----------------------------------------------------------------------------

# Legal forms that say nothing about which company it is. Stripped from the end, repeatedly
# ("集团有限公司" → "集团" → ""), for matching only: the display name keeps them.
_LEGAL_SUFFIXES = (
    "股份有限公司", "有限责任公司", "有限公司", "集团公司", "总公司", "分公司", "公司", "集团",
    "company limited", "co ltd", "co limited", "corporation", "incorporated", "limited",
    "company", "group", "gmbh", "corp", "ltd", "llc", "llp", "inc", "plc", "co", "ag", "sa",
    "bv", "nv", "pte", "pty", "srl", "kk",
)  # fmt: skip
_SUFFIX_AT_END = re.compile(
    r"(?:^|(?<=[\s\u4e00-\u9fff]))(?:"
    + "|".join(re.escape(s).replace(r"\ ", r"\s+") for s in _LEGAL_SUFFIXES)
    + r")\s*$"
)
_DROPPED = re.compile(r"[.'\u2019`]")  # "A.B.C." is "abc", "O'Neil" is "oneil"
_SEPARATORS = re.compile(r"[^\w\s]")  # other punctuation separates words
_CJK_SPACE = re.compile(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")
_BRACKETED = re.compile(r"[(\[【\u3014]([^()\[\]【】\u3014\u3015]*)[)\]】\u3015]")
# Romanised region names written before or after Latin company names ("Shanghai Tyrell Foods",
# "Tyrell Foods (Shenzhen)"), mapped to the Chinese short name the region part of a key uses.
_LATIN_REGIONS = {
    "beijing": "北京", "shanghai": "上海", "tianjin": "天津", "chongqing": "重庆",
    "guangdong": "广东", "jiangsu": "江苏", "zhejiang": "浙江", "shandong": "山东",
    "sichuan": "四川", "hubei": "湖北", "hunan": "湖南", "fujian": "福建", "hebei": "河北",
    "henan": "河南", "anhui": "安徽", "liaoning": "辽宁", "shenzhen": "深圳",
    "guangzhou": "广州", "hangzhou": "杭州", "nanjing": "南京", "suzhou": "苏州",
    "wuhan": "武汉", "chengdu": "成都", "xiamen": "厦门", "qingdao": "青岛", "dalian": "大连",
    "ningbo": "宁波", "xian": "西安", "dongguan": "东莞", "foshan": "佛山", "hong kong": "香港",
    "hongkong": "香港", "macau": "澳门",
}  # fmt: skip
# A country in brackets ("Acme (China) Ltd.") says nothing about which company it is.
_COUNTRIES = frozenset({"中国", "china", "prc"})
# Short provincial names by their full ones, and each well-known city's province (short).
_PROVINCE_SHORT = dict(_PROVINCES)
_CITY_PROVINCE_SHORT = {city: _PROVINCE_SHORT[full] for city, full in _CITY_PROVINCE.items()}
# A two-character prefecture-level city written with 市 ("中山市..."): most city names are
# two characters, and 2 + 市 rarely begins a company's own name (unlike "...超市").
_GENERIC_CITY = re.compile(r"^([\u4e00-\u9fff]{2})市")
# A county-level unit right after a city ("深圳市南山区...").
_NAME_DISTRICT = re.compile(r"^[\u4e00-\u9fff]{1,3}?(?:新区|区|县)")
_MIN_CORE = 2  # characters a name keeps after its region is taken off


@dataclass(frozen=True)
class CompanyKey:
    """A company name as duplicate detection compares it: the core (what names must agree on)
    and the region written before it or in brackets (evidence for or against, never the key).

    ``深圳华强科技有限公司``, ``深圳市华强科技``, ``华强科技`` and ``华强科技（深圳）有限公司``
    all have the core ``华强科技``; all but the third have the region ``深圳``.
    """

    core: str
    region: str | None


def region_name(text: str) -> str | None:
    """The short name of a province or well-known city ``text`` is (with or without its 省/市,
    or romanised), else None."""
    text = text.strip()
    if text in _LATIN_REGIONS:
        return _LATIN_REGIONS[text]
    for full, short in _PROVINCES:
        if text in (full, short):
            return short
    bare = text.removesuffix("市")
    if bare in _CITY_PROVINCE or _GENERIC_CITY.fullmatch(text):
        return bare
    return None


def _take_name_region(text: str) -> tuple[str | None, str]:
    """(region, rest) of a name that starts with a province, a city and/or a district."""
    region = None
    province, rest = _take_province(text)
    if province is not None:
        if province in _MUNICIPALITIES:
            rest = _after_repeated_municipality(rest, province)
        region, text = _PROVINCE_SHORT[province], rest
    known = _CITY_START.match(text)
    city = known.group(0) if known else None
    if city is not None:
        region, text = city, text[len(city) :].removeprefix("市")
    elif match := _GENERIC_CITY.match(text):
        city, text = match.group(1), text[match.end() :]
        region = city
    if city is not None and (match := _NAME_DISTRICT.match(text)):
        text = text[match.end() :]
    return region, text


def _strip_legal_suffixes(text: str) -> str:
    stem = text
    while True:
        shorter = _SUFFIX_AT_END.sub("", stem).strip()
        if shorter == stem or not shorter:
            return stem
        stem = shorter


def _plain(text: str) -> str:
    text = _DROPPED.sub("", text)
    text = _SEPARATORS.sub(" ", text)
    return _CJK_SPACE.sub("", _SPACES.sub(" ", text).strip())


# The version of company_name_key (and so of customers.name_normalized). Bump it with any change
# to what the key of a name is: the worker then re-keys stored customers (dedupe/rekey.py).
# 2: the region (province/city/district) left the core (2026-12-07).
NAME_KEY_VERSION = 2


def company_name_key(raw: str | None) -> CompanyKey:
    """The :class:`CompanyKey` of a name: NFKC (full-width → half-width), lower-case,
    punctuation and legal suffixes dropped, spaces collapsed (none between CJK characters), and
    a leading or bracketed province / city / district (with or without 省/市/区, or romanised)
    taken off into the region. A name that is nothing but a legal form or a region keeps it, so
    no core is "".
    """
    if not raw:
        return CompanyKey("", None)
    text = unicodedata.normalize("NFKC", raw).casefold()
    region = None
    for match in list(_BRACKETED.finditer(text)):
        inside = match.group(1).strip()
        if (named := region_name(inside)) is not None or inside in _COUNTRIES:
            region = region or named
            text = text.replace(match.group(0), " ")
    whole = _plain(text)
    stem = _strip_legal_suffixes(whole) or whole
    leading, core = _take_name_region(stem)
    words = stem.split(" ", 1)
    if leading is None and len(words) == 2 and words[0] in _LATIN_REGIONS:
        leading, core = _LATIN_REGIONS[words[0]], words[1]
    if leading is not None and len(core.strip()) >= _MIN_CORE:
        return CompanyKey(_strip_legal_suffixes(core.strip()), region or leading)
    return CompanyKey(stem or whole, region)


def normalize_company_name(raw: str | None) -> str:
    """The core of the name (see :func:`company_name_key`): the form company names are
    matched on. ``"上海星辰科技有限公司"`` → ``"星辰科技"``; ``"ACME Co., Ltd."`` → ``"acme"``,
    typed full-width or not.
    """
    return company_name_key(raw).core


def regions_compatible(first: str | None, second: str | None) -> bool:
    """Whether two region parts can name the same place: equal, unknown on either side, or a
    well-known city and its province (深圳 and 广东)."""
    if first is None or second is None or first == second:
        return True
    return _CITY_PROVINCE_SHORT.get(first) == second or _CITY_PROVINCE_SHORT.get(second) == first
