"""Permission aliases of the custom field, tag and completeness routes."""

from typing import Annotated

from fastapi import Depends

from crm.core.permissions import CurrentPrincipal, Principal, authorize

# Definitions and rules shape every record of a type: administrators only.
AdminSettings = Annotated[Principal, Depends(authorize("admin:settings"))]
TagsWrite = Annotated[Principal, Depends(authorize("tags:write"))]
# Reading needs the read permission of the object type, checked in the service.
SignedIn = CurrentPrincipal
