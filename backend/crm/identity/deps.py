"""Permission aliases of the identity routes."""

from typing import Annotated

from fastapi import Depends

from crm.core.permissions import Principal, authorize

UsersRead = Annotated[Principal, Depends(authorize("users:read"))]
UsersAdmin = Annotated[Principal, Depends(authorize("admin:users"))]
DepartmentsRead = Annotated[Principal, Depends(authorize("departments:read"))]
DepartmentsAdmin = Annotated[Principal, Depends(authorize("admin:departments"))]
RolesAdmin = Annotated[Principal, Depends(authorize("admin:roles"))]
ApiKeysAdmin = Annotated[Principal, Depends(authorize("admin:api_keys"))]
AuditRead = Annotated[Principal, Depends(authorize("audit:read"))]
