"""Customers take attachments (contracts scans, business licences ...)."""

from crm.attachments import registry
from crm.customers.models import Customer

registry.register("customer", Customer, read="customers:read", write="customers:write")
