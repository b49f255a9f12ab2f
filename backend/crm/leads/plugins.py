"""Leads take attachments (a business card, an inquiry's documents)."""

from crm.attachments import registry as attachments
from crm.leads.models import Lead

attachments.register("lead", Lead, read="leads:read", write="leads:write")
