"""What a customer import takes: its fields (with the header names people use for them), the
columns derived on the way, and the keys duplicates are matched on. Loaded by the imports
feature at start-up (every ``crm/<domain>/imports.py`` is)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from crm.core.cleaning import normalize_company_name, phone_key, split_address
from crm.core.importable import (
    CleanOptions,
    Importable,
    Matcher,
    MatchKey,
    Reference,
    add_field_provider,
    labels,
    register,
)
from crm.customers.dedupe import scoring
from crm.customers.models import Contact, Customer
from crm.customfields.importing import import_fields
from crm.imports import columns as clean
from crm.imports.standard_fields import (
    email_field,
    field,
    notes_field,
    owner_field,
    phone_field,
)

_KINDS = {
    "company": "company",
    "person": "person",
    "公司": "company",
    "企业": "company",
    "单位": "company",
    "个人": "person",
    "individual": "person",
}


def _split_addresses(frame: pl.DataFrame) -> pl.DataFrame:
    """Province / city / district split from the address where the row gave none of them (as
    an API write does: never overwriting what was given)."""
    parts = ("province", "city", "district")
    given = [pl.col(p).is_not_null() for p in parts if p in frame.columns]
    needs = ~pl.any_horizontal(given) if given else pl.lit(True)
    wanted = frame.select(pl.when(needs).then(pl.col("address")).otherwise(None)).to_series()
    distinct = wanted.drop_nulls().unique()
    # The parts of each distinct address, a chunk at a time (clean.DISTINCT_CHUNK: a million
    # parsed addresses alive at once were the import's peak memory).
    found: dict[str, list[pl.Series]] = {part: [] for part in parts}
    for start in range(0, distinct.len(), clean.DISTINCT_CHUNK):
        split = [split_address(a) for a in distinct.slice(start, clean.DISTINCT_CHUNK).to_list()]
        for part in parts:
            chunk = [(getattr(p, part) or None) if p else None for p in split]
            found[part].append(pl.Series(chunk, dtype=pl.String))
    for part in parts:
        parsed = pl.concat(found[part]) if found[part] else pl.Series([], dtype=pl.String)
        values = clean.lookup(wanted, distinct, parsed)
        if part in frame.columns:
            frame = frame.with_columns(pl.col(part).fill_null(values))
        else:
            frame = frame.with_columns(values.alias(part))
    return frame


def _phone_keys(frame: pl.DataFrame, options: CleanOptions) -> pl.Series:
    """The digits key of each phone (cleaning.phone_key): a valid number's E.164 without "+",
    and the library's parse of the others (kept as typed), once per distinct number."""
    e164 = frame["phone_e164"] if "phone_e164" in frame.columns else None
    typed = frame["phone"]
    if e164 is not None:
        typed = pl.select(pl.when(e164.is_null()).then(typed)).to_series()
    keys, _ = clean.map_distinct(typed, lambda raw: phone_key(raw, options.phone_region), pl.String)
    if e164 is None:
        return keys
    return e164.str.strip_chars_start("+").fill_null(keys)


def _scored(row: Mapping[str, Any]) -> scoring.Record:
    return scoring.Record.of(
        name=row.get("name"),
        kind=row.get("kind"),
        phone_key=row.get("phone_key"),
        email=row.get("email"),
        address=row.get("address"),
    )


def _reason(result: scoring.Score) -> str:
    return result.reasons[0] if result.reasons else "name"


def _link_rows(rows: Sequence[Mapping[str, Any]]) -> dict[int, tuple[int, str]]:
    """Rows in file order: each duplicate and the earliest row of its group, which it matches
    itself (scoring.cluster with the file's order)."""
    links = scoring.cluster([_scored(row) for row in rows], order=lambda index: index)
    return {i: (link.representative, _reason(link.score)) for i, link in links.items()}


def _compare(row: Mapping[str, Any], record: Mapping[str, Any]) -> tuple[float, str] | None:
    result = scoring.score(_scored(row), _scored(record))
    return (result.weight, _reason(result)) if result.is_match else None


# What import duplicates are decided on (with the match keys as the blocking).
MATCHER = Matcher(
    columns=("kind", "name", "phone_key", "email", "address"),
    link_rows=_link_rows,
    compare=_compare,
)


def derive(frame: pl.DataFrame, options: CleanOptions) -> pl.DataFrame:
    """The stored forms every customer write has: the normalised name, the phone's digits key,
    and the address split."""
    if "phone" in frame.columns:
        frame = frame.with_columns(_phone_keys(frame, options).alias("phone_key"))
    if "name" in frame.columns:
        frame = frame.with_columns(clean.company_names(frame["name"]).alias("name_normalized"))
    if "address" in frame.columns:
        frame = _split_addresses(frame)
    return frame


