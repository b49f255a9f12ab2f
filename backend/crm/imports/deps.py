"""Permission aliases of the import routes."""

from typing import Annotated

from fastapi import Depends

from crm.core.permissions import Principal, authorize

# Every user holds it for their own imports (a personal permission); an API key only when it
# is granted: the column samples hold names, phones and e-mails.
ImportsRead = Annotated[Principal, Depends(authorize("imports:read"))]
