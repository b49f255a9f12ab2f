"""What sales plugs into the domains below it: deals take attachments."""

from crm.attachments import registry as attachment_registry
from crm.sales.models import Deal

attachment_registry.register("deal", Deal, read="deals:read", write="deals:write")
