"""HTTP routes of identity: auth, users, departments, roles, permissions, API keys."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status
from fastapi.responses import JSONResponse
from fastapi.security import OAuth2PasswordRequestForm
from sqlalchemy import select

from crm.core.concurrency import IfMatchVersion, set_etag
from crm.core.deps import SessionDep
from crm.core.errors import problem_response
from crm.core.pagination import Page, PageParamsDep, page_response, paginate
from crm.core.permissions import CurrentPrincipal, DataScope
from crm.identity import auth, catalog, service
from crm.identity.deps import (
    ApiKeysAdmin,
    AuditRead,
    DepartmentsAdmin,
    DepartmentsRead,
    RolesAdmin,
    UsersAdmin,
    UsersRead,
)
from crm.identity.models import LoginEvent, Role, User
from crm.identity.schemas import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyRead,
    DepartmentCreate,
    DepartmentRead,
    DepartmentUpdate,
    LoginEventRead,
    Me,
    PermissionCatalog,
    RefreshRequest,
    RoleCreate,
    RoleRead,
    RoleRef,
    RoleUpdate,
    TokenPair,
    UserCreate,
    UserRead,
    UserUpdate,
)

router = APIRouter(prefix="/api/v1")
_INVALID_LOGIN = "The e-mail or password is wrong, or the account is disabled."


def _user_read(user: User, roles: list[Role]) -> UserRead:
    read = UserRead.model_validate(user)
    read.roles = [RoleRef.model_validate(r) for r in roles]
    return read


# --- auth -------------------------------------------------------------------------------------


@router.post(
    "/auth/login",
    response_model=TokenPair,
    tags=["auth"],
    operation_id="auth-login",
    responses={401: {"description": "Invalid credentials"}, 429: {"description": "Throttled"}},
)
async def login(
    request: Request, session: SessionDep, form: Annotated[OAuth2PasswordRequestForm, Depends()]
) -> TokenPair | JSONResponse:
    ip = auth.client_address(request)
    tokens = await auth.login(session, email=form.username, password=form.password, ip=ip)
    if tokens is None:
        # Returned, not raised: the login history row must still commit.
        return problem_response(401, _INVALID_LOGIN, headers={"WWW-Authenticate": "Bearer"})
    return tokens


@router.post(
    "/auth/refresh",
    response_model=TokenPair,
    tags=["auth"],
    operation_id="auth-refresh",
    responses={401: {"description": "Invalid, expired or reused refresh token"}},
)
async def refresh(session: SessionDep, body: RefreshRequest) -> TokenPair | JSONResponse:
    tokens = await auth.refresh(session, refresh_token=body.refresh_token)
    if tokens is None:
        # Returned, not raised: a detected reuse must still commit the family's revocation.
        return problem_response(401, "The refresh token is invalid, expired or already used.")
    return tokens


@router.post(
    "/auth/logout",
    status_code=status.HTTP_204_NO_CONTENT,
    tags=["auth"],
    operation_id="auth-logout",
)
async def logout(session: SessionDep, body: RefreshRequest) -> Response:
    await auth.logout(session, refresh_token=body.refresh_token)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/auth/me", response_model=Me, tags=["auth"], operation_id="auth-me")
async def me(session: SessionDep, principal: CurrentPrincipal) -> Me:
    user = await service.get_user(session, principal.user_id)
    [(user, roles)] = await service.with_roles(session, [user])
    return Me(
        user=_user_read(user, roles),
        roles=[RoleRef.model_validate(r) for r in roles],
        permissions=sorted(principal.permissions),
        data_scopes=dict(principal.scopes),
    )


@router.get(
    "/login-events",
    response_model=Page[LoginEventRead],
    tags=["auth"],
    operation_id="auth-login-events",
)
async def login_events(
    session: SessionDep,
    _: AuditRead,
    params: PageParamsDep,
    user_id: uuid.UUID | None = None,
) -> Response:
    stmt = select(LoginEvent)
    if user_id is not None:
        stmt = stmt.where(LoginEvent.user_id == user_id)
    return page_response(
        await paginate(
            session,
            stmt,
            params=params,
            id_column=LoginEvent.id,
            sortable={"at": LoginEvent.at},
            default_sort="-at",
        ),
        LoginEventRead,
    )


# --- users ------------------------------------------------------------------------------------


@router.get("/users", response_model=Page[UserRead], tags=["users"], operation_id="users-list")
async def list_users(
    session: SessionDep,
    _: UsersRead,
    params: PageParamsDep,
    department_id: uuid.UUID | None = None,
    is_active: bool | None = None,
) -> Page[UserRead]:
    rows, cursor, total = await service.list_users(
        session, params=params, department_id=department_id, is_active=is_active
    )
    items = [_user_read(u, roles) for u, roles in await service.with_roles(session, rows)]
    return Page(items=items, next_cursor=cursor, total=total)


@router.post(
    "/users", response_model=UserRead, status_code=201, tags=["users"], operation_id="users-create"
)
async def create_user(session: SessionDep, _: UsersAdmin, body: UserCreate) -> UserRead:
    user = await service.create_user(session, data=body)
    [(user, roles)] = await service.with_roles(session, [user])
    return _user_read(user, roles)


@router.get("/users/{user_id}", response_model=UserRead, tags=["users"], operation_id="users-get")
async def get_user(
    session: SessionDep, _: UsersRead, user_id: uuid.UUID, response: Response
) -> UserRead:
    user = await service.get_user(session, user_id)
    [(user, roles)] = await service.with_roles(session, [user])
    set_etag(response, user)
    return _user_read(user, roles)


@router.patch(
    "/users/{user_id}", response_model=UserRead, tags=["users"], operation_id="users-update"
)
async def update_user(
    session: SessionDep,
    _: UsersAdmin,
    user_id: uuid.UUID,
    body: UserUpdate,
    if_match: IfMatchVersion,
    response: Response,
) -> UserRead:
    user = await service.update_user(session, user_id=user_id, data=body, if_match=if_match)
    [(user, roles)] = await service.with_roles(session, [user])
    set_etag(response, user)
    return _user_read(user, roles)


@router.delete("/users/{user_id}", status_code=204, tags=["users"], operation_id="users-delete")
async def delete_user(session: SessionDep, principal: UsersAdmin, user_id: uuid.UUID) -> Response:
    await service.delete_user(session, principal=principal, user_id=user_id)
    return Response(status_code=204)


# --- departments ------------------------------------------------------------------------------


@router.get(
    "/departments",
    response_model=Page[DepartmentRead],
    tags=["departments"],
    operation_id="departments-list",
)
async def list_departments(
    session: SessionDep,
    _: DepartmentsRead,
    params: PageParamsDep,
    parent_id: uuid.UUID | None = None,
) -> Response:
    return page_response(
        await service.list_departments(session, params=params, parent_id=parent_id), DepartmentRead
    )


@router.post(
    "/departments",
    response_model=DepartmentRead,
    status_code=201,
    tags=["departments"],
    operation_id="departments-create",
)
async def create_department(
    session: SessionDep, _: DepartmentsAdmin, body: DepartmentCreate
) -> DepartmentRead:
    return DepartmentRead.model_validate(await service.create_department(session, data=body))


@router.get(
    "/departments/{department_id}",
    response_model=DepartmentRead,
    tags=["departments"],
    operation_id="departments-get",
)
async def get_department(
    session: SessionDep, _: DepartmentsRead, department_id: uuid.UUID, response: Response
) -> DepartmentRead:
    dept = await service.get_department(session, department_id)
    set_etag(response, dept)
    return DepartmentRead.model_validate(dept)


@router.patch(
    "/departments/{department_id}",
    response_model=DepartmentRead,
    tags=["departments"],
    operation_id="departments-update",
)
async def update_department(
    session: SessionDep,
    _: DepartmentsAdmin,
    department_id: uuid.UUID,
    body: DepartmentUpdate,
    if_match: IfMatchVersion,
    response: Response,
) -> DepartmentRead:
    dept = await service.update_department(
        session, department_id=department_id, data=body, if_match=if_match
    )
    set_etag(response, dept)
    return DepartmentRead.model_validate(dept)


@router.delete(
    "/departments/{department_id}",
    status_code=204,
    tags=["departments"],
    operation_id="departments-delete",
)
async def delete_department(
    session: SessionDep, _: DepartmentsAdmin, department_id: uuid.UUID
) -> Response:
    await service.delete_department(session, department_id=department_id)
    return Response(status_code=204)


# --- roles and permissions ----------------------------------------------------------------------


@router.get(
    "/permissions",
    response_model=PermissionCatalog,
    tags=["roles"],
    operation_id="roles-permission-catalog",
)
async def permission_catalog(_: CurrentPrincipal) -> PermissionCatalog:
    return PermissionCatalog(
        permissions=catalog.all_permissions(),
        scoped_resources=catalog.scoped_resources(),
        data_scopes=list(DataScope),
    )


@router.get("/roles", response_model=Page[RoleRead], tags=["roles"], operation_id="roles-list")
async def list_roles(session: SessionDep, _: UsersRead, params: PageParamsDep) -> Response:
    return page_response(await service.list_roles(session, params=params), RoleRead)


@router.post(
    "/roles", response_model=RoleRead, status_code=201, tags=["roles"], operation_id="roles-create"
)
async def create_role(session: SessionDep, _: RolesAdmin, body: RoleCreate) -> RoleRead:
    return RoleRead.model_validate(await service.create_role(session, data=body))


@router.get("/roles/{role_id}", response_model=RoleRead, tags=["roles"], operation_id="roles-get")
async def get_role(session: SessionDep, _: UsersRead, role_id: uuid.UUID) -> RoleRead:
    return RoleRead.model_validate(await service.get_role(session, role_id))


@router.patch(
    "/roles/{role_id}", response_model=RoleRead, tags=["roles"], operation_id="roles-update"
)
async def update_role(
    session: SessionDep,
    _: RolesAdmin,
    role_id: uuid.UUID,
    body: RoleUpdate,
    if_match: IfMatchVersion,
) -> RoleRead:
    role = await service.update_role(session, role_id=role_id, data=body, if_match=if_match)
    return RoleRead.model_validate(role)


@router.delete("/roles/{role_id}", status_code=204, tags=["roles"], operation_id="roles-delete")
async def delete_role(session: SessionDep, _: RolesAdmin, role_id: uuid.UUID) -> Response:
    await service.delete_role(session, role_id=role_id)
    return Response(status_code=204)


# --- API keys ---------------------------------------------------------------------------------


@router.get(
    "/api-keys", response_model=Page[ApiKeyRead], tags=["api-keys"], operation_id="api-keys-list"
)
async def list_api_keys(session: SessionDep, _: ApiKeysAdmin, params: PageParamsDep) -> Response:
    return page_response(await service.list_api_keys(session, params=params), ApiKeyRead)


@router.post(
    "/api-keys",
    response_model=ApiKeyCreated,
    status_code=201,
    tags=["api-keys"],
    operation_id="api-keys-create",
)
async def create_api_key(
    session: SessionDep, principal: ApiKeysAdmin, body: ApiKeyCreate
) -> ApiKeyCreated:
    key, secret = await service.create_api_key(session, principal=principal, data=body)
    return ApiKeyCreated(**ApiKeyRead.model_validate(key).model_dump(), key=secret)


@router.delete(
    "/api-keys/{key_id}", status_code=204, tags=["api-keys"], operation_id="api-keys-revoke"
)
async def revoke_api_key(session: SessionDep, _: ApiKeysAdmin, key_id: uuid.UUID) -> Response:
    await service.revoke_api_key(session, key_id=key_id)
    return Response(status_code=204)
