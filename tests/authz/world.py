"""The cast and the records the authorization matrix runs against.

A :class:`World` wraps the ``sales_team`` fixture: one signed-in :class:`Actor` per person (and
an anonymous one), the department tree, and helpers that create real records through the API
as the administrator, owned by whichever actor a check needs. Every record a helper creates is
remembered in :attr:`World.records` with its owner, so list checks can compute exactly what
each caller should see.

A new domain needs no edit here: the helpers for its records live in its own
``routes_<domain>.py`` as functions taking the world (``async def quote(w, owner) -> dict``, as
in ``routes_quotes.py``), each creating the record through the API as ``w.admin`` and calling
:meth:`World.remember`. Only records several domains' routes share belong on :class:`World`.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import func, literal, select

from conftest import PASSWORD, Api, login
from crm.core.audit import AuditLog
from crm.core.events import OutboxEvent
from crm.core.jobs import Job
from crm.identity.catalog import BUILTIN_ROLES, PERSONAL_PERMISSIONS, builtin_role_definition

ROLES = tuple(BUILTIN_ROLES)  # admin, manager, sales, service, marketing, auditor


def role_permissions(role: str) -> frozenset[str]:
    """The permissions of a built-in role, straight from the catalogue."""
    return frozenset(builtin_role_definition(BUILTIN_ROLES[role])[0])


def principal_permissions(role: str) -> frozenset[str]:
    """What a signed-in user of ``role`` holds: the role's permissions and the personal ones."""
    return role_permissions(role) | PERSONAL_PERMISSIONS


# The API-key caller: a key of the administrator (who may do everything, on all data) that
# carries only this permission. Whatever it reaches beyond that, a route forgot the key.
API_KEY_PERMISSIONS = frozenset({"products:read"})


def role_scopes(role: str) -> dict[str, str]:
    """The data scope per resource of a built-in role, straight from the catalogue."""
    return dict(builtin_role_definition(BUILTIN_ROLES[role])[1])


@dataclass(eq=False)
class Actor:
    """A caller: a signed-in user of one built-in role, or anonymous (``role`` is None), or an
    API key (``key_permissions``) of a user of ``role``."""

    label: str
    role: str | None
    api: Api
    user_id: str | None = None
    department_id: str | None = None
    manager_id: str | None = None
    email: str | None = None
    key_permissions: frozenset[str] | None = None

    def __repr__(self) -> str:
        return f"{self.label}({self.role or 'anonymous'})"

    @property
    def permissions(self) -> frozenset[str]:
        """What the caller holds: its role's (and personal) permissions, narrowed to a key's."""
        if self.role is None:
            return frozenset()
        held = principal_permissions(self.role)
        return held if self.key_permissions is None else held & self.key_permissions


class KeyApi(Api):
    """An HTTP client sending an API key instead of a bearer token."""

    def __init__(self, client: httpx.AsyncClient, key: str, **extra: Any) -> None:
        super().__init__(client, **extra)
        self.key = key

    def _headers(self, headers: dict[str, str] | None) -> dict[str, str]:
        return {"X-API-Key": self.key, **(headers or {})}


def _actor(label: str, api: Api) -> Actor:
    roles = [r["key"] for r in api.info["roles"]]
    assert len(roles) == 1, (label, roles)
    return Actor(
        label=label,
        role=roles[0],
        api=api,
        user_id=str(api.info["id"]),
        department_id=api.info["department_id"],
        manager_id=api.info["manager_id"],
        email=api.info["email"],
    )


