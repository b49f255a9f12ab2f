"""Principals, permission checks and THE data-scope function.

Every list, get, search, export, report and nested query narrows its statement with
:func:`readable` (or :func:`scope_clause` where it builds its own filter). A record outside the
caller's scope is treated as absent: the API answers 404, never 403, so nothing leaks.
"""

from __future__ import annotations

import enum
import re
import uuid
from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any, TypeVar, cast

from fastapi import Depends, Request
from sqlalchemy import ColumnElement, Select, and_, exists, false, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.interfaces import ORMOption

from crm.core import context
from crm.core.deps import SessionDep
from crm.core.errors import Forbidden, NotFound, Unauthorized

if TYPE_CHECKING:
    from crm.core.field_access import FieldRule


class DataScope(enum.StrEnum):
    OWN = "own"
    SUBORDINATES = "subordinates"
    DEPARTMENT = "department"
    DEPARTMENT_TREE = "department_tree"
    ALL = "all"


# Wider scopes come later; a user with several roles gets the widest one per resource.
SCOPE_ORDER = list(DataScope)


def widest(scopes: list[DataScope]) -> DataScope | None:
    return max(scopes, key=SCOPE_ORDER.index) if scopes else None


@dataclass(frozen=True)
class Principal:
    user_id: uuid.UUID
    department_id: uuid.UUID | None
    permissions: frozenset[str]
    scopes: Mapping[str, DataScope]
    subordinate_ids: frozenset[uuid.UUID] = field(default_factory=frozenset)
    department_tree_ids: frozenset[uuid.UUID] = field(default_factory=frozenset)
    api_key_id: uuid.UUID | None = None
    role_keys: frozenset[str] = field(default_factory=frozenset)
    # Field-level rules merged over the user's roles: object type -> field -> rule, only the
    # restricting ones (see crm.core.field_access).
    field_rules: Mapping[str, Mapping[str, FieldRule]] = field(default_factory=dict)

    def can(self, code: str) -> bool:
        return code in self.permissions

    def scope_for(self, resource: str) -> DataScope | None:
        return self.scopes.get(resource)


# Identity registers how a request's credentials become a Principal (core knows no domain).
PrincipalLoader = Callable[[AsyncSession, Request], Awaitable[Principal | None]]
_principal_loader: PrincipalLoader | None = None


def register_principal_loader(loader: PrincipalLoader) -> None:
    global _principal_loader
    _principal_loader = loader


