"""Identity operations: users, departments, roles and API keys. Never commits."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, any_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from crm.core import audit, security
from crm.core.changes import record_change
from crm.core.concurrency import check_version
from crm.core.db import utcnow
from crm.core.errors import Conflict, NotFound, field_error, invalid_field
from crm.core.pagination import PageParams, paginate, text_contains
from crm.core.permissions import DataScope, Principal, get_or_404, owner_scope_clause
from crm.identity import auth, catalog, repository
from crm.identity.models import ApiKey, Department, Role, User, user_roles
from crm.identity.schemas import (
    ApiKeyCreate,
    DepartmentCreate,
    DepartmentUpdate,
    RoleCreate,
    RoleUpdate,
    UserCreate,
    UserUpdate,
)

USER_SORTS = {"full_name": User.full_name, "email": User.email, "created_at": User.created_at}
DEPARTMENT_SORTS = {"name": Department.name, "created_at": Department.created_at}
ROLE_SORTS = {"key": Role.key, "name": Role.name, "created_at": Role.created_at}


# --- users ------------------------------------------------------------------------------------


async def get_user(session: AsyncSession, user_id: uuid.UUID) -> User:
    return await get_or_404(session, User, user_id, not_found="No such user.")


def assignable(principal: Principal, resource: str) -> ColumnElement[bool]:
    """THE rule for giving a record to a user (an owner, a task's assignee, an assignment from
    a pool, an import's owner column), as a condition on ``User`` rows: an existing, active
    user whose records the caller's data scope on ``resource`` covers. Handing a record to
    anyone else would be a write into data the caller cannot see (and, to a deactivated user,
    into nobody's hands)."""
    # The record would carry the user's id and department: the scope rule of the records
    # themselves, applied to the user's row.
    return and_(
        User.deleted_at.is_(None),
        User.is_active.is_(True),
        owner_scope_clause(principal, resource, User.id, User.department_id),
    )


async def assignable_user(
    session: AsyncSession, principal: Principal, user_id: uuid.UUID, *, resource: str, field: str
) -> User:
    """The user :func:`assignable` lets the caller give a ``resource`` record to; otherwise a
    422 naming the body ``field`` and why."""
    user = await session.get(User, user_id)
    if user is None or user.deleted_at is not None:
        raise invalid_field(field, "No such user.")
    if not user.is_active:
        raise invalid_field(field, "That user is deactivated.")
    stmt = select(User.id).where(User.id == user.id, assignable(principal, resource))
    if await session.scalar(stmt) is None:
        raise invalid_field(field, "That user is outside your data scope.")
    return user


async def assignable_user_ids(
    session: AsyncSession, principal: Principal, user_ids: Sequence[uuid.UUID], *, resource: str
) -> set[uuid.UUID]:
    """Which of ``user_ids`` :func:`assignable` lets the caller give ``resource`` records to,
    in one query (an import checks every owner of a file at once)."""
    if not user_ids:
        return set()
    stmt = select(User.id).where(User.id.in_(user_ids), assignable(principal, resource))
    return set((await session.execute(stmt)).scalars())


async def _roles_by_keys(session: AsyncSession, keys: Sequence[str]) -> list[Role]:
    wanted = set(keys)
    roles = list((await session.execute(select(Role).where(Role.key.in_(wanted)))).scalars())
    unknown = wanted - {r.key for r in roles}
    if unknown:
        raise invalid_field("role_keys", f"Unknown role(s): {', '.join(sorted(unknown))}.")
    return roles


async def _check_email_free(session: AsyncSession, email: str, except_id: uuid.UUID | None) -> None:
    stmt = select(User.id).where(func.lower(User.email) == email.lower())
    if except_id is not None:
        stmt = stmt.where(User.id != except_id)
    if (await session.execute(stmt)).first() is not None:
        raise Conflict(
            "A user with this e-mail already exists.",
            errors=[field_error("email", "A user with this e-mail already exists.")],
        )


async def _check_department(session: AsyncSession, department_id: uuid.UUID | None) -> None:
    if department_id is None:
        return
    dept = await session.get(Department, department_id)
    if dept is None or dept.deleted_at is not None:
        raise invalid_field("department_id", "No such department.")


async def _check_manager(
    session: AsyncSession, manager_id: uuid.UUID | None, user_id: uuid.UUID | None
) -> None:
    if manager_id is None:
        return
    manager = await session.get(User, manager_id)
    if manager is None or manager.deleted_at is not None:
        raise invalid_field("manager_id", "No such user to be the manager.")
    if user_id is not None and (
        manager_id == user_id or manager_id in await repository.subordinate_ids(session, user_id)
    ):
        raise invalid_field("manager_id", "A user cannot report to themselves or to a subordinate.")


async def _set_roles(session: AsyncSession, user: User, keys: Sequence[str]) -> None:
    roles = await _roles_by_keys(session, keys)
    await session.execute(user_roles.delete().where(user_roles.c.user_id == user.id))
    if roles:
        await session.execute(
            user_roles.insert(), [{"user_id": user.id, "role_id": r.id} for r in roles]
        )


# Whoever holds it can give anyone, themselves included, any role: the one right that must always
# keep an active holder, or nobody could ever administer the CRM again.
ADMIN_PERMISSION = "admin:users"


async def _lock_administrators(session: AsyncSession) -> None:
    """Serialise the changes that may remove an administrator until the transaction ends, so two
    concurrent ones cannot each count the other's administrator as still there."""
    lock_key = func.hashtext("crm.identity.administrators")
    await session.execute(select(func.pg_advisory_xact_lock(lock_key)))


async def _ensure_an_administrator_remains(session: AsyncSession) -> None:
    """After a change (under :func:`_lock_administrators`): refuse it if it left no active user
    holding :data:`ADMIN_PERMISSION`."""
    await session.flush()
    administrator = (
        select(User.id)
        .join(user_roles, user_roles.c.user_id == User.id)
        .join(Role, Role.id == user_roles.c.role_id)
        .where(
            User.is_active,
            User.deleted_at.is_(None),
            any_(Role.permissions) == ADMIN_PERMISSION,
        )
        .limit(1)
    )
    if (await session.execute(administrator)).first() is None:
        raise Conflict(
            "This change would leave no active administrator; make someone else an "
            "administrator first.",
            extra={"code": "last_administrator"},
        )


def _user_snapshot(user: User, role_keys: Sequence[str]) -> dict[str, Any]:
    return {**audit.snapshot(user), "role_keys": sorted(role_keys)}


async def create_user(session: AsyncSession, *, data: UserCreate) -> User:
    email = str(data.email).lower()
    await _check_email_free(session, email, None)
    await _check_department(session, data.department_id)
    await _check_manager(session, data.manager_id, None)
    user = User(
        email=email,
        password_hash=security.hash_password(data.password),
        full_name=data.full_name,
        phone=data.phone,
        department_id=data.department_id,
        manager_id=data.manager_id,
        is_active=data.is_active,
    )
    session.add(user)
    await session.flush()
    await _set_roles(session, user, data.role_keys)
    record_change(
        session,
        action="create",
        object_type="user",
        object_id=user.id,
        after=_user_snapshot(user, data.role_keys),
    )
    return user


async def update_user(
    session: AsyncSession, *, user_id: uuid.UUID, data: UserUpdate, if_match: int | None
) -> User:
    user = await get_user(session, user_id)
    check_version(user, if_match, data.version)
    may_remove_an_administrator = data.is_active is False or data.role_keys is not None
    if may_remove_an_administrator:
        await _lock_administrators(session)
    old_keys = [r.key for r in (await repository.roles_of(session, [user.id]))[user.id]]
    before = _user_snapshot(user, old_keys)
    changes = data.model_dump(exclude_unset=True, exclude={"version", "password", "role_keys"})
    for required in ("email", "full_name", "is_active"):
        if required in changes and changes[required] is None:
            raise invalid_field(required, "This field cannot be null.")
    if "email" in changes:
        changes["email"] = str(changes["email"]).lower()
        await _check_email_free(session, changes["email"], user.id)
    if "department_id" in changes:
        await _check_department(session, changes["department_id"])
    if "manager_id" in changes:
        await _check_manager(session, changes["manager_id"], user.id)
    for key, value in changes.items():
        setattr(user, key, value)
    if data.password is not None:
        user.password_hash = security.hash_password(data.password)
        user.updated_at = utcnow()
    new_keys = old_keys
    if data.role_keys is not None:
        await _set_roles(session, user, data.role_keys)
        new_keys = list(data.role_keys)
        user.updated_at = utcnow()  # role changes bump the version too
    if data.password is not None or data.is_active is False:
        await auth.revoke_user_sessions(session, user.id)
    if may_remove_an_administrator:
        await _ensure_an_administrator_remains(session)
    await session.flush()
    record_change(
        session,
        action="update",
        object_type="user",
        object_id=user.id,
        before=before,
        after=_user_snapshot(user, new_keys),
    )
    return user


async def delete_user(session: AsyncSession, *, principal: Principal, user_id: uuid.UUID) -> None:
    if user_id == principal.user_id:
        raise Conflict("You cannot delete your own account.")
    await _lock_administrators(session)
    user = await get_user(session, user_id)
    before = audit.snapshot(user)
    user.is_active = False
    user.deleted_at = utcnow()
    await auth.revoke_user_sessions(session, user.id)
    await _ensure_an_administrator_remains(session)
    record_change(
        session,
        action="delete",
        object_type="user",
        object_id=user.id,
        before=before,
        after=audit.snapshot(user),
    )


async def list_users(
    session: AsyncSession,
    *,
    params: PageParams,
    department_id: uuid.UUID | None = None,
    is_active: bool | None = None,
) -> tuple[Sequence[User], str | None, int | None]:
    stmt = select(User).where(User.deleted_at.is_(None))
    if params.q:
        stmt = stmt.where(
            or_(text_contains(User.full_name, params.q), text_contains(User.email, params.q))
        )
    if department_id is not None:
        stmt = stmt.where(User.department_id == department_id)
    if is_active is not None:
        stmt = stmt.where(User.is_active == is_active)
    return await paginate(
        session,
        stmt,
        params=params,
        id_column=User.id,
        sortable=USER_SORTS,
        default_sort="full_name",
    )


# --- departments ------------------------------------------------------------------------------


async def get_department(session: AsyncSession, department_id: uuid.UUID) -> Department:
    return await get_or_404(session, Department, department_id, not_found="No such department.")


async def _check_parent(
    session: AsyncSession, parent_id: uuid.UUID | None, department_id: uuid.UUID | None
) -> None:
    if parent_id is None:
        return
    parent = await session.get(Department, parent_id)
    if parent is None or parent.deleted_at is not None:
        raise invalid_field("parent_id", "No such parent department.")
    if department_id is not None and parent_id in await repository.department_tree_ids(
        session, department_id
    ):
        raise invalid_field("parent_id", "A department cannot sit below itself.")


async def create_department(session: AsyncSession, *, data: DepartmentCreate) -> Department:
    await _check_parent(session, data.parent_id, None)
    dept = Department(name=data.name, parent_id=data.parent_id)
    session.add(dept)
    await session.flush()
    record_change(
        session,
        action="create",
        object_type="department",
        object_id=dept.id,
        after=audit.snapshot(dept),
    )
    return dept


async def update_department(
    session: AsyncSession, *, department_id: uuid.UUID, data: DepartmentUpdate, if_match: int | None
) -> Department:
    dept = await get_department(session, department_id)
    check_version(dept, if_match, data.version)
    before = audit.snapshot(dept)
    changes = data.model_dump(exclude_unset=True, exclude={"version"})
    if "parent_id" in changes:
        await _check_parent(session, changes["parent_id"], dept.id)
    if "name" in changes and changes["name"] is None:
        raise invalid_field("name", "A department needs a name.")
    for key, value in changes.items():
        setattr(dept, key, value)
    await session.flush()
    record_change(
        session,
        action="update",
        object_type="department",
        object_id=dept.id,
        before=before,
        after=audit.snapshot(dept),
    )
    return dept


async def delete_department(session: AsyncSession, *, department_id: uuid.UUID) -> None:
    dept = await get_department(session, department_id)
    has_children = (
        await session.execute(
            select(Department.id)
            .where(Department.parent_id == dept.id, Department.deleted_at.is_(None))
            .limit(1)
        )
    ).first()
    has_users = (
        await session.execute(
            select(User.id).where(User.department_id == dept.id, User.deleted_at.is_(None)).limit(1)
        )
    ).first()
    if has_children or has_users:
        raise Conflict("Move the department's users and sub-departments elsewhere first.")
    before = audit.snapshot(dept)
    dept.deleted_at = utcnow()
    await session.flush()
    record_change(
        session,
        action="delete",
        object_type="department",
        object_id=dept.id,
        before=before,
        after=audit.snapshot(dept),
    )


async def list_departments(
    session: AsyncSession, *, params: PageParams, parent_id: uuid.UUID | None = None
) -> tuple[Sequence[Department], str | None, int | None]:
    stmt = select(Department).where(Department.deleted_at.is_(None))
    if params.q:
        stmt = stmt.where(text_contains(Department.name, params.q))
    if parent_id is not None:
        stmt = stmt.where(Department.parent_id == parent_id)
    return await paginate(
        session,
        stmt,
        params=params,
        id_column=Department.id,
        sortable=DEPARTMENT_SORTS,
        default_sort="name",
    )


# --- roles ------------------------------------------------------------------------------------


def _validate_grants(permissions: Sequence[str], data_scopes: dict[str, DataScope]) -> None:
    known = set(catalog.all_permissions())
    unknown = sorted(set(permissions) - known)
    if unknown:
        raise invalid_field("permissions", f"Unknown permission(s): {', '.join(unknown)}.")
    scoped = set(catalog.scoped_resources())
    bad = sorted(set(data_scopes) - scoped)
    if bad:
        raise invalid_field("data_scopes", f"No data scope exists for: {', '.join(bad)}.")


async def get_role(session: AsyncSession, role_id: uuid.UUID) -> Role:
    return await get_or_404(session, Role, role_id, not_found="No such role.")


async def create_role(session: AsyncSession, *, data: RoleCreate) -> Role:
    _validate_grants(data.permissions, data.data_scopes)
    if (await session.execute(select(Role.id).where(Role.key == data.key))).first():
        raise Conflict("A role with this key exists.", errors=[field_error("key", "Already used.")])
    role = Role(
        key=data.key,
        name=data.name,
        description=data.description,
        permissions=sorted(set(data.permissions)),
        data_scopes={k: v.value for k, v in data.data_scopes.items()},
        is_builtin=False,
    )
    session.add(role)
    await session.flush()
    record_change(
        session, action="create", object_type="role", object_id=role.id, after=audit.snapshot(role)
    )
    return role


def _refuse_builtin(role: Role) -> None:
    if role.is_builtin:
        raise Conflict(
            "Built-in roles are fixed so upgrades can extend them; create a custom role instead."
        )


async def update_role(
    session: AsyncSession, *, role_id: uuid.UUID, data: RoleUpdate, if_match: int | None
) -> Role:
    role = await get_role(session, role_id)
    _refuse_builtin(role)
    check_version(role, if_match, data.version)
    if data.permissions is not None:
        await _lock_administrators(session)
    before = audit.snapshot(role)
    _validate_grants(data.permissions or [], data.data_scopes or {})
    if data.name is not None:
        role.name = data.name
    if data.description is not None:
        role.description = data.description
    if data.permissions is not None:
        role.permissions = sorted(set(data.permissions))
        await _ensure_an_administrator_remains(session)
    if data.data_scopes is not None:
        role.data_scopes = {k: v.value for k, v in data.data_scopes.items()}
    await session.flush()
    record_change(
        session,
        action="update",
        object_type="role",
        object_id=role.id,
        before=before,
        after=audit.snapshot(role),
    )
    return role


async def delete_role(session: AsyncSession, *, role_id: uuid.UUID) -> None:
    role = await get_role(session, role_id)
    _refuse_builtin(role)
    in_use = (
        await session.execute(
            select(user_roles.c.user_id).where(user_roles.c.role_id == role.id).limit(1)
        )
    ).first()
    if in_use:
        raise Conflict("The role is still assigned to users; take it from them first.")
    before = audit.snapshot(role)
    await session.delete(role)
    await session.flush()
    record_change(session, action="delete", object_type="role", object_id=role_id, before=before)


async def list_roles(
    session: AsyncSession, *, params: PageParams
) -> tuple[Sequence[Role], str | None, int | None]:
    stmt = select(Role)
    if params.q:
        stmt = stmt.where(
            or_(text_contains(Role.key, params.q), text_contains(Role.name, params.q))
        )
    return await paginate(
        session, stmt, params=params, id_column=Role.id, sortable=ROLE_SORTS, default_sort="key"
    )


async def ensure_builtin_roles(session: AsyncSession) -> None:
    """Create or re-sync the built-in roles from the catalogue (idempotent, run at start)."""
    existing = {r.key: r for r in (await session.execute(select(Role))).scalars()}
    for key, definition in catalog.BUILTIN_ROLES.items():
        permissions, scopes = catalog.builtin_role_definition(definition)
        role = existing.get(key)
        if role is None:
            session.add(
                Role(
                    key=key,
                    name=definition.name,
                    description=definition.description,
                    permissions=permissions,
                    data_scopes=scopes,
                    is_builtin=True,
                )
            )
        elif role.permissions != permissions or role.data_scopes != scopes or not role.is_builtin:
            role.permissions, role.data_scopes, role.is_builtin = permissions, scopes, True
    await session.flush()


async def ensure_admin(session: AsyncSession, *, email: str, password: str) -> tuple[User, bool]:
    """The first administrator; returns (user, created). Does nothing if the e-mail exists."""
    existing = (
        await session.execute(select(User).where(func.lower(User.email) == email.lower()))
    ).scalar_one_or_none()
    if existing is not None:
        return existing, False
    user = await create_user(
        session,
        data=UserCreate(
            email=email, password=password, full_name="Administrator", role_keys=["admin"]
        ),
    )
    return user, True


# --- API keys ---------------------------------------------------------------------------------


async def create_api_key(
    session: AsyncSession, *, principal: Principal, data: ApiKeyCreate
) -> tuple[ApiKey, str]:
    unknown = sorted(set(data.permissions) - set(catalog.all_permissions()))
    if unknown:
        raise invalid_field("permissions", f"Unknown permission(s): {', '.join(unknown)}.")
    user_id = data.user_id or principal.user_id
    try:
        await get_user(session, user_id)
    except NotFound as exc:  # a reference in the body: a field error, like department_id
        raise invalid_field("user_id", "No such user.") from exc
    if data.expires_at is not None and data.expires_at <= utcnow():
        raise invalid_field("expires_at", "The expiry must be in the future.")
    secret = security.new_opaque_token(auth.API_KEY_PREFIX)
    key = ApiKey(
        name=data.name,
        prefix=secret[: len(auth.API_KEY_PREFIX) + 6],
        key_hash=security.hash_token(secret),
        user_id=user_id,
        permissions=sorted(set(data.permissions)),
        created_by=principal.user_id,
        expires_at=data.expires_at,
    )
    session.add(key)
    await session.flush()
    record_change(
        session, action="create", object_type="api_key", object_id=key.id, after=audit.snapshot(key)
    )
    return key, secret


async def list_api_keys(
    session: AsyncSession, *, params: PageParams
) -> tuple[Sequence[ApiKey], str | None, int | None]:
    return await paginate(
        session,
        select(ApiKey),
        params=params,
        id_column=ApiKey.id,
        sortable={"created_at": ApiKey.created_at},
        default_sort="-created_at",
    )


async def revoke_api_key(session: AsyncSession, *, key_id: uuid.UUID) -> None:
    key = await get_or_404(session, ApiKey, key_id, not_found="No such API key.")
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        record_change(session, action="revoke", object_type="api_key", object_id=key.id)


async def with_roles(session: AsyncSession, users: Sequence[User]) -> list[tuple[User, list[Role]]]:
    """Pair users with their roles in one query (for responses)."""
    roles = await repository.roles_of(session, [u.id for u in users])
    return [(u, roles[u.id]) for u in users]
