"""The customer pool: who sees it, claiming, assigning and releasing, policies and caps.

A pool customer is a live customer without an owner. It keeps the department of its last owner:
each department has its pool (see :func:`pool_visibility`).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Row, and_, delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from crm.core import audit
from crm.core.changes import record_change
from crm.core.concurrency import check_version
from crm.core.db import utcnow
from crm.core.errors import Conflict, NotFound, Unprocessable, field_error, invalid_field
from crm.core.pagination import PageParams, paginate, select_columns
from crm.core.permissions import Principal, get_or_404, scope_clause
from crm.customers import service as customer_service
from crm.customers.models import Customer
from crm.customers.pool.models import OwnershipCap, PoolPolicy
from crm.customers.pool.schemas import (
    MyOwnership,
    OwnershipCaps,
    OwnershipCapsRead,
    PoolCustomerRead,
    PoolPolicyCreate,
    PoolPolicyUpdate,
    RoleCap,
)
from crm.identity import repository as identity_repository
from crm.identity import service as identity_service
from crm.identity.models import Role, User, user_roles

# Keyset paging needs NOT NULL sort keys: a release or return also sets updated_at, so
# "-updated_at" (the default) lists the most recently pooled first.
POOL_SORTS = {"name": Customer.name, "updated_at": Customer.updated_at}
POOL_DEFAULT_SORT = "-updated_at"
POLICY_SORTS = {"created_at": PoolPolicy.created_at, "level": PoolPolicy.level}


# --- who sees the pool --------------------------------------------------------------------------


def in_pool() -> ColumnElement[bool]:
    return and_(Customer.owner_id.is_(None), Customer.deleted_at.is_(None))


async def _department_tree(session: AsyncSession, principal: Principal) -> frozenset[uuid.UUID]:
    if principal.department_tree_ids:
        return principal.department_tree_ids
    if principal.department_id is None:
        return frozenset()
    return await identity_repository.department_tree_ids(session, principal.department_id)


async def reach(session: AsyncSession, principal: Principal) -> ColumnElement[bool]:
    """The customers whose pool the principal works with, owned or not (the caller adds
    :func:`in_pool`): what their customer data scope shows them (``all`` sees every pool,
    ``department``/``department_tree`` the pools of those departments), and, for holders of
    ``customers:claim`` or ``customers:assign``, also the pools of their own department and
    the departments below it and the company-wide pool (customers without a department)."""
    seen = [scope_clause(Customer, principal)]
    if principal.can("customers:claim") or principal.can("customers:assign"):
        seen.append(Customer.department_id.is_(None))
        tree = await _department_tree(session, principal)
        if tree:
            seen.append(Customer.department_id.in_(list(tree)))
    return and_(Customer.deleted_at.is_(None), or_(*seen))


async def pool_visibility(session: AsyncSession, principal: Principal) -> ColumnElement[bool]:
    return and_(in_pool(), await reach(session, principal))


async def list_pool(
    session: AsyncSession,
    principal: Principal,
    *,
    params: PageParams,
    level: str | None = None,
    department_id: uuid.UUID | None = None,
    previous_owner_id: uuid.UUID | None = None,
) -> tuple[Sequence[Row[Any]], str | None, int | None]:
    stmt = select_columns(PoolCustomerRead, Customer).where(
        await pool_visibility(session, principal)
    )
    if params.q:
        stmt = stmt.where(customer_service.search_clause(params.q))
    filters = {
        Customer.level: level,
        Customer.department_id: department_id,
        Customer.previous_owner_id: previous_owner_id,
    }
    for column, value in filters.items():
        if value is not None:
            stmt = stmt.where(column == value)
    return await paginate(
        session,
        stmt,
        params=params,
        id_column=Customer.id,
        sortable=POOL_SORTS,
        default_sort=POOL_DEFAULT_SORT,
    )


# --- caps ---------------------------------------------------------------------------------------


async def _lock_owner(session: AsyncSession, user_id: uuid.UUID) -> None:
    """Serialise the claims and assignments to one user until the transaction ends, so two
    concurrent ones cannot both pass the cap check."""
    key = func.hashtextextended(f"customer-pool-owner:{user_id}", 0)
    await session.execute(select(func.pg_advisory_xact_lock(key)))


async def cap_of(session: AsyncSession, user_id: uuid.UUID) -> int | None:
    """The largest cap among the user's roles, else the default cap, else none."""
    by_role = await session.scalar(
        select(func.max(OwnershipCap.max_customers))
        .join(user_roles, user_roles.c.role_id == OwnershipCap.role_id)
        .where(user_roles.c.user_id == user_id)
    )
    if by_role is not None:
        return int(by_role)
    default = await session.scalar(
        select(OwnershipCap.max_customers).where(OwnershipCap.role_id.is_(None))
    )
    return None if default is None else int(default)


async def owned_count(session: AsyncSession, user_id: uuid.UUID) -> int:
    stmt = select(func.count()).where(Customer.owner_id == user_id, Customer.deleted_at.is_(None))
    return int(await session.scalar(stmt) or 0)


