"""Leads in the custom field registry (definitions: ``GET /custom-fields?object_type=lead``)."""

from __future__ import annotations

from crm.customfields import registry
from crm.leads.models import Lead

registry.register(
    registry.ObjectType(
        "lead",
        Lead,
        read_permission="leads:read",
        standard_fields=(
            "person_name",
            "company_name",
            "phone",
            "email",
            "source",
            "province",
            "city",
            "product_line",
            "grade",
            "notes",
        ),
        default_rules=(("phone", 2), ("email", 1), ("company_name", 1), ("province", 1)),
    )
)
