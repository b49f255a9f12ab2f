"""Identity queries: principals, the manager tree and the department tree."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from crm.core.field_access import Access, FieldRule, merge_rules
from crm.core.permissions import DataScope, Principal, widest
from crm.identity.catalog import PERSONAL_PERMISSIONS
from crm.identity.models import Department, RefreshToken, Role, RoleFieldRule, User, user_roles


async def roles_of(
    session: AsyncSession, user_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[Role]]:
    rows = (
        await session.execute(
            select(user_roles.c.user_id, Role)
            .join(Role, Role.id == user_roles.c.role_id)
            .where(user_roles.c.user_id.in_(user_ids))
            .order_by(Role.key)
        )
    ).all()
    result: dict[uuid.UUID, list[Role]] = {uid: [] for uid in user_ids}
    for user_id, role in rows:
        result[user_id].append(role)
    return result


async def subordinate_ids(session: AsyncSession, user_id: uuid.UUID) -> frozenset[uuid.UUID]:
    """Every user below ``user_id`` in the manager tree (not including the user)."""
    tree = select(User.id).where(User.manager_id == user_id).cte("subordinates", recursive=True)
    tree = tree.union(select(User.id).join(tree, User.manager_id == tree.c.id))
    return frozenset((await session.execute(select(tree.c.id))).scalars())


async def department_tree_ids(
    session: AsyncSession, department_id: uuid.UUID
) -> frozenset[uuid.UUID]:
    """``department_id`` and every department below it."""
    tree = (
        select(Department.id).where(Department.id == department_id).cte("dept_tree", recursive=True)
    )
    tree = tree.union(select(Department.id).join(tree, Department.parent_id == tree.c.id))
    return frozenset((await session.execute(select(tree.c.id))).scalars())


async def principal_for_user(session: AsyncSession, user_id: uuid.UUID) -> Principal | None:
    """The rights of an active user: union of role permissions (and the personal ones every
    user holds), widest scope per resource."""
    user = (
        await session.execute(
            select(User).where(User.id == user_id, User.is_active, User.deleted_at.is_(None))
        )
    ).scalar_one_or_none()
    if user is None:
        return None
    roles = (await roles_of(session, [user.id]))[user.id]
    permissions = PERSONAL_PERMISSIONS | {p for role in roles for p in role.permissions}
    by_resource: dict[str, list[DataScope]] = {}
    for role in roles:
        for resource, scope in role.data_scopes.items():
            by_resource.setdefault(resource, []).append(DataScope(scope))
    scopes = {res: s for res, options in by_resource.items() if (s := widest(options)) is not None}
    needs = set(scopes.values())
    subs = (
        await subordinate_ids(session, user.id) if DataScope.SUBORDINATES in needs else frozenset()
    )
    tree = (
        await department_tree_ids(session, user.department_id)
        if DataScope.DEPARTMENT_TREE in needs and user.department_id
        else frozenset()
    )
    return Principal(
        user_id=user.id,
        department_id=user.department_id,
        permissions=permissions,
        scopes=scopes,
        subordinate_ids=subs,
        department_tree_ids=tree,
        role_keys=frozenset(r.key for r in roles),
        field_rules=await field_rules_of(session, roles),
    )


async def field_rules_of(
    session: AsyncSession, roles: Sequence[Role]
) -> dict[str, dict[str, FieldRule]]:
    """The field rules of a user holding ``roles``, merged per object type (see
    :func:`crm.core.field_access.merge_rules`); only object types some role restricts."""
    if not roles:
        return {}
    rows = (
        await session.execute(
            select(RoleFieldRule).where(RoleFieldRule.role_id.in_([r.id for r in roles]))
        )
    ).scalars()
    per_object: dict[str, dict[uuid.UUID, dict[str, FieldRule]]] = {}
    for row in rows:
        by_role = per_object.setdefault(row.object_type, {})
        by_role.setdefault(row.role_id, {})[row.field] = FieldRule(Access(row.access), row.masked)
    merged = {}
    for object_type, by_role in per_object.items():
        # A role with no rule on this object type leaves every field of it open.
        rules = merge_rules(by_role.get(role.id, {}) for role in roles)
        if rules:
            merged[object_type] = rules
    return merged


async def live_session_ids(session: AsyncSession, user_id: uuid.UUID) -> frozenset[uuid.UUID]:
    """The user's login sessions (refresh-token families) that may still be used.

    A live family has exactly one unspent, unrevoked, unexpired token: its newest one. Logout,
    reuse detection, a password change and deactivation revoke whole families.
    """
    stmt = select(RefreshToken.family_id).where(
        RefreshToken.user_id == user_id,
        RefreshToken.used_at.is_(None),
        RefreshToken.revoked_at.is_(None),
        RefreshToken.expires_at > func.now(),
    )
    return frozenset((await session.execute(stmt)).scalars())
