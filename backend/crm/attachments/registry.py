"""Which records can carry attachments, and who may see and change them.

A domain registers its record type once (``register("deal", Deal, read="deals:read",
write="deals:write")``); an attachment is then visible exactly when its parent record is
visible to the caller through the data-scope function, and the caller holds the parent's read
permission (changing one needs the parent's write permission). Attachments know no domain
beyond this table, so a later domain (contracts) plugs in without a change here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Attachable:
    object_type: str
    model: Any  # scoped through readable(): declares __scope_resource__ or __scope_parent__
    read_permission: str
    write_permission: str


_registry: dict[str, Attachable] = {}


def register(object_type: str, model: Any, *, read: str, write: str) -> None:
    _registry[object_type] = Attachable(object_type, model, read, write)


def get(object_type: str) -> Attachable | None:
    return _registry.get(object_type)


def object_types() -> list[str]:
    return sorted(_registry)
