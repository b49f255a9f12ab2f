"""The object types that carry custom fields (and, optionally, tags and completeness rules).

A domain registers each of its objects once, at import time::

    registry.register(ObjectType("lead", Lead, read_permission="leads:read", ...))

The model must have a JSONB ``custom`` column (``{key: value}``); a ``tags`` array of tag names
when ``tags=True``. This module knows no domain: the domains above it plug themselves in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from crm.core.errors import ProblemError


@dataclass(frozen=True)
class ObjectType:
    name: str  # "customer": the object_type of definitions, tags and rules
    model: Any  # the ORM class (with a JSONB ``custom`` column)
    read_permission: str  # who may read the object may read its field definitions
    # Built-in fields the completeness rules may name (attribute names of the model).
    standard_fields: tuple[str, ...] = ()
    # Completeness rules used until an administrator configures some: (field, weight).
    default_rules: tuple[tuple[str, int], ...] = ()
    tags: bool = False  # has a ``tags`` array of tag names managed through /api/v1/tags
    tag_write_permission: str | None = None  # bulk tagging; None when it has no tags
    extra: dict[str, Any] = field(default_factory=dict)


_registry: dict[str, ObjectType] = {}


def register(object_type: ObjectType) -> None:
    _registry[object_type.name] = object_type


def names() -> list[str]:
    return sorted(_registry)


def get(name: str, *, param: str = "object_type", location: str = "query") -> ObjectType:
    """The registered object type ``name``; 422 naming ``param`` when there is none."""
    found = _registry.get(name)
    if found is None:
        msg = f"Unknown object type '{name}'. Known: {', '.join(names()) or 'none'}."
        raise ProblemError(
            msg,
            status=422,
            errors=[{"loc": [location, param], "msg": msg, "type": "value_error"}],
        )
    return found


def tagged(name: str, *, param: str = "object_type", location: str = "query") -> ObjectType:
    found = get(name, param=param, location=location)
    if not found.tags:
        msg = f"Objects of type '{name}' have no tags."
        raise ProblemError(
            msg,
            status=422,
            errors=[{"loc": [location, param], "msg": msg, "type": "value_error"}],
        )
    return found