async def _check_cap(session: AsyncSession, user_id: uuid.UUID, *, field: str, whose: str) -> None:
    cap = await cap_of(session, user_id)
    if cap is None:
        return
    owned = await owned_count(session, user_id)
    if owned >= cap:
        verb = "own" if whose == "You" else "owns"
        msg = f"{whose} already {verb} {owned} customers; the cap is {cap}."
        raise Unprocessable(msg, errors=[field_error(field, msg)])


async def get_caps(session: AsyncSession, principal: Principal) -> OwnershipCapsRead:
    rows = (
        await session.execute(
            select(OwnershipCap.role_id, Role.key, OwnershipCap.max_customers)
            .outerjoin(Role, Role.id == OwnershipCap.role_id)
            .order_by(Role.key.nulls_first())
        )
    ).all()
    default = next((cap for role_id, _, cap in rows if role_id is None), None)
    return OwnershipCapsRead(
        default=default,
        roles=[RoleCap(role_key=key, max_customers=cap) for role_id, key, cap in rows if role_id],
        mine=MyOwnership(
            cap=await cap_of(session, principal.user_id),
            owned=await owned_count(session, principal.user_id),
        ),
    )


async def set_caps(
    session: AsyncSession, principal: Principal, *, data: OwnershipCaps
) -> OwnershipCapsRead:
    """Replace every cap with ``data`` (one row per role, one default)."""
    keys = [cap.role_key for cap in data.roles]
    roles = dict((await session.execute(select(Role.key, Role.id).where(Role.key.in_(keys)))).all())
    for index, cap in enumerate(data.roles):
        msg = None
        if cap.role_key not in roles:
            msg = f"No such role: {cap.role_key}."
        elif keys.index(cap.role_key) != index:
            msg = f"The role {cap.role_key} is named twice."
        if msg:
            loc = ["body", "roles", index, "role_key"]
            raise Unprocessable(msg, errors=[{"loc": loc, "msg": msg, "type": "value_error"}])
    before = await get_caps(session, principal)
    await session.execute(delete(OwnershipCap))
    if data.default is not None:
        session.add(OwnershipCap(role_id=None, max_customers=data.default))
    for cap in data.roles:
        session.add(OwnershipCap(role_id=roles[cap.role_key], max_customers=cap.max_customers))
    await session.flush()
    after = await get_caps(session, principal)
    record_change(
        session,
        action="update",
        object_type="customer_ownership_caps",
        object_id=None,
        before=before.model_dump(mode="json", exclude={"mine"}),
        after=after.model_dump(mode="json", exclude={"mine"}),
    )
    return after


# --- claim, assign, release ---------------------------------------------------------------------


async def _pool_customer_for_update(
    session: AsyncSession, principal: Principal, customer_id: uuid.UUID
) -> Customer:
    """The pool customer, row-locked; 404 unless the caller sees it (in a pool they reach, or
    in their data scope), 409 when it has an owner. An owned customer outside the caller's
    scope is a 404 like a random id: a 409 would tell that it exists. Visibility is checked
    before the lock, so a concurrent claim that waits for the lock and finds the winner's owner
    gets 409: the customer was in the caller's pool when the request came."""
    visible = or_(Customer.owner_id.is_(None), scope_clause(Customer, principal))
    found = await session.scalar(
        select(Customer.id).where(
            Customer.id == customer_id, await reach(session, principal), visible
        )
    )
    if found is None:
        raise NotFound("No such customer in the pool.")
    customer = await get_or_404(
        session,
        Customer,
        customer_id,
        not_found="No such customer in the pool.",
        for_update=True,
        populate_existing=True,
    )
    if customer.owner_id == principal.user_id:
        raise Conflict("You own this customer already.")
    if customer.owner_id is not None:
        raise Conflict("The customer is not in the pool: someone owns it.")
    return customer


def _give(customer: Customer, user: User) -> None:
    customer.owner_id = user.id
    customer.department_id = user.department_id
    customer.owner_assigned_at = utcnow()


async def _active_user(session: AsyncSession, user_id: uuid.UUID, field: str) -> User:
    try:
        user = await identity_service.get_user(session, user_id)
    except NotFound as exc:
        raise invalid_field(field, "No such user.") from exc
    if not user.is_active:
        raise invalid_field(field, "That user is deactivated.")
    return user


async def claim(session: AsyncSession, principal: Principal, *, customer_id: uuid.UUID) -> Customer:
    """The caller takes a pool customer, within their cap."""
    await _lock_owner(session, principal.user_id)
    customer = await _pool_customer_for_update(session, principal, customer_id)
    await _check_cap(session, principal.user_id, field="customer_id", whose="You")
    user = await _active_user(session, principal.user_id, "customer_id")
    before = audit.snapshot(customer)
    _give(customer, user)
    await session.flush()
    record_change(
        session,
        action="claim",
        object_type="customer",
        object_id=customer.id,
        before=before,
        after=audit.snapshot(customer),
        payload={
            "owner_id": str(user.id),
            "previous_owner_id": _str(customer.previous_owner_id),
            "department_id": _str(customer.department_id),
        },
    )
    return customer


