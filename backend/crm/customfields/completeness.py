"""Completeness: how many of an object's important fields are filled, weighted, 0..100.

Scored on read in pure Python from the loaded row and the (cached) rules, so a list page costs
no extra query per row.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from crm.customfields.config import ObjectConfig, Rule
from crm.customfields.registry import ObjectType

CUSTOM_PREFIX = "cf."


class Completeness(BaseModel):
    score: int = Field(ge=0, le=100, description="Weighted share of the important fields filled")
    missing: list[str] = Field(
        description="The important fields left empty: standard field names, `cf.<key>` for "
        "custom fields"
    )


def effective_rules(object_type: ObjectType, config: ObjectConfig) -> list[Rule]:
    """The configured rules (else the object type's defaults), without custom fields that are
    no longer active: a deactivated field cannot count against a record."""
    rules = (
        config.rules
        if config.rules is not None
        else tuple(Rule(f, w) for f, w in object_type.default_rules)
    )
    kept = []
    for rule in rules:
        if rule.field.startswith(CUSTOM_PREFIX):
            defn = config.field(rule.field.removeprefix(CUSTOM_PREFIX))
            if defn is None or not defn.writable:
                continue
        kept.append(rule)
    return kept


def _filled(value: Any) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    return value is not None and value != [] and value != {}


def score(row: Any, rules: list[Rule]) -> Completeness:
    custom = getattr(row, "custom", None) or {}
    total = sum(r.weight for r in rules)
    if total <= 0:
        return Completeness(score=100, missing=[])
    missing: list[str] = []
    got = 0
    for rule in rules:
        if rule.field.startswith(CUSTOM_PREFIX):
            value = custom.get(rule.field.removeprefix(CUSTOM_PREFIX))
        else:
            value = getattr(row, rule.field, None)
        if _filled(value):
            got += rule.weight
        else:
            missing.append(rule.field)
    return Completeness(score=round(100 * got / total), missing=missing)
