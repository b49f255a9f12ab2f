"""Import fields many object types share (phone, e-mail, owner, notes), declared once with the
header names people use for them, so every importable object recognises the same headers."""

from __future__ import annotations

from crm.core.importable import ImportField, labels
from crm.imports import columns as clean

PHONE_ALIASES = (
    "手机",
    "手机号",
    "手机号码",
    "联系电话",
    "电话号码",
    "mobile",
    "telephone",
    "tel",
    "phone number",
)
EMAIL_ALIASES = ("电子邮件", "电子邮箱", "邮件", "mail", "email address")
OWNER_ALIASES = (
    "owner",
    "所有者",
    "销售",
    "客户经理",
    "sales rep",
    "account owner",
    "负责人邮箱",
)
NOTES_ALIASES = ("说明", "remarks", "comment", "comments")


def field(
    key: str, en: str, zh: str, cleaner: object, kind: str = "text", **extra: object
) -> ImportField:
    """An import field labelled in English and Chinese."""
    return ImportField(key, labels(en, zh), kind, cleaner, **extra)  # type: ignore[arg-type]


def phone_field(example: str) -> ImportField:
    return field(
        "phone", "Phone", "电话", clean.phone(), "phone", aliases=PHONE_ALIASES, example=example
    )


def email_field(example: str) -> ImportField:
    return field(
        "email", "E-mail", "邮箱", clean.email(), "email", aliases=EMAIL_ALIASES, example=example
    )


def owner_field(example: str = "sales@example.com") -> ImportField:
    """The owner by e-mail (or id), resolved within the importer's data scope."""
    return field(
        "owner_id",
        "Owner",
        "负责人",
        clean.text(320),
        "user",
        aliases=OWNER_ALIASES,
        example=example,
    )


def notes_field() -> ImportField:
    return field("notes", "Notes", "备注", clean.text(10_000), aliases=NOTES_ALIASES, example="")