async def current_principal(request: Request, session: SessionDep) -> Principal:
    assert _principal_loader is not None, "identity has not registered a principal loader"
    principal = await _principal_loader(session, request)
    if principal is None:
        raise Unauthorized(
            "Sign in first: send a valid bearer token or X-API-Key.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    context.set_actor(principal.user_id, "api_key" if principal.api_key_id else "user")
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def authorize(*codes: str) -> Callable[..., Awaitable[Principal]]:
    """Dependency factory: the caller must hold every permission in ``codes``."""

    async def dependency(principal: CurrentPrincipal) -> Principal:
        missing = [code for code in codes if not principal.can(code)]
        if missing:
            raise Forbidden(f"Your role does not allow this ({', '.join(missing)}).")
        return principal

    dependency.__name__ = "authorize_" + "_".join(c.replace(":", "_") for c in codes)
    return dependency


def owner_scope_clause(
    principal: Principal, resource: str, owner_col: Any, department_col: Any
) -> ColumnElement[bool]:
    """The SQL condition for records owned through ``owner_col`` / ``department_col``."""
    scope = principal.scope_for(resource)
    if scope is None:
        return false()
    if scope is DataScope.ALL:
        return true()
    mine = owner_col == principal.user_id
    if scope is DataScope.OWN:
        return mine
    if scope is DataScope.SUBORDINATES:
        if not principal.subordinate_ids:
            return mine
        return owner_col.in_([principal.user_id, *principal.subordinate_ids])
    if scope is DataScope.DEPARTMENT:
        if principal.department_id is None:
            return mine
        return or_(mine, department_col == principal.department_id)
    # department_tree
    if not principal.department_tree_ids:
        return mine
    return or_(mine, department_col.in_(list(principal.department_tree_ids)))


def creator_or_holder(
    principal: Principal, created_by: Any, permission: str
) -> ColumnElement[bool]:
    """The scope of records that belong to whoever started them (imports, exports, jobs): the
    ones ``principal`` created (``created_by`` is the creator column), or all of them for a
    holder of ``permission``."""
    return true() if principal.can(permission) else created_by == principal.user_id


# Principals come from a short-lived per-process cache (identity/principal_cache.py): the same
# object serves a user's requests for seconds, so what is built from it alone (its scope
# clauses, statements shaped by its scope) is built once: SQL expressions are immutable. The
# entry keeps the principal alive, so its id cannot be reused meanwhile.
_PER_PRINCIPAL: dict[tuple[int, Hashable], tuple[Principal, Any]] = {}
_MAX_PER_PRINCIPAL = 4096

B = TypeVar("B")


def built_for(principal: Principal, key: Hashable, build: Callable[[], B]) -> B:
    """``build()`` remembered for this principal object and ``key`` (which must name all else
    the result depends on)."""
    entry_key = (id(principal), key)
    hit = _PER_PRINCIPAL.get(entry_key)
    if hit is not None and hit[0] is principal:
        return cast(B, hit[1])
    built = build()
    if len(_PER_PRINCIPAL) >= _MAX_PER_PRINCIPAL:
        _PER_PRINCIPAL.clear()
    _PER_PRINCIPAL[entry_key] = (principal, built)
    return built


def scope_clause(model: Any, principal: Principal) -> ColumnElement[bool]:
    """:func:`build_scope_clause`, remembered per principal object and model."""
    return built_for(principal, model, lambda: build_scope_clause(model, principal))


def build_scope_clause(model: Any, principal: Principal) -> ColumnElement[bool]:
    """Visibility of ``model`` rows for ``principal``.

    A model declares ``__scope_resource__`` (its data-scope resource) and either owns rows
    itself (``owner_id`` / ``department_id``) or hangs off a parent through
    ``__scope_parent__ = (fk_attribute_name, ParentModel)``, in which case it is visible exactly
    when its parent is. Soft-deleted rows are never visible.
    """
    live = [model.deleted_at.is_(None)] if hasattr(model, "deleted_at") else []
    return and_(*live, _owned_in_scope(model, principal, parent_clause=scope_clause))


def ownership_clause(model: Any, principal: Principal) -> ColumnElement[bool]:
    """Whether ``principal``'s scope covers whoever owns ``model`` rows now (themselves or
    through their parent), soft-deleted or not: the rule of the recycle bin, where a deleted
    record is seen by whoever would see it were it alive, after any reassignment since."""
    return _owned_in_scope(model, principal, parent_clause=ownership_clause)


def _owned_in_scope(
    model: Any,
    principal: Principal,
    *,
    parent_clause: Callable[[Any, Principal], ColumnElement[bool]],
) -> ColumnElement[bool]:
    parent = getattr(model, "__scope_parent__", None)
    if parent is None:
        return owner_scope_clause(
            principal, model.__scope_resource__, model.owner_id, model.department_id
        )
    fk_name, parent_model = parent
    return exists(
        select(1).where(
            parent_model.id == getattr(model, fk_name), parent_clause(parent_model, principal)
        )
    )


T = TypeVar("T", bound=Any)


def readable(stmt: Select[T], model: Any, principal: Principal) -> Select[T]:
    """THE data-scope function: narrow ``stmt`` to the ``model`` rows ``principal`` may see."""
    return stmt.where(scope_clause(model, principal))


M = TypeVar("M", bound=Any)


async def get_visible(
    session: AsyncSession,
    model: type[M],
    record_id: Any,
    principal: Principal,
    *,
    not_found: str | None = None,
    for_update: bool = False,
    options: Sequence[ORMOption] = (),
    visible: ColumnElement[bool] | None = None,
    populate_existing: bool = False,
) -> M:
    """THE loader of one scoped record: the ``model`` row ``record_id`` if ``principal`` may
    see it, else :class:`NotFound` with ``not_found`` (default :func:`absent_message`), the
    same answer whether the row is absent, soft-deleted or outside the caller's scope.

    ``visible`` replaces :func:`scope_clause` for the few objects with a rule of their own
    (a lead also visible in the pool, a task also visible to its creator); it is still the
    caller's data-scope condition, built from this module's clauses. ``for_update`` locks the
    row (``FOR UPDATE OF`` the model's table only, so eager-loaded ``options`` joins lock
    nothing else and outer joins stay lockable); ``populate_existing`` refreshes an instance
    the session already holds from the locked row.
    """
    condition = scope_clause(model, principal) if visible is None else visible
    stmt = select(model).where(model.id == record_id, condition)
    return await _one_or_404(
        session, stmt, model, not_found, for_update, options, populate_existing
    )


async def get_or_404(
    session: AsyncSession,
    model: type[M],
    record_id: Any,
    *,
    not_found: str | None = None,
    for_update: bool = False,
    options: Sequence[ORMOption] = (),
    live_only: bool = True,
    populate_existing: bool = False,
    where: ColumnElement[bool] | None = None,
) -> M:
    """The loader of one record that has no owner scope (products, pipelines, templates,
    settings): the row ``record_id`` or :class:`NotFound` with ``not_found`` (default
    :func:`absent_message`). With
    ``live_only`` (the default) a soft-deleted row of a model that has ``deleted_at`` is
    absent too; ``where`` is what else the row must match (a stage of this pipeline)."""
    stmt = select(model).where(model.id == record_id)
    if where is not None:
        stmt = stmt.where(where)
    if live_only and hasattr(model, "deleted_at"):
        stmt = stmt.where(model.deleted_at.is_(None))
    return await _one_or_404(
        session, stmt, model, not_found, for_update, options, populate_existing
    )


async def _one_or_404(
    session: AsyncSession,
    stmt: Select[Any],
    model: Any,
    not_found: str | None,
    for_update: bool,
    options: Sequence[ORMOption],
    populate_existing: bool,
) -> Any:
    if populate_existing:
        # Re-read a row this session already holds: what the lock waited for may have changed.
        stmt = stmt.execution_options(populate_existing=True)
    if options:
        stmt = stmt.options(*options)
    if for_update:
        stmt = stmt.with_for_update(of=model)
    found = (await session.execute(stmt)).scalar_one_or_none()
    if found is None:
        raise NotFound(not_found or absent_message(model))
    return found


def absent_message(model: Any) -> str:
    """The 404 detail of a missing ``model`` row when the loader names none: "No such deal.",
    "No such price book." (the model's class name in words)."""
    words = re.sub(r"(?<!^)(?=[A-Z])", " ", model.__name__).lower()
    return f"No such {words}."
