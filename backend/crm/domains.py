"""THE ladder: every domain's manifest, lowest first, and the one loader that reads them.

A domain may import the domains below it here (their services, never their routers); anything
that flows upwards goes through an event. ``tests/core/test_ladder.py`` checks every import.
The app (routers), the worker (tasks and schedules), the metadata (Alembic, tests) and the role
catalogue all iterate over :data:`LADDER`, through :func:`load`.

Adding a domain: its folder with ``DOMAIN = Domain(...)`` in ``__init__.py``, one line here, a
migration, and ``tests/authz/routes_<domain>.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from crm.core import recycle
from crm.core.domain import SCHEDULE_ATTR, TASK_ATTR, Domain, marked, resolve

# Lowest first. Also the order routers are mounted in, so it is the order in which paths are
# matched: no domain's path is shadowed by one of a domain mounted earlier (test_ladder checks).
LADDER: list[Domain] = [
    resolve(package).DOMAIN
    for package in (
        "crm.system",
        "crm.identity",
        "crm.notifications",
        "crm.search",
        "crm.imports",
        "crm.customfields",
        "crm.exports",
        "crm.customers",
        "crm.activities",
        "crm.attachments",
        "crm.sales",
        "crm.leads",
        "crm.catalog",
        "crm.approvals",
        "crm.quotes",
        "crm.contracts",
        "crm.orders",
    )
]

# Core's own tables (audit log, outbox, jobs, idempotency records, key versions, recycle
# bin).
CORE_MODELS = [
    "crm.core.audit",
    "crm.core.events",
    "crm.core.idempotency",
    "crm.core.jobs",
    "crm.core.keyversions",
    "crm.core.recycle",
]

_loaded: set[str] = set()


def load(domains: Sequence[Domain] | None = None) -> list[Domain]:
    """Import every domain's models and plug-ins and file its resources, role grants and
    recycle-bin types, lowest first; each domain once per process. The API, the worker, the
    migrations and the tests all start here, so every process knows the same handlers."""
    from crm.identity import catalog  # the role catalogue is identity's; load() feeds it

    domains = LADDER if domains is None else domains
    for module in CORE_MODELS:
        resolve(module)
    for domain in domains:
        if domain.name in _loaded:
            continue
        for module in (*domain.models, *domain.plugins):
            resolve(module)
        catalog.register_domain(domain)
        for kind in domain.recycle:
            recycle.register(
                kind.object_type,
                resolve(kind.model),
                resource=kind.resource,
                restore_permission=kind.restore_permission,
                owned_in_scope=resolve(kind.owned_in_scope) if kind.owned_in_scope else None,
            )
        _loaded.add(domain.name)
    return list(domains)


def routers(domains: Sequence[Domain] | None = None) -> list[Any]:
    """Every domain's routers, in ladder order (each domain's own order kept)."""
    return [resolve(ref) for domain in load(domains) for ref in domain.all_routers()]


def tasks(
    domains: Sequence[Domain] | None = None,
) -> list[tuple[Callable[..., Any], dict[str, Any]]]:
    """Every ``@task`` function of the domains' task modules, with its arq options."""
    return [
        found
        for domain in load(domains)
        for module in domain.tasks
        for found in marked(resolve(module), TASK_ATTR)
    ]


def schedules(
    domains: Sequence[Domain] | None = None,
) -> list[tuple[Callable[..., Any], dict[str, Any]]]:
    """Every ``@scheduled`` function of the domains' task modules, with its cron keywords."""
    return [
        found
        for domain in load(domains)
        for module in domain.tasks
        for found in marked(resolve(module), SCHEDULE_ATTR)
    ]
