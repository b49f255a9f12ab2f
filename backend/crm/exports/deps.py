"""Permission aliases of the export routes."""

from typing import Annotated

from fastapi import Depends

from crm.core.permissions import Principal, authorize

# Every user holds it for their own files (a personal permission); an API key only when it is
# granted.
ExportsRead = Annotated[Principal, Depends(authorize("exports:read"))]
