"""The permission catalogue and the built-in roles.

Each domain registers its resources here (a domain may import identity, which sits below it).
Built-in roles are re-synced from these definitions at every start, so a new domain's
permissions reach them without a data migration.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from crm.core.permissions import DataScope


@dataclass(frozen=True)
class Resource:
    name: str
    actions: tuple[str, ...]
    scoped: bool  # has a data scope (records with owner/department)
    description: str = ""


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


for _resource in (
    Resource(
        "customers",
        ("read", "write", "delete", "export", "merge", "import", "claim", "assign", "reveal"),
        True,
        "Customers (merge: merge duplicates, undo a merge, scan for duplicates; import: CSV "
        "and Excel files; claim: take a customer from the shared pool, within the cap; "
        "assign: give a pool customer to someone; reveal: see one masked value in full, "
        "audited)",
    ),
    Resource(
        "contacts",
        ("read", "write", "delete", "reveal"),
        False,
        "Contacts (scoped by their customer; reveal: see one masked value in full, audited)",
    ),
    Resource("users", ("read",), False, "User directory"),
    Resource("departments", ("read",), False, "Department tree"),
    # admin:exports / admin:imports: any user's export file / import (others: their own only).
    Resource(
        "admin",
        ("users", "departments", "roles", "api_keys", "purge", "exports", "imports", "settings"),
        False,
        "Administration (settings: custom fields, completeness rules, holidays, reminders)",
    ),
    Resource("audit", ("read",), False, "Audit log and login history"),
    Resource("activities", ("read", "write", "delete"), False, "Activities (scoped by customer)"),
    Resource("tasks", ("read", "write"), True, "Follow-up tasks (scoped by assignee)"),
    Resource("tags", ("read", "write"), False, "Tag catalogue (read: personal, see below)"),
    # assign: give a lead to someone else (managers); unowned leads are the pool, claimed
    # with leads:write.
    Resource(
        "leads",
        ("read", "write", "delete", "import", "assign", "reveal"),
        True,
        "Leads (assign: reassign, assign from the pool, manage assignment rules; reveal: see "
        "one masked value in full, audited)",
    ),
    Resource("deals", ("read", "write", "delete"), True, "Deals (opportunities)"),
    Resource("products", ("read", "write"), False, "Products and price books"),
    Resource("quotes", ("read", "write"), False, "Quotes (scoped by their deal)"),
    Resource(
        "approvals",
        ("read", "decide"),
        False,
        "Approvals (read: your inbox and your requests; decide: approve or reject them)",
    ),
    # legal_review: receives the legal-review task when a deal enters negotiation/signing.
    # sign: in_review -> signed; apart from write, so whoever drafts a contract cannot also
    # sign it (the sales role does not have it).
    Resource(
        "contracts",
        ("read", "write", "delete", "legal_review", "sign"),
        True,
        "Contracts (legal_review: reviews contracts before signing; sign: signs a reviewed one)",
    ),
    Resource("notifications", ("read",), False, "Your notifications (read and mark read)"),
    Resource("imports", ("read",), False, "Your imports, their rows and error reports"),
    Resource("exports", ("read",), False, "What you may export, and your export files"),
    Resource("jobs", ("read",), False, "Progress of your background jobs"),
    Resource("recycle_bin", ("read",), False, "Deleted records within your data scope"),
):
    register_resource(_resource)

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


_DIRECTORY = {"users": ("read",), "departments": ("read",)}

# What everyone who sells works with, on top of their leads and deals: the catalogue, quotes on
# their deals, and contracts (scoped like deals). Deleting a contract is an administrator's.
_SELLING: dict[str, tuple[str, ...]] = {
    "products": ("read",),
    "quotes": ("read", "write"),
    "contracts": ("read", "write"),
}

# Who may export customer data (customers:export, which covers contacts too), least privilege:
# an export takes a whole list out of the system at once, so it is granted only where the job
# needs lists: managers (their department tree) and marketing (campaign audiences), besides
# administrators. Salespeople work on their records in the app and do not export by default
# (a customer list leaving with a departing salesperson is the classic leak); an administrator
# can grant it through a custom role, and the export still holds only the caller's data scope.
# The auditor reads everything in place but exports nothing: a bulk copy is not needed to audit.

BUILTIN_ROLES: dict[str, BuiltinRole] = {
    role.key: role
    for role in (
        BuiltinRole("admin", "Administrator", "Everything, on all data.", everything=True),
        BuiltinRole(
            "manager",
            "Sales manager",
            "All data of the department tree, deletes and exports, approvals.",
            grants={
                "customers": (
                    "read",
                    "write",
                    "delete",
                    "export",
                    "merge",
                    "import",
                    "claim",
                    "assign",
                ),
                "contacts": ("read", "write", "delete"),
                "activities": ("read", "write", "delete"),
                "tasks": ("read", "write"),
                **_DIRECTORY,
                "tags": ("write",),
                **_SELLING,
                "leads": ("read", "write", "delete", "import", "assign"),
                "deals": ("read", "write", "delete"),
                "contracts": ("read", "write", "sign"),
                "approvals": ("decide",),
            },
            scopes={
                "customers": DataScope.DEPARTMENT_TREE,
                "tasks": DataScope.DEPARTMENT_TREE,
                "leads": DataScope.DEPARTMENT_TREE,
                "deals": DataScope.DEPARTMENT_TREE,
                "contracts": DataScope.DEPARTMENT_TREE,
            },
        ),
        BuiltinRole(
            "sales",
            "Salesperson",
            "Own customers, leads and deals.",
            grants={
                # import: their own lists (a trade show's contacts); the rows become theirs.
                "customers": ("read", "write", "import", "claim"),
                "contacts": ("read", "write", "delete"),
                "activities": ("read", "write", "delete"),
                "tasks": ("read", "write"),
                **_DIRECTORY,
                **_SELLING,
                "leads": ("read", "write", "import"),
                "deals": ("read", "write"),
            },
            scopes={
                "customers": DataScope.OWN,
                "tasks": DataScope.OWN,
                "leads": DataScope.OWN,
                "deals": DataScope.OWN,
                "contracts": DataScope.OWN,
            },
        ),
        BuiltinRole(
            "service",
            "Service agent",
            "Tickets and feedback; reads customers to serve them.",
            grants={
                "customers": ("read",),
                "contacts": ("read",),
                "activities": ("read",),
                "tasks": ("read",),
                **_DIRECTORY,
            },
            scopes={"customers": DataScope.ALL, "tasks": DataScope.OWN},
        ),
        BuiltinRole(
            "marketing",
            "Marketing",
            "Segments and campaigns; reads and exports customers.",
            grants={
                "customers": ("read", "export"),
                "contacts": ("read",),
                "activities": ("read",),
                "tasks": ("read", "write"),
                **_DIRECTORY,
                # Campaigns produce leads: marketing records and imports them for sales.
                "leads": ("read", "write", "import"),
            },
            scopes={"customers": DataScope.ALL, "tasks": DataScope.OWN, "leads": DataScope.ALL},
        ),
        BuiltinRole(
            "auditor",
            "Auditor",
            "Reads everything, including the audit log; changes nothing.",
            read_everything=True,
        ),
    )
}


def builtin_role_definition(role: BuiltinRole) -> tuple[list[str], dict[str, str]]:
    """The (permissions, data_scopes) a built-in role has under the current catalogue."""
    if role.everything:
        return all_permissions(), {r: DataScope.ALL.value for r in scoped_resources()}
    if role.read_everything:
        perms = [p for p in all_permissions() if p.endswith(":read")]
        return perms, {r: DataScope.ALL.value for r in scoped_resources()}
    perms = sorted(f"{res}:{a}" for res, actions in role.grants.items() for a in actions)
    return perms, {res: scope.value for res, scope in role.scopes.items()}
