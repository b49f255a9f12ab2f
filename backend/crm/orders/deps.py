"""Permission aliases of the order routes: orders follow the contracts permissions and scope
(the permission catalogue has no separate "orders" resource)."""

from crm.contracts.deps import ContractsRead as OrdersRead
from crm.contracts.deps import ContractsWrite as OrdersWrite

__all__ = ["OrdersRead", "OrdersWrite"]
