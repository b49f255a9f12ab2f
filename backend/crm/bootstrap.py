"""First-start work shared by `crm run` and the CLI: roles, the first admin, demo data."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import func, select

from crm import domains
from crm.core.db import Database
from crm.customers.models import Customer
from crm.identity import service as identity_service
from crm.sales.defaults import ensure_default_pipeline


@dataclass(frozen=True)
class AdminResult:
    email: str
    created: bool
    generated_password: str | None


async def ensure_roles_and_admin(db: Database, *, email: str, password: str | None) -> AdminResult:
    domains.load()  # the built-in roles' grants are what the domains' manifests declare
    generated = None
    if not password:
        generated = password = secrets.token_urlsafe(12)
    async with db.sessionmaker() as session:
        await identity_service.ensure_builtin_roles(session)
        _, created = await identity_service.ensure_admin(session, email=email, password=password)
        await ensure_default_pipeline(session)
        await session.commit()
    return AdminResult(
        email=email, created=created, generated_password=generated if created else None
    )


async def database_is_empty_of_customers(db: Database) -> bool:
    async with db.sessionmaker() as session:
        return (await session.execute(select(func.count()).select_from(Customer))).scalar_one() == 0
