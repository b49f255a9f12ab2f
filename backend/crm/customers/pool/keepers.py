"""What keeps a customer out of the pool: "has an open deal", "has a signed contract" ...

The pool's "no open deal or signed contract for N days" rule must not know the domains above
it (sales, contracts). Each registers here a named SQL predicate on the customers' id column;
a customer for which any predicate holds is kept by its owner. Registration happens when the
registering module is imported (crm.sales.pool, imported by the app and the worker).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, false, or_

# (the customers.id column) -> a boolean SQL expression, typically an EXISTS over the domain's
# table correlated on that column.
Keeper = Callable[[Any], ColumnElement[bool]]
_KEEPERS: dict[str, Keeper] = {}


def register_keeper(name: str, predicate: Keeper) -> None:
    """Register (or replace) the predicate called ``name``."""
    _KEEPERS[name] = predicate


def keeper_names() -> list[str]:
    return sorted(_KEEPERS)


def kept(customer_id: Any) -> ColumnElement[bool]:
    """True for customers some registered predicate keeps (false when none is registered)."""
    if not _KEEPERS:
        return false()
    return or_(*(predicate(customer_id) for predicate in _KEEPERS.values()))
