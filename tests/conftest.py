"""Test fixtures: real PostgreSQL and Redis, the app over ASGI, users of every role.

Servers: CRM_TEST_DATABASE_URL / CRM_TEST_REDIS_URL when set (CI), else the embedded ones
under var/test/. The test database is re-created and migrated once per run; every test starts
from empty tables with the built-in roles and one administrator.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from dbutil import recreate_database, with_database

ROOT = Path(__file__).resolve().parents[1]
ADMIN_EMAIL = "admin@example.com"
PASSWORD = "correct-horse-battery"


def _server_urls() -> tuple[str, str]:
    from crm.core import embedded

    db_url = os.environ.get("CRM_TEST_DATABASE_URL")
    redis_url = os.environ.get("CRM_TEST_REDIS_URL")
    var = ROOT / "var" / "test"
    if not db_url:
        db_url = with_database(embedded.start_postgres(var, database="postgres"), "crm_test")
    if not redis_url:
        redis_url = embedded.start_redis(var)
    return db_url, redis_url


_DB_URL, _REDIS_URL = _server_urls()


def pytest_sessionstart(session: pytest.Session) -> None:
    """Load the ladder as the API and the worker do: every domain's models, plug-ins and
    permissions, before any test module reads a registry."""
    from crm import domains

    domains.load()


os.environ.update(
    CRM_DATABASE_URL=_DB_URL,
    CRM_REDIS_URL=_REDIS_URL,
    CRM_SECRET_KEY="test-secret-key-not-for-production",
    CRM_LOG_JSON="0",
    CRM_LOG_LEVEL="WARNING",
    CRM_DEMO_DATA="0",
    CRM_FRONTEND_DIST=str(ROOT / "var" / "no-spa"),
    CRM_FILES_DIR=str(ROOT / "var" / "test" / "files"),
)


@pytest.fixture(scope="session")
async def database_url() -> str:
    from crm import migrate

    await recreate_database(_DB_URL)
    # Alembic runs its own event loop; do it in a thread so it does not nest in ours.
    import asyncio

    await asyncio.to_thread(migrate.upgrade, _DB_URL)
    return _DB_URL


@pytest.fixture(scope="session")
async def app(database_url: str) -> AsyncIterator[Any]:
    from crm.app import create_app
    from crm.settings import get_settings

    get_settings.cache_clear()
    application = create_app()
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture(scope="session")
def db(app: Any) -> Any:
    return app.state.db


@pytest.fixture(autouse=True)
async def clean_state(request: pytest.FixtureRequest) -> AsyncIterator[None]:
    if "app" not in request.fixturenames:
        yield
        return
    application = request.getfixturevalue("app")
    from crm import bootstrap
    from crm.core import redis
    from crm.models import metadata

    database = application.state.db
    tables = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
    async with database.engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    await redis.client().flushdb()
    from crm.core import cache

    cache.invalidate_all()  # TRUNCATE bypasses the ORM events that invalidate the caches
    await bootstrap.ensure_roles_and_admin(database, email=ADMIN_EMAIL, password=PASSWORD)
    yield


class Api:
    """An HTTP client acting as one user (or anonymous)."""

    def __init__(self, client: httpx.AsyncClient, token: str | None = None, **extra: Any) -> None:
        self.client = client
        self.token = token
        self.info: dict[str, Any] = extra

    def _headers(self, headers: dict[str, str] | None) -> dict[str, str]:
        result = dict(headers or {})
        if self.token:
            result.setdefault("Authorization", f"Bearer {self.token}")
        return result

    async def request(self, method: str, path: str, **kw: Any) -> httpx.Response:
        kw["headers"] = self._headers(kw.get("headers"))
        return await self.client.request(method, path, **kw)

    async def get(self, path: str, **kw: Any) -> httpx.Response:
        return await self.request("GET", path, **kw)

    async def post(self, path: str, **kw: Any) -> httpx.Response:
        return await self.request("POST", path, **kw)

    async def patch(self, path: str, **kw: Any) -> httpx.Response:
        return await self.request("PATCH", path, **kw)

    async def delete(self, path: str, **kw: Any) -> httpx.Response:
        return await self.request("DELETE", path, **kw)

    @property
    def user_id(self) -> str:
        return str(self.info["id"])


@pytest.fixture
async def client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        yield c


async def login(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> Api:
    response = await client.post(
        "/api/v1/auth/login", data={"username": email, "password": password}
    )
    assert response.status_code == 200, response.text
    token = response.json()["access_token"]
    api = Api(client, token)
    me = await api.get("/api/v1/auth/me")
    api.info = me.json()["user"]
    api.info["refresh_token"] = response.json()["refresh_token"]
    return api


@pytest.fixture
async def admin(client: httpx.AsyncClient) -> Api:
    return await login(client, ADMIN_EMAIL)


@pytest.fixture
def anon(client: httpx.AsyncClient) -> Api:
    return Api(client)


class Factory:
    """Creates departments, users and customers through the API, as the admin would."""

    def __init__(self, client: httpx.AsyncClient, admin: Api) -> None:
        self.client = client
        self.admin = admin

    async def department(
        self, name: str | None = None, parent_id: str | None = None
    ) -> dict[str, Any]:
        r = await self.admin.post(
            "/api/v1/departments",
            json={"name": name or f"Dept {uuid.uuid4().hex[:6]}", "parent_id": parent_id},
        )
        assert r.status_code == 201, r.text
        return dict(r.json())

    async def user(
        self,
        *roles: str,
        department_id: str | None = None,
        manager_id: str | None = None,
        email: str | None = None,
    ) -> Api:
        email = email or f"{'-'.join(roles) or 'norole'}-{uuid.uuid4().hex[:8]}@example.com"
        r = await self.admin.post(
            "/api/v1/users",
            json={
                "email": email,
                "password": PASSWORD,
                "full_name": email.split("@")[0],
                "department_id": department_id,
                "manager_id": manager_id,
                "role_keys": list(roles),
            },
        )
        assert r.status_code == 201, r.text
        return await login(self.client, email)

    async def customer(self, api: Api, **fields: Any) -> dict[str, Any]:
        body = {"name": f"Customer {uuid.uuid4().hex[:8]}", **fields}
        r = await api.post("/api/v1/customers", json=body)
        assert r.status_code == 201, r.text
        return dict(r.json())


@pytest.fixture
def factory(client: httpx.AsyncClient, admin: Api) -> Factory:
    return Factory(client, admin)


@pytest.fixture
async def sales_team(factory: Factory) -> dict[str, Any]:
    """The reference scenario: a manager over two salespeople in one department, plus an
    auditor, a service agent, a marketer and a salesperson of another department."""
    dept = await factory.department("Sales East")
    other = await factory.department("Sales West")
    manager = await factory.user("manager", department_id=dept["id"])
    sales_a = await factory.user("sales", department_id=dept["id"], manager_id=manager.user_id)
    sales_b = await factory.user("sales", department_id=dept["id"], manager_id=manager.user_id)
    outsider = await factory.user("sales", department_id=other["id"])
    return {
        "department": dept,
        "other_department": other,
        "manager": manager,
        "sales_a": sales_a,
        "sales_b": sales_b,
        "outsider": outsider,
        "auditor": await factory.user("auditor"),
        "service": await factory.user("service"),
        "marketing": await factory.user("marketing"),
    }


@pytest.fixture
async def shop(admin: Api, factory: Factory, sales_team: dict[str, Any], db: Any) -> dict[str, Any]:
    """A priced catalogue and a deal of the first salesperson (the quote tests' world). Here
    rather than in tests/quotes/conftest.py: a second module named ``conftest`` would shadow
    this one for the tests that import names from it."""
    from quote_helpers import catalogue, make_deal

    prices = {"widget": "100.00", "gadget": "33.33", "tiny": "0.05", "half": "0.125"}
    cat = await catalogue(admin, prices)
    a = sales_team["sales_a"]
    customer = await factory.customer(a)
    deal_id = await make_deal(db, a, customer["id"])
    return {**cat, "customer": customer, "deal_id": deal_id, "team": sales_team}
