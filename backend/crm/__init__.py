"""crm: an API-first CRM (FastAPI service, arq worker, TypeScript SPA)."""

__version__ = "0.1.0"
