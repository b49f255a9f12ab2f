"""Deals in the custom field registry (definitions: ``GET /custom-fields?object_type=deal``).

Values are validated on every write through the API like customers' and leads' (type, select
options, required flag); stage gates can require them as ``custom.<key>``.
"""

from __future__ import annotations

from crm.customfields import registry
from crm.sales.models import Deal

registry.register(
    registry.ObjectType(
        "deal",
        Deal,
        read_permission="deals:read",
        standard_fields=(
            "name",
            "amount",
            "expected_close_date",
            "contact_id",
            "product_line",
            "notes",
        ),
        default_rules=(("amount", 2), ("expected_close_date", 2), ("contact_id", 1)),
    )
)
