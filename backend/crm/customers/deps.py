"""Permission aliases of the customer routes."""

from typing import Annotated

from fastapi import Depends

from crm.core.permissions import Principal, authorize

CustomersRead = Annotated[Principal, Depends(authorize("customers:read"))]
CustomersWrite = Annotated[Principal, Depends(authorize("customers:write"))]
CustomersDelete = Annotated[Principal, Depends(authorize("customers:delete"))]
ContactsRead = Annotated[Principal, Depends(authorize("contacts:read"))]
ContactsWrite = Annotated[Principal, Depends(authorize("contacts:write"))]
ContactsDelete = Annotated[Principal, Depends(authorize("contacts:delete"))]
# Merging duplicates (and undoing a merge, scanning for duplicates) needs its own permission:
# a merge deletes records and moves others, more than writing one customer.
CustomersMerge = Annotated[Principal, Depends(authorize("customers:merge"))]