@dataclass
class World:
    client: httpx.AsyncClient
    admin_api: Api
    team: dict[str, Any]
    db: Any
    actors: dict[str, Actor] = field(default_factory=dict)
    department_parent: dict[str, str | None] = field(default_factory=dict)
    # kind ("customer", "contact", "bin", ...) -> [(record id, owner)]
    records: dict[str, list[tuple[str, Actor]]] = field(default_factory=lambda: defaultdict(list))
    _cache: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.actors["admin"] = _actor("admin", self.admin_api)
        for label in ("manager", "sales_a", "sales_b", "outsider", "service", "marketing"):
            self.actors[label] = _actor(label, self.team[label])
        self.actors["auditor"] = _actor("auditor", self.team["auditor"])
        self.actors["anonymous"] = Actor("anonymous", None, Api(self.client))
        for dept in (self.team["department"], self.team["other_department"]):
            self.department_parent[dept["id"]] = dept["parent_id"]

    # --- the cast ---------------------------------------------------------------------------

    @property
    def admin(self) -> Api:
        return self.admin_api

    def representative(self, role: str | None) -> Actor:
        """The actor standing for ``role`` in the role x route run (sales_a for sales)."""
        if role is None:
            return self.actors["anonymous"]
        return self.actors["sales_a" if role == "sales" else role]

    def role_callers(self) -> list[Actor]:
        """One representative per role, anonymous, and the API key (when added)."""
        keys = [self.actors["api_key"]] if "api_key" in self.actors else []
        return [self.representative(role) for role in (*ROLES, None)] + keys

    async def add_api_key_caller(self) -> Actor:
        """The ``api_key`` actor: the administrator's key with only API_KEY_PERMISSIONS."""
        r = await self.admin.post(
            "/api/v1/api-keys", json={"name": "matrix key", "permissions": [*API_KEY_PERMISSIONS]}
        )
        assert r.status_code == 201, r.text
        admin = self.actors["admin"]
        actor = dataclasses.replace(
            admin,
            label="api_key",
            api=KeyApi(self.client, r.json()["key"], **self.admin.info),
            key_permissions=API_KEY_PERMISSIONS,
        )
        self.actors["api_key"] = actor
        return actor

    def scope_callers(self) -> list[Actor]:
        """Every signed-in actor, including the second salesperson and the outsider."""
        return [a for a in self.actors.values() if a.role is not None]

    def owners(self) -> list[Actor]:
        """Record owners of the out-of-scope run: same department, and another department."""
        return [self.actors[k] for k in ("sales_a", "sales_b", "outsider")]

    # --- the data-scope model (what the backend's scope function must agree with) -----------

    def subordinates(self, actor: Actor) -> set[str]:
        """Everyone below ``actor`` in the manager tree."""
        below: set[str] = set()
        frontier: set[str | None] = {actor.user_id}
        while frontier:
            found = {
                a.user_id
                for a in self.actors.values()
                if a.user_id and a.manager_id in frontier and a.user_id not in below
            }
            below |= found
            frontier = set(found)
        return below

    def department_tree(self, department_id: str | None) -> set[str]:
        if department_id is None:
            return set()
        tree = {department_id}
        grew = True
        while grew:
            more = {d for d, parent in self.department_parent.items() if parent in tree}
            grew = not more <= tree
            tree |= more
        return tree

    def sees(self, caller: Actor, owner: Actor, resource: str = "customers") -> bool:
        """Whether ``caller``'s role scope on ``resource`` covers a record ``owner`` owns
        (the record's department is the owner's, as the backend stamps it)."""
        if caller.role is None:
            return False
        scope = role_scopes(caller.role).get(resource)
        mine = caller.user_id == owner.user_id
        if scope is None:
            return False
        if scope == "all":
            return True
        if scope == "own":
            return mine
        if scope == "subordinates":
            return mine or owner.user_id in self.subordinates(caller)
        if scope == "department":
            return mine or (
                caller.department_id is not None and owner.department_id == caller.department_id
            )
        if scope == "department_tree":
            return mine or owner.department_id in self.department_tree(caller.department_id)
        raise AssertionError(f"unknown data scope {scope!r}")

    def can(self, caller: Actor, permission: str) -> bool:
        return permission in caller.permissions

    # --- records ----------------------------------------------------------------------------

    def remember(self, kind: str, record_id: str, owner: Actor) -> None:
        self.records[kind].append((record_id, owner))

    async def customer(self, owner: Actor, **fields: Any) -> dict[str, Any]:
        body = {"name": f"Matrix {uuid.uuid4().hex[:8]}", "owner_id": owner.user_id, **fields}
        r = await self.admin.post("/api/v1/customers", json=body)
        assert r.status_code == 201, r.text
        customer = dict(r.json())
        assert customer["owner_id"] == owner.user_id
        self.remember("customer", customer["id"], owner)
        return customer

    async def contact(self, owner: Actor, **fields: Any) -> dict[str, Any]:
        customer = await self.customer(owner)
        body = {"customer_id": customer["id"], "name": f"Contact {uuid.uuid4().hex[:8]}", **fields}
        r = await self.admin.post("/api/v1/contacts", json=body)
        assert r.status_code == 201, r.text
        self.remember("contact", r.json()["id"], owner)
        return dict(r.json())

    async def deleted_customer(self, owner: Actor, **fields: Any) -> dict[str, Any]:
        customer = await self.customer(owner, **fields)
        r = await self.admin.delete(f"/api/v1/customers/{customer['id']}")
        assert r.status_code == 204, r.text
        self.records["customer"].remove((customer["id"], owner))
        self.remember("bin", customer["id"], owner)
        return customer

    async def deleted_contact(self, owner: Actor, **fields: Any) -> dict[str, Any]:
        contact = await self.contact(owner, **fields)
        r = await self.admin.delete(f"/api/v1/contacts/{contact['id']}")
        assert r.status_code == 204, r.text
        self.records["contact"].remove((contact["id"], owner))
        self.remember("bin", contact["id"], owner)
        return contact

    async def activity(self, owner: Actor, **fields: Any) -> dict[str, Any]:
        """An activity on a customer ``owner`` owns (so its visibility is that customer's)."""
        customer = await self.customer(owner)
        body = {
            "customer_id": customer["id"],
            "kind": "call",
            "subject": f"Activity {uuid.uuid4().hex[:8]}",
            **fields,
        }
        r = await self.admin.post("/api/v1/activities", json=body)
        assert r.status_code == 201, r.text
        self.remember("activity", r.json()["id"], owner)
        return dict(r.json())

    async def deal(self, owner: Actor, **fields: Any) -> dict[str, Any]:
        """A deal ``owner`` owns, on a customer ``owner`` owns, in the default pipeline's
        first stage (which has no gate)."""
        customer = await self.customer(owner)
        body = {
            "name": f"Deal {uuid.uuid4().hex[:8]}",
            "customer_id": customer["id"],
            "owner_id": owner.user_id,
            **fields,
        }
        r = await self.admin.post("/api/v1/deals", json=body)
        assert r.status_code == 201, r.text
        self.remember("deal", r.json()["id"], owner)
        return dict(r.json())

    async def attachment(self, owner: Actor) -> dict[str, Any]:
        """A file on a deal ``owner`` owns."""
        deal = await self.deal(owner)
        r = await self.admin.post(
            "/api/v1/attachments",
            params={"object_type": "deal", "object_id": deal["id"]},
            data={"category": "needs_document"},
            files={"file": ("needs.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")},
        )
        assert r.status_code == 201, r.text
        return dict(r.json())

    async def pipeline(self) -> dict[str, Any]:
        """A new (not default) pipeline with three stages."""
        r = await self.admin.post(
            "/api/v1/pipelines",
            json={
                "name": f"Pipeline {uuid.uuid4().hex[:6]}",
                "stages": [
                    {"key": "open", "name": "Open", "probability": 30},
                    {"key": "won", "name": "Won", "probability": 100, "kind": "won"},
                    {"key": "lost", "name": "Lost", "probability": 0, "kind": "lost"},
                ],
            },
        )
        assert r.status_code == 201, r.text
        return dict(r.json())

    async def task(self, owner: Actor, **fields: Any) -> dict[str, Any]:
        """A task the admin creates, assigned to ``owner``, about a customer ``owner`` owns."""
        customer = await self.customer(owner)
        body = {
            "title": f"Task {uuid.uuid4().hex[:8]}",
            "assignee_id": owner.user_id,
            "related_type": "customer",
            "related_id": customer["id"],
            **fields,
        }
        r = await self.admin.post("/api/v1/tasks", json=body)
        assert r.status_code == 201, r.text
        self.remember("task", r.json()["id"], owner)
        return dict(r.json())

    async def notification(self, user: Actor) -> str:
        """An unread notification for ``user`` (the system creates them; no route does)."""
        from crm.notifications.service import NewNotification, notify

        async with self.db.sessionmaker() as session:
            [note_id] = await notify(
                session,
                [NewNotification(user_id=uuid.UUID(user.user_id or ""), kind="test", title="Hi")],
            )
            await session.commit()
            return str(note_id)

    async def job(self, creator: Actor) -> str:
        """A job record (no route creates one yet; domains with exports/imports will)."""
        async with self.db.sessionmaker() as session:
            job = Job(kind="matrix.test", created_by=uuid.UUID(creator.user_id), params={})
            session.add(job)
            await session.commit()
            return str(job.id)

    async def department(self) -> dict[str, Any]:
        r = await self.admin.post(
            "/api/v1/departments", json={"name": f"Matrix {uuid.uuid4().hex[:8]}"}
        )
        assert r.status_code == 201, r.text
        return dict(r.json())

    async def custom_role(self) -> dict[str, Any]:
        r = await self.admin.post(
            "/api/v1/roles",
            json={
                "key": f"matrix_{uuid.uuid4().hex[:8]}",
                "name": "Matrix role",
                "permissions": ["customers:read"],
                "data_scopes": {"customers": "own"},
            },
        )
        assert r.status_code == 201, r.text
        return dict(r.json())

    async def builtin_role_id(self, key: str) -> str:
        if "roles" not in self._cache:
            r = await self.admin.get("/api/v1/roles", params={"limit": 200})
            assert r.status_code == 200, r.text
            self._cache["roles"] = {role["key"]: role["id"] for role in r.json()["items"]}
        return str(self._cache["roles"][key])

    async def api_key(self) -> dict[str, Any]:
        r = await self.admin.post(
            "/api/v1/api-keys", json={"name": "matrix", "permissions": ["customers:read"]}
        )
        assert r.status_code == 201, r.text
        return dict(r.json())

    async def disposable_user(self) -> dict[str, Any]:
        """A user nobody else relies on; reused until something deletes it (hashing a password
        costs ~0.2 s, so it is not created per call)."""
        cached = self._cache.get("disposable_user")
        if cached is not None:
            r = await self.admin.get(f"/api/v1/users/{cached['id']}")
            if r.status_code == 200:
                return dict(cached)
            assert r.status_code == 404, r.text
        email = f"disposable-{uuid.uuid4().hex[:8]}@example.com"
        r = await self.admin.post(
            "/api/v1/users",
            json={"email": email, "password": PASSWORD, "full_name": "Disposable"},
        )
        assert r.status_code == 201, r.text
        self._cache["disposable_user"] = r.json()
        return dict(r.json())

    async def fresh_refresh_token(self) -> str:
        """A refresh token of its own family (signing in again: rotation and logout consume or
        revoke a whole family)."""
        api = await login(self.client, self.actors["marketing"].email or "")
        return str(api.info["refresh_token"])

    # --- what got stored --------------------------------------------------------------------

    async def write_counts(self, actor: Actor | None = None) -> tuple[int, int, int]:
        """(audit entries, outbox events, audit entries by ``actor``): a refused request must
        change none of them, an allowed write must add an audit entry by its caller."""
        mine = (
            select(func.count())
            .select_from(AuditLog)
            .where(AuditLog.actor_id == uuid.UUID(actor.user_id))
            .scalar_subquery()
            if actor is not None and actor.user_id is not None
            else literal(0)
        )
        stmt = select(
            select(func.count()).select_from(AuditLog).scalar_subquery(),
            select(func.count()).select_from(OutboxEvent).scalar_subquery(),
            mine,
        )
        async with self.db.sessionmaker() as session:
            audits, events, by_actor = (await session.execute(stmt)).one()
            return int(audits), int(events), int(by_actor)
