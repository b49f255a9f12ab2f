"""Every model of every domain, imported so the metadata is complete (Alembic, tests)."""

from crm.activities.models import Activity, Holiday, ReminderRule, Task
from crm.approvals.models import ApprovalPolicySetting, ApprovalRequest
from crm.attachments.models import Attachment
from crm.catalog.models import PriceBook, PriceBookEntry, Product
from crm.contracts.models import Contract, ContractTemplate, DocumentCounter
from crm.core.audit import AuditLog
from crm.core.db import Base
from crm.core.events import OutboxEvent
from crm.core.idempotency import IdempotencyRecord
from crm.core.jobs import Job
from crm.core.keyversions import KeyVersion
from crm.core.recycle import DeletedRecord
from crm.customers.dedupe.models import CustomerName, DuplicateGroup, DuplicateMember
from crm.customers.models import Contact, Customer
from crm.customers.pool.models import OwnershipCap, PoolPolicy
from crm.customfields.models import CompletenessRule, CustomField, Tag
from crm.identity.models import ApiKey, Department, LoginEvent, RefreshToken, Role, User
from crm.imports.models import Import, ImportRow
from crm.leads.models import AssignmentRule, Lead, LeadAssignment
from crm.notifications.models import Notification
from crm.orders.models import Instalment, Order, Payment, PortalLink
from crm.quotes.models import Quote, QuoteLine
from crm.sales.models import Deal, DealStageChange, DealTriggerRun, Pipeline, Stage

metadata = Base.metadata

__all__ = [
    "Activity",
    "ApiKey",
    "ApprovalPolicySetting",
    "ApprovalRequest",
    "AssignmentRule",
    "Attachment",
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
    "DealTriggerRun",
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
    "KeyVersion",
    "Lead",
    "LeadAssignment",
    "LoginEvent",
    "Notification",
    "Order",
    "OutboxEvent",
    "OwnershipCap",
    "Payment",
    "Pipeline",
    "PoolPolicy",
    "PortalLink",
    "PriceBook",
    "PriceBookEntry",
    "Product",
    "Quote",
    "QuoteLine",
    "RefreshToken",
    "ReminderRule",
    "Role",
    "Stage",
    "Tag",
    "Task",
    "User",
    "metadata",
]
