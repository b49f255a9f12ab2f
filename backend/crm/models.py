"""Every model of every domain, imported so the metadata is complete (Alembic, tests)."""

from crm.activities.models import Activity, Holiday, ReminderRule, Task
from crm.contracts.models import Contract, ContractTemplate, DocumentCounter
from crm.core.audit import AuditLog
from crm.core.db import Base
from crm.core.events import OutboxEvent
from crm.core.idempotency import IdempotencyRecord
from crm.core.jobs import Job
from crm.core.recycle import DeletedRecord
from crm.customers.dedupe.models import CustomerName, DuplicateGroup, DuplicateMember
from crm.customers.models import Contact, Customer
from crm.customfields.models import CompletenessRule, CustomField, Tag
from crm.identity.models import ApiKey, Department, LoginEvent, RefreshToken, Role, User
from crm.imports.models import Import, ImportRow
from crm.notifications.models import Notification
from crm.orders.models import Instalment, Order, Payment, PortalLink
from crm.sales.models import Deal, DealStageChange, Pipeline, Stage

metadata = Base.metadata

__all__ = [
    "Activity",
    "ApiKey",
    "AuditLog",
    "CompletenessRule",
    "Contact",
    "Contract",
    "ContractTemplate",
    "CustomField",
    "Customer",
    "CustomerName",
    "Deal",
    "DealStageChange",
    "DeletedRecord",
    "Department",
    "DocumentCounter",
    "DuplicateGroup",
    "DuplicateMember",
    "Holiday",
    "IdempotencyRecord",
    "Import",
    "ImportRow",
    "Instalment",
    "Job",
    "LoginEvent",
    "Notification",
    "Order",
    "OutboxEvent",
    "Payment",
    "Pipeline",
    "PortalLink",
    "RefreshToken",
    "ReminderRule",
    "Role",
    "Stage",
    "Tag",
    "Task",
    "User",
    "metadata",
]
