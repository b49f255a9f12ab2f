"""The permission catalogue and the built-in roles.

Each domain declares its resources, and what each built-in role gets on them, in its manifest
(``DOMAIN`` in ``crm/<domain>/__init__.py``); the loader in ``crm/domains.py`` files them here
through :func:`register_domain`. Built-in roles are re-synced from these definitions at every
start, so a new domain's permissions reach them without a data migration.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from crm.core.domain import Domain, Resource
from crm.core.permissions import DataScope

__all__ = ["Resource"]  # re-exported: where the catalogue's callers always found it


@dataclass
class BuiltinRole:
    key: str
    name: str
    description: str
    grants: dict[str, tuple[str, ...]] = field(default_factory=dict)  # resource -> actions
    scopes: dict[str, DataScope] = field(default_factory=dict)
    everything: bool = False  # admin
    read_everything: bool = False  # auditor


RESOURCES: dict[str, Resource] = {}


def register_resource(resource: Resource) -> None:
    RESOURCES[resource.name] = resource


def all_permissions() -> list[str]:
    return sorted(f"{r.name}:{a}" for r in RESOURCES.values() for a in r.actions)


def scoped_resources() -> list[str]:
    return sorted(r.name for r in RESOURCES.values() if r.scoped)


# What every signed-in user may do with their own account, whatever their roles: their inbox,
# their imports, exports and jobs, the bin of their records, the tag catalogue. They are
# permissions all the same, so routes check them like any other: a user holds them through
# the account (the principal adds them), an API key only when they are listed on the key, so a
# key with ``products:read`` cannot read the notifications or import samples of its user.
PERSONAL_PERMISSIONS = frozenset(
    {
        "approvals:read",
        "exports:read",
        "imports:read",
        "jobs:read",
        "notifications:read",
        "recycle_bin:read",
        "tags:read",
    }
)


# Who the built-in roles are. What each may do comes from the domains' manifests (their
# ``grants`` and ``scopes``), added by :func:`register_domain` when the loader runs.
BUILTIN_ROLES: dict[str, BuiltinRole] = {
    role.key: role
    for role in (
        BuiltinRole("admin", "Administrator", "Everything, on all data.", everything=True),
        BuiltinRole(
            "manager",
            "Sales manager",
            "All data of the department tree, deletes and exports, approvals.",
        ),
        BuiltinRole("sales", "Salesperson", "Own customers, leads and deals."),
        BuiltinRole(
            "service", "Service agent", "Tickets and feedback; reads customers to serve them."
        ),
        BuiltinRole(
            "marketing", "Marketing", "Segments and campaigns; reads and exports customers."
        ),
        BuiltinRole(
            "auditor",
            "Auditor",
            "Reads everything, including the audit log; changes nothing.",
            read_everything=True,
        ),
    )
}


def register_domain(domain: Domain) -> None:
    """File a domain's resources, and its grants and data scopes for each built-in role.
    Running it twice for a domain changes nothing."""
    for resource in domain.resources:
        register_resource(resource)
    for role_key, grants in domain.grants.items():
        role = BUILTIN_ROLES[role_key]
        for resource_name, actions in grants.items():
            known = role.grants.get(resource_name, ())
            role.grants[resource_name] = tuple(dict.fromkeys((*known, *actions)))
    for role_key, scopes in domain.scopes.items():
        BUILTIN_ROLES[role_key].scopes.update(scopes)


def builtin_role_definition(role: BuiltinRole) -> tuple[list[str], dict[str, str]]:
    """The (permissions, data_scopes) a built-in role has under the current catalogue."""
    if role.everything:
        return all_permissions(), {r: DataScope.ALL.value for r in scoped_resources()}
    if role.read_everything:
        perms = [p for p in all_permissions() if p.endswith(":read")]
        return perms, {r: DataScope.ALL.value for r in scoped_resources()}
    perms = sorted(f"{res}:{a}" for res, actions in role.grants.items() for a in actions)
    return perms, {res: scope.value for res, scope in role.scopes.items()}
