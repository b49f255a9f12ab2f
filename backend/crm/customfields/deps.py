"""Permission aliases of the custom field, tag and completeness routes."""

from typing import Annotated

from fastapi import Depends

from crm.core.permissions import CurrentPrincipal, Principal, authorize

# Definitions and rules shape every record of a type: administrators only.
AdminSettings = Annotated[Principal, Depends(authorize("admin:settings"))]
# Every user reads the tag catalogue (a personal permission); an API key only when granted.
TagsRead = Annotated[Principal, Depends(authorize("tags:read"))]
TagsWrite = Annotated[Principal, Depends(authorize("tags:write"))]
# Reading needs the read permission of the object type, checked in the service.
SignedIn = CurrentPrincipal
