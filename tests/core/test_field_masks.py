"""Masks and the merging of field rules (crm.core.field_access), without the database."""

from __future__ import annotations

import pytest

from crm.core.errors import Unprocessable
from crm.core.field_access import (
    Access,
    FieldRule,
    FieldView,
    mask_email,
    mask_phone,
    mask_text,
    mask_value,
    merge_rules,
)


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("13812348000", "138****8000"),  # a Chinese mobile: PRODUCT.md's own example
        ("+8613812348000", "+86138****8000"),  # the same in E.164: the prefix stays readable
        ("+1 415 555 2671", "+1 415 ****2671"),  # formatted international number
        ("02087654321", "020****4321"),
        ("87654321", "****4321"),  # 8 characters: nothing before the stars
        ("1234567", "****567"),  # short numbers show less
        ("123456", "****56"),
        ("12345", "****"),
        ("12", "****"),
    ],
)
def test_phone_masks(value: str, masked: str) -> None:
    assert mask_phone(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("zhang@example.com", "z***@example.com"),
        ("z@example.com", "z***@example.com"),
        ("@example.com", "***@example.com"),
        ("no-at-sign", "n****n"),  # not an address: masked as text
    ],
)
def test_email_masks(value: str, masked: str) -> None:
    assert mask_email(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("110101199003074518", "1101****4518"),  # an 18-digit ID number
        ("6222020200112233445", "6222****3445"),  # a bank card
        ("AB12345", "A****5"),
        ("abcd", "****"),
        ("", "****"),
    ],
)
def test_text_masks(value: str, masked: str) -> None:
    assert mask_text(value) == masked


def test_mask_value_guesses_the_format_of_an_unknown_field() -> None:
    assert mask_value("13812348000") == "138****8000"
    assert mask_value("li@example.cn") == "l***@example.cn"
    assert mask_value("110101199003074518") == "110101199003074518"[:4] + "****4518"
    assert mask_value(None) is None
    assert mask_value("") == ""
    assert mask_value(1234567890123) == "12345****0123"  # a number is masked as text
    assert mask_value(["13812348000", "a@b.cn"]) == ["138****8000", "a***@b.cn"]


def test_the_most_open_role_wins_and_masking_needs_every_role() -> None:
    hide_phone = {"phone": FieldRule(Access.HIDDEN)}
    mask_phone_read_only = {"phone": FieldRule(Access.READ_ONLY, masked=True)}
    assert merge_rules([hide_phone]) == hide_phone
    assert merge_rules([hide_phone, mask_phone_read_only]) == mask_phone_read_only
    # A role without a rule leaves the field editable and unmasked.
    assert merge_rules([hide_phone, {}]) == {}
    both_mask = merge_rules(
        [{"email": FieldRule(masked=True)}, {"email": FieldRule(Access.READ_ONLY, masked=True)}]
    )
    assert both_mask == {"email": FieldRule(Access.EDITABLE, masked=True)}


def test_shape_drops_hidden_and_masks_custom_fields() -> None:
    view = FieldView(
        "customer",
        hidden=frozenset({"phone", "phone_e164", "cf.secret"}),
        masked={"email": "email", "cf.id_no": None},
        not_writable={"phone": Access.HIDDEN, "cf.secret": Access.HIDDEN},
    )
    item = {
        "id": "x",
        "phone": "13812348000",
        "phone_e164": "+8613812348000",
        "email": "zhang@example.com",
        "custom_fields": {"secret": "s3", "id_no": "110101199003074518", "plain": "p"},
    }
    assert view.shape(item) == {
        "id": "x",
        "email": "z***@example.com",
        "custom_fields": {"id_no": "1101****4518", "plain": "p"},
    }


def test_check_write_names_every_refused_field() -> None:
    view = FieldView("customer", not_writable={"phone": Access.HIDDEN, "cf.tier": Access.READ_ONLY})
    view.check_write({"name": "ok", "custom_fields": {"other": 1}})
    with pytest.raises(Unprocessable) as caught:
        view.check_write({"phone": "1", "name": "n", "custom_fields": {"tier": "A"}})
    errors = caught.value.errors
    assert [e["loc"] for e in errors] == [["body", "phone"], ["body", "custom_fields.tier"]]
    assert "hidden" in errors[0]["msg"] and "read-only" in errors[1]["msg"]
