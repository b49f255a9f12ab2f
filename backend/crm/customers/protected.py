"""The fields of customers and contacts that roles may hide, make read-only or mask (see
crm.core.field_access)."""

from __future__ import annotations

from crm.core import field_access
from crm.core.field_access import ProtectedObject
from crm.customers.models import Contact, Customer
from crm.customers.schemas import ContactRead, CustomerRead

# Identity and bookkeeping every client needs to address a record; never restricted.
_ALWAYS_SHOWN = frozenset({"id", "version", "created_at", "updated_at", "custom_fields"})


def _fields(schema: type[CustomerRead] | type[ContactRead]) -> tuple[str, ...]:
    return tuple(n for n in schema.model_fields if n not in _ALWAYS_SHOWN | {"completeness"})


CUSTOMER = ProtectedObject(
    object_type="customer",
    resource="customers",
    model=Customer,
    fields=_fields(CustomerRead),
    sensitive={"phone": "phone", "email": "email", "address": "text"},
    derived={"phone": ("phone_e164",)},
)
CONTACT = ProtectedObject(
    object_type="contact",
    resource="contacts",
    model=Contact,
    fields=_fields(ContactRead),
    sensitive={"phone": "phone", "email": "email"},
    derived={"phone": ("phone_e164",)},
)

field_access.register(CUSTOMER)
field_access.register(CONTACT)