register(
    Importable(
        object_type="customers",
        record_type="customer",
        labels=labels("Customers", "客户"),
        permissions=("customers:import",),
        read_permission="customers:read",
        model=Customer,
        fields=(
            field(
                "name",
                "Name",
                "客户名称",
                clean.text(200, required=True),
                required=True,
                aliases=(
                    "名称",
                    "客户",
                    "公司名称",
                    "企业名称",
                    "company",
                    "company name",
                    "customer",
                    "customer name",
                    "account name",
                ),
                example="上海星辰科技有限公司",
            ),
            field(
                "kind",
                "Kind",
                "类型",
                clean.choice(_KINDS, default="company"),
                "select",
                aliases=("客户类型", "type"),
                example="company",
                options=("company", "person"),
            ),
            phone_field(example="138 0013 8000"),
            email_field(example="info@example.com"),
            field(
                "province",
                "Province",
                "省份",
                clean.text(100),
                aliases=("省", "state"),
                example="上海市",
            ),
            field("city", "City", "城市", clean.text(100), aliases=("市",), example="上海市"),
            field(
                "district",
                "District",
                "区县",
                clean.text(100),
                aliases=("区", "县"),
                example="浦东新区",
            ),
            field(
                "address",
                "Address",
                "地址",
                clean.text(500),
                aliases=("详细地址", "公司地址", "street"),
                example="上海市浦东新区世纪大道100号",
            ),
            field(
                "industry",
                "Industry",
                "行业",
                clean.text(100),
                aliases=("所属行业",),
                example="制造业",
            ),
            field(
                "source",
                "Source",
                "来源",
                clean.text(50),
                aliases=("客户来源", "渠道", "lead source", "channel"),
                example="展会",
            ),
            field(
                "level",
                "Level",
                "客户级别",
                clean.text(20),
                aliases=("级别", "客户等级", "等级", "customer level", "grade"),
                example="A",
            ),
            field(
                "tags",
                "Tags",
                "标签",
                clean.string_list(50, 50),
                "list",
                aliases=("tag",),
                example="VIP, 华东",
            ),
            owner_field(),
            notes_field(),
        ),
        match_keys=(
            MatchKey("phone", "phone_key"),
            MatchKey("email", "email"),
            # A person's name is no evidence: two people share names all the time.
            MatchKey("name", "name_normalized", skip_when=("kind", "person")),
        ),
        updatable={
            "name": "name",
            "name_normalized": "name",
            "kind": "kind",
            "phone": "phone",
            "phone_e164": "phone",
            "phone_key": "phone",
            "email": "email",
            "province": "province",
            "city": "city",
            "district": "district",
            "address": "address",
            "industry": "industry",
            "source": "source",
            "level": "level",
            "notes": "notes",
            "tags": "tags",
        },
        derive=derive,
        matcher=MATCHER,
    )
)
add_field_provider("customers", import_fields("customer"))


register(
    Importable(
        object_type="contacts",
        record_type="contact",
        labels=labels("Contacts", "联系人"),
        # Contacts are written onto customers: the customers' import right and contacts' write.
        permissions=("customers:import", "contacts:write"),
        read_permission="contacts:read",
        model=Contact,
        fields=(
            field(
                "customer_id",
                "Customer",
                "客户",
                clean.text(200, required=True),
                "reference",
                required=True,
                aliases=(
                    "客户名称",
                    "公司",
                    "公司名称",
                    "所属客户",
                    "company",
                    "account",
                    "customer name",
                    "customer id",
                ),
                example="上海星辰科技有限公司",
                # By id, or by the company name as duplicate detection compares it (so
                # "上海星辰科技" finds "上海星辰科技有限公司"); only customers the importer sees.
                reference=Reference(
                    Customer, normalized_column="name_normalized", normalize=normalize_company_name
                ),
            ),
            field(
                "name",
                "Name",
                "姓名",
                clean.text(200, required=True),
                required=True,
                aliases=("联系人", "联系人姓名", "contact", "contact name", "full name"),
                example="李雷",
            ),
            field(
                "title",
                "Title",
                "职务",
                clean.text(100),
                aliases=("职位", "job title", "position"),
                example="采购经理",
            ),
            phone_field(example="139 0013 9000"),
            email_field(example="li.lei@example.com"),
            field(
                "is_primary",
                "Primary contact",
                "主要联系人",
                clean.boolean(default=False),
                "boolean",
                aliases=("首要联系人", "primary"),
                example="yes",
            ),
            field(
                "birthday",
                "Birthday",
                "生日",
                clean.date(),
                "date",
                aliases=("出生日期", "date of birth"),
                example="1990-05-20",
            ),
            notes_field(),
        ),
        match_keys=(MatchKey("phone", "phone_e164"), MatchKey("email", "email")),
        updatable={
            "name": "name",
            "title": "title",
            "phone": "phone",
            "phone_e164": "phone",
            "email": "email",
            "is_primary": "is_primary",
            "birthday": "birthday",
            "notes": "notes",
        },
    )
)
add_field_provider("contacts", import_fields("contact"))
