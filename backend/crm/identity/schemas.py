"""Request and response models of the identity API."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, EmailStr, Field, IPvAnyAddress, StringConstraints

from crm.core.dates import StrictDatetime
from crm.core.permissions import DataScope

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Password = Annotated[str, Field(min_length=8, max_length=256)]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, max_length=50)]


class WriteModel(BaseModel):
    """Writes reject unknown fields, so a typo never silently does nothing."""

    model_config = ConfigDict(extra="forbid")


class ReadModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# --- auth -------------------------------------------------------------------------------------


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str = "bearer"
    expires_in: int


class RefreshRequest(WriteModel):
    refresh_token: Annotated[str, Field(min_length=1, max_length=500)]


class RoleRef(ReadModel):
    id: uuid.UUID
    key: str
    name: str


class UserRead(ReadModel):
    id: uuid.UUID
    email: str
    full_name: str
    phone: str | None
    department_id: uuid.UUID | None
    manager_id: uuid.UUID | None
    is_active: bool
    roles: list[RoleRef] = []
    last_login_at: datetime | None = None
    version: int
    created_at: datetime
    updated_at: datetime


class Me(BaseModel):
    user: UserRead
    roles: list[RoleRef]
    permissions: list[str]
    data_scopes: dict[str, DataScope]


# --- users ------------------------------------------------------------------------------------


class UserCreate(WriteModel):
    email: EmailStr
    password: Password
    full_name: Name
    phone: Phone | None = None
    department_id: uuid.UUID | None = None
    manager_id: uuid.UUID | None = None
    role_keys: list[str] = Field(default_factory=list, max_length=20)
    is_active: bool = True


class UserUpdate(WriteModel):
    email: EmailStr | None = None
    password: Password | None = None
    full_name: Name | None = None
    phone: Phone | None = None
    department_id: uuid.UUID | None = None
    manager_id: uuid.UUID | None = None
    role_keys: list[str] | None = Field(default=None, max_length=20)
    is_active: bool | None = None
    version: int | None = None


# --- departments ------------------------------------------------------------------------------


class DepartmentCreate(WriteModel):
    name: Name
    parent_id: uuid.UUID | None = None


class DepartmentUpdate(WriteModel):
    name: Name | None = None
    parent_id: uuid.UUID | None = None
    version: int | None = None


class DepartmentRead(ReadModel):
    id: uuid.UUID
    name: str
    parent_id: uuid.UUID | None
    version: int
    created_at: datetime
    updated_at: datetime


# --- roles ------------------------------------------------------------------------------------

RoleKey = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{1,63}$")]


class RoleCreate(WriteModel):
    key: RoleKey
    name: Name
    description: Annotated[str, Field(max_length=2000)] = ""
    permissions: list[str] = Field(default_factory=list, max_length=500)
    data_scopes: dict[str, DataScope] = Field(default_factory=dict)


class RoleUpdate(WriteModel):
    name: Name | None = None
    description: Annotated[str, Field(max_length=2000)] | None = None
    permissions: list[str] | None = Field(default=None, max_length=500)
    data_scopes: dict[str, DataScope] | None = None
    version: int | None = None


class RoleRead(ReadModel):
    id: uuid.UUID
    key: str
    name: str
    description: str
    permissions: list[str]
    data_scopes: dict[str, DataScope]
    is_builtin: bool
    version: int
    created_at: datetime
    updated_at: datetime


class PermissionCatalog(BaseModel):
    permissions: list[str]
    scoped_resources: list[str]
    data_scopes: list[DataScope]


# --- API keys ---------------------------------------------------------------------------------


class ApiKeyCreate(WriteModel):
    name: Name
    user_id: uuid.UUID | None = None  # acts as this user; default: the caller
    permissions: list[str] = Field(min_length=1, max_length=500)
    expires_at: StrictDatetime | None = None


class ApiKeyRead(ReadModel):
    id: uuid.UUID
    name: str
    prefix: str
    user_id: uuid.UUID
    permissions: list[str]
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class ApiKeyCreated(ApiKeyRead):
    key: str = Field(description="The secret key. Shown once; only its hash is stored.")


class LoginEventRead(ReadModel):
    id: uuid.UUID
    at: datetime
    user_id: uuid.UUID | None
    email: str
    ip: IPvAnyAddress | None
    success: bool
    reason: str | None