async def assign(
    session: AsyncSession, principal: Principal, *, customer_id: uuid.UUID, user_id: uuid.UUID
) -> Customer:
    """Give a pool customer to a user within the caller's data scope (and the user's cap)."""
    user = await identity_service.assignable_user(
        session, principal, user_id, resource="customers", field="user_id"
    )
    await _lock_owner(session, user.id)
    customer = await _pool_customer_for_update(session, principal, customer_id)
    await _check_cap(session, user.id, field="user_id", whose="That user")
    before = audit.snapshot(customer)
    _give(customer, user)
    await session.flush()
    record_change(
        session,
        action="assign_from_pool",
        object_type="customer",
        object_id=customer.id,
        before=before,
        after=audit.snapshot(customer),
        payload={
            "owner_id": str(user.id),
            "previous_owner_id": _str(customer.previous_owner_id),
            "department_id": _str(customer.department_id),
        },
    )
    return customer


async def release(
    session: AsyncSession, principal: Principal, *, customer_id: uuid.UUID, reason: str | None
) -> Customer:
    """Put an owned customer (in the caller's data scope) back into its department's pool."""
    customer = await customer_service.get_customer(session, principal, customer_id, for_update=True)
    if customer.owner_id is None:
        raise Conflict("The customer is in the pool already.")
    before = audit.snapshot(customer)
    previous = customer.owner_id
    customer.previous_owner_id = previous
    customer.owner_id = None
    customer.owner_assigned_at = None
    customer.returned_to_pool_at = utcnow()
    await session.flush()
    record_change(
        session,
        action="release_to_pool",
        object_type="customer",
        object_id=customer.id,
        before=before,
        after=audit.snapshot(customer),
        payload={
            "previous_owner_id": str(previous),
            "department_id": _str(customer.department_id),
            "reason": reason,
        },
    )
    return customer


def _str(value: uuid.UUID | None) -> str | None:
    return None if value is None else str(value)


# --- policies -----------------------------------------------------------------------------------


async def list_policies(
    session: AsyncSession, *, params: PageParams
) -> tuple[Sequence[PoolPolicy], str | None, int | None]:
    return await paginate(
        session,
        select(PoolPolicy),
        params=params,
        id_column=PoolPolicy.id,
        sortable=POLICY_SORTS,
        default_sort="created_at",
    )


async def get_policy(
    session: AsyncSession, policy_id: uuid.UUID, *, for_update: bool = False
) -> PoolPolicy:
    return await get_or_404(
        session, PoolPolicy, policy_id, not_found="No such pool policy.", for_update=for_update
    )


async def create_policy(session: AsyncSession, *, data: PoolPolicyCreate) -> PoolPolicy:
    taken = await session.execute(
        select(PoolPolicy.id).where(PoolPolicy.level.is_not_distinct_from(data.level))
    )
    if taken.first() is not None:
        which = f"level {data.level}" if data.level else "the default (no level)"
        raise Conflict(f"A pool policy for {which} exists already.")
    policy = PoolPolicy(**data.model_dump())
    session.add(policy)
    await session.flush()
    record_change(
        session,
        action="create",
        object_type="customer_pool_policy",
        object_id=policy.id,
        after=audit.snapshot(policy),
    )
    return policy


async def update_policy(
    session: AsyncSession,
    *,
    policy_id: uuid.UUID,
    data: PoolPolicyUpdate,
    if_match: int | None,
) -> PoolPolicy:
    policy = await get_policy(session, policy_id, for_update=True)
    check_version(policy, if_match, data.version)
    before = audit.snapshot(policy)
    changes = data.model_dump(exclude_unset=True, exclude={"version"})
    for key in ("warn_days_before", "enabled"):
        if key in changes and changes[key] is None:
            raise invalid_field(key, "Required.")
    merged = {**before, **changes}
    try:
        PoolPolicyCreate.model_validate(
            {k: merged[k] for k in PoolPolicyCreate.model_fields if k in merged}
        )
    except ValueError as exc:
        raise invalid_field("days_without_follow_up", _first_error(exc)) from exc
    for key, value in changes.items():
        setattr(policy, key, value)
    await session.flush()
    record_change(
        session,
        action="update",
        object_type="customer_pool_policy",
        object_id=policy.id,
        before=before,
        after=audit.snapshot(policy),
    )
    return policy


def _first_error(exc: ValueError) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        found = errors()
        if found:
            return str(found[0]["msg"]).removeprefix("Value error, ")
    return str(exc)


async def delete_policy(session: AsyncSession, *, policy_id: uuid.UUID) -> None:
    policy = await get_policy(session, policy_id, for_update=True)
    before = audit.snapshot(policy)
    await session.delete(policy)
    await session.flush()
    record_change(
        session,
        action="delete",
        object_type="customer_pool_policy",
        object_id=policy_id,
        before=before,
    )
