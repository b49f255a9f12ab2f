"""Every domain's plug-ins, registered by importing their modules: event handlers, stage
triggers, pool keepers, attachable records, search providers, contract line providers.

The API (crm.app) and the worker (crm.worker) both import this module, so both processes know
the same handlers and registries whatever code path runs an event or a job."""

from crm.attachments import customers as _customer_attachments  # noqa: F401
from crm.contracts import handlers as _contract_handlers  # noqa: F401
from crm.contracts import plugins as _contract_plugins  # noqa: F401
from crm.customers import search as _customer_search  # noqa: F401
from crm.leads import assignment as _lead_assignment  # noqa: F401
from crm.leads import plugins as _lead_plugins  # noqa: F401
from crm.orders import handlers as _order_handlers  # noqa: F401
from crm.quotes import contract_lines as _quote_contract_lines  # noqa: F401
from crm.sales import pool as _sales_pool  # noqa: F401
from crm.sales import triggers as _stage_triggers  # noqa: F401
