"""The fields of leads that roles may hide, make read-only or mask (see
crm.core.field_access)."""

from __future__ import annotations

from crm.core import field_access
from crm.core.field_access import ProtectedObject
from crm.leads.models import Lead
from crm.leads.schemas import LeadRead

# Identity and bookkeeping every client needs to address a record; never restricted.
_ALWAYS_SHOWN = frozenset({"id", "version", "created_at", "updated_at", "custom_fields", "status"})

LEAD = ProtectedObject(
    object_type="lead",
    resource="leads",
    model=Lead,
    fields=tuple(n for n in LeadRead.model_fields if n not in _ALWAYS_SHOWN),
    sensitive={"phone": "phone", "email": "email"},
    derived={"phone": ("phone_e164",)},
)

field_access.register(LEAD)
