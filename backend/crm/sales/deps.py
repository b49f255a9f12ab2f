"""Permission aliases of the sales routes."""

from typing import Annotated

from fastapi import Depends

from crm.core.permissions import Principal, authorize

DealsRead = Annotated[Principal, Depends(authorize("deals:read"))]
DealsWrite = Annotated[Principal, Depends(authorize("deals:write"))]
DealsDelete = Annotated[Principal, Depends(authorize("deals:delete"))]
# Pipelines are configuration: everyone who works with deals reads them, administrators
# (admin:settings) change them.
PipelinesAdmin = Annotated[Principal, Depends(authorize("admin:settings"))]
