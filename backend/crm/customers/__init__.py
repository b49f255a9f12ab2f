"""Customers (companies and people) and their contacts."""

from crm.core.domain import Domain, RecycleType, Resource
from crm.core.permissions import DataScope

# Who may export customer data (customers:export, which covers contacts too), least privilege:
# an export takes a whole list out of the system at once, so it is granted only where the job
# needs lists: managers (their department tree) and marketing (campaign audiences), besides
# administrators. Salespeople work on their records in the app and do not export by default
# (a customer list leaving with a departing salesperson is the classic leak); an administrator
# can grant it through a custom role, and the export still holds only the caller's data scope.
# The auditor reads everything in place but exports nothing: a bulk copy is not needed to audit.
DOMAIN = Domain(
    name="customers",
    # dedupe before customers: /customers/duplicates is not a /customers/{id}.
    routers=[
        "crm.customers.dedupe.router:router",
        "crm.customers.router:router",
        "crm.customers.pool.router:router",
    ],
    models=["crm.customers.models", "crm.customers.dedupe.models", "crm.customers.pool.models"],
    plugins=[
        "crm.customers.fields",
        "crm.customers.search",
        "crm.customers.exports",
        "crm.customers.imports",
    ],
    resources=[
        Resource(
            "customers",
            ("read", "write", "delete", "export", "merge", "import", "claim", "assign"),
            True,
            "Customers (merge: merge duplicates, undo a merge, scan for duplicates; import: CSV "
            "and Excel files; claim: take a customer from the shared pool, within the cap; "
            "assign: give a pool customer to someone)",
        ),
        Resource(
            "contacts", ("read", "write", "delete"), False, "Contacts (scoped by their customer)"
        ),
    ],
    grants={
        "manager": {
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
        },
        # import: their own lists (a trade show's contacts); the rows become theirs.
        "sales": {
            "customers": ("read", "write", "import", "claim"),
            "contacts": ("read", "write", "delete"),
        },
        "service": {"customers": ("read",), "contacts": ("read",)},
        "marketing": {"customers": ("read", "export"), "contacts": ("read",)},
    },
    scopes={
        "manager": {"customers": DataScope.DEPARTMENT_TREE},
        "sales": {"customers": DataScope.OWN},
        "service": {"customers": DataScope.ALL},
        "marketing": {"customers": DataScope.ALL},
    },
    recycle=[
        RecycleType(
            "customer",
            "crm.customers.models:Customer",
            resource="customers",
            restore_permission="customers:delete",
        ),
        RecycleType(
            "contact",
            "crm.customers.models:Contact",
            resource="customers",
            restore_permission="contacts:delete",
        ),
    ],
    tasks=["crm.customers.dedupe.tasks", "crm.customers.pool.tasks"],
)
