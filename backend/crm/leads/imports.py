"""What a lead import takes. Loaded by the imports feature at start-up (every
``crm/<domain>/imports.py`` is). Rows without an owner go to the pool, and their
``lead.created`` events put them through the assignment rules like any new lead."""

from __future__ import annotations

import polars as pl

from crm.core.importable import (
    CleanedColumn,
    CleanOptions,
    ColumnCleaner,
    Importable,
    MatchKey,
    add_field_provider,
    labels,
    register,
)
from crm.customfields.importing import import_fields
from crm.imports import columns as clean
from crm.imports.standard_fields import (
    email_field,
    field,
    notes_field,
    owner_field,
    phone_field,
)
from crm.leads.models import Lead

_GRADES = {"A": "A", "B": "B", "C": "C", "高": "A", "中": "B", "低": "C"}
_STATUSES = {
    "new": "new",
    "contacted": "contacted",
    "qualified": "qualified",
    "unqualified": "unqualified",
    "新线索": "new",
    "已联系": "contacted",
    "已确认": "qualified",
    "无效": "unqualified",
}


def _score() -> ColumnCleaner:
    """An integer 0-100 (spreadsheets write 80 as "80.0")."""

    def rule(raw: str) -> int:
        text = raw.strip().removesuffix(".0")
        if not text.isdigit() or not 0 <= int(text) <= 100:
            raise ValueError(f"'{raw[:20]}' is not a score from 0 to 100.")
        return int(text)

    def cleaner(column: pl.Series, options: CleanOptions) -> CleanedColumn:
        values, errors = clean.map_distinct(clean.blank_to_null(column), rule, pl.Int64)
        return CleanedColumn(values, errors)

    return cleaner


register(
    Importable(
        object_type="leads",
        record_type="lead",
        labels=labels("Leads", "线索"),
        permissions=("leads:import",),
        read_permission="leads:read",
        model=Lead,
        importer_owns=False,
        fields=(
            field(
                "person_name",
                "Name",
                "姓名",
                clean.text(200),
                aliases=("联系人", "contact", "contact name", "full name", "name"),
                example="李雷",
            ),
            field(
                "company_name",
                "Company",
                "公司名称",
                clean.text(200),
                aliases=("公司", "企业名称", "company name", "organization"),
                example="上海星辰科技有限公司",
            ),
            field("title", "Title", "职务", clean.text(100), aliases=("职位", "job title")),
            phone_field(example="138 0013 8000"),
            email_field(example="li.lei@example.com"),
            field(
                "source",
                "Source",
                "来源",
                clean.text(50),
                aliases=("渠道", "线索来源", "channel", "lead source"),
                example="展会",
            ),
            field("campaign", "Campaign", "活动", clean.text(200), aliases=("市场活动",)),
            field("province", "Province", "省份", clean.text(100), aliases=("省", "state")),
            field("city", "City", "城市", clean.text(100), aliases=("市",)),
            field(
                "product_line",
                "Product line",
                "产品线",
                clean.text(100),
                aliases=("意向产品", "product", "product interest"),
            ),
            field(
                "grade",
                "Grade",
                "等级",
                clean.choice(_GRADES),
                "select",
                aliases=("线索等级", "意向等级", "rating"),
                example="A",
                options=("A", "B", "C"),
            ),
            field("score", "Score", "评分", _score(), "number", aliases=("分数",), example="80"),
            field(
                "status",
                "Status",
                "状态",
                clean.choice(_STATUSES, default="new"),
                "select",
                aliases=("线索状态",),
                example="new",
                options=("new", "contacted", "qualified", "unqualified"),
            ),
            # Rows without an owner go to the pool and through the assignment rules.
            owner_field(example=""),
            notes_field(),
        ),
        match_keys=(MatchKey("phone", "phone_e164"), MatchKey("email", "email")),
        updatable={
            "person_name": "person_name",
            "company_name": "company_name",
            "title": "title",
            "phone": "phone",
            "phone_e164": "phone",
            "email": "email",
            "source": "source",
            "campaign": "campaign",
            "province": "province",
            "city": "city",
            "product_line": "product_line",
            "grade": "grade",
            "score": "score",
            "notes": "notes",
        },
    )
)
add_field_provider("leads", import_fields("lead"))
