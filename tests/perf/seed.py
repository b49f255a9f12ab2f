"""The benchmark's data set: a sales organisation of ~200 people owning N customers.

Departments, users and roles go through the identity service (so roles and the manager tree are
exactly what the product would store); the customers are bulk-loaded with COPY, with the
table's secondary indexes dropped during the load and rebuilt from their own definitions
afterwards (much faster than maintaining them row by row, and the definitions stay the
migrations' own). A marker in a side schema (`bench`, outside the application's metadata)
records what was seeded, so a rerun with the same row count reuses the data.
"""

from __future__ import annotations

import functools
import random
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from unittest import mock

import asyncpg

SEED_VERSION = "4"
PASSWORD = "bench-password-1"
DIRECTOR_EMAIL = "director@bench.example.com"
MANAGER_EMAIL = "manager.east@bench.example.com"  # department_tree over the East region
SALES_EMAIL = "sales.east.001@bench.example.com"  # own customers only
COPY_CHUNK = 50_000
# Every timestamp hangs off this instant, so reruns build the very same data set.
EPOCH = datetime(2026, 11, 1, tzinfo=UTC)

REGIONS = {
    "east": ("华东大区", ["上海一组", "杭州组", "南京组"]),
    "north": ("华北大区", ["北京一组", "北京二组", "天津组"]),
    "south": ("华南大区", ["深圳组", "广州组", "厦门组"]),
    "west": ("西南大区", ["成都组", "重庆组", "昆明组"]),
}
SALES_PER_TEAM = [16, 15, 15, 15, 15, 15, 15, 15, 16, 15, 15, 16]  # 183 + 17 managers = 200
MANAGER_WEIGHT = 0.1  # managers own few customers themselves

_CITIES = [
    ("上海市", "上海市", "浦东新区"),
    ("上海市", "上海市", "徐汇区"),
    ("北京市", "北京市", "海淀区"),
    ("北京市", "北京市", "朝阳区"),
    ("天津市", "天津市", "和平区"),
    ("广东省", "深圳市", "南山区"),
    ("广东省", "广州市", "天河区"),
    ("福建省", "厦门市", "思明区"),
    ("浙江省", "杭州市", "西湖区"),
    ("江苏省", "南京市", "鼓楼区"),
    ("四川省", "成都市", "武侯区"),
    ("重庆市", "重庆市", "渝中区"),
    ("云南省", "昆明市", "五华区"),
]
_CN_PREFIX = ["上海", "北京", "深圳", "杭州", "南京", "成都", "广州", "苏州", "武汉", "西安"]
_CN_WORD = [
    "星辰", "云帆", "海川", "青禾", "锦程", "天府", "金陵", "新程", "华信", "瑞丰",
    "恒通", "博远", "嘉禾", "宏图", "正泰", "万达", "安和", "盛世", "鼎盛", "汇丰",
    "永兴", "长城", "东方", "明德", "君诚", "启航", "睿智", "腾飞", "同创", "九州",
]  # fmt: skip
_CN_TRADE = ["科技", "信息技术", "电子", "贸易", "物流", "软件", "医药", "机械", "食品", "建材"]
_CN_SUFFIX = ["有限公司", "股份有限公司", "集团有限公司", "有限责任公司"]
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董"
_GIVEN = "伟芳娜秀敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华玉萍红鹏辉斌宇浩凯"
_EN_FIRST = ["Acme", "Blue", "Northwind", "Globex", "Silver", "Golden", "Harbor", "Summit"]
_EN_SECOND = ["Harbor", "Peak", "River", "Stone", "Bridge", "Field", "Light", "Wave", "Oak"]
_EN_TRADE = ["Industrial", "Foods", "Traders", "Logistics", "Software", "Medical", "Energy"]
_EN_SUFFIX = ["Co., Ltd.", "Inc.", "Ltd.", "Group", "LLC"]
_EN_GIVEN = ["Emma", "Liam", "Olivia", "Noah", "Ava", "Lucas", "Mia", "Ethan", "Grace", "Leo"]
_EN_FAMILY = ["Chen", "Wang", "Smith", "Lee", "Brown", "Zhang", "Taylor", "Wong", "Liu", "Kim"]
_MOBILE_PREFIXES = [
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151",
    "152", "153", "155", "156", "157", "158", "159", "166", "176", "177", "178", "180",
    "181", "182", "183", "184", "185", "186", "187", "188", "189", "191", "198", "199",
]  # fmt: skip
_DOMAINS = ["qq.com", "163.com", "126.com", "gmail.com", "outlook.com", "example.cn"]
_INDUSTRIES = ["manufacturing", "software", "retail", "logistics", "healthcare", "food"]
_SOURCES = ["web_form", "import", "referral", "trade_show", "ecommerce", "manual"]
_TAGS = ["vip", "new", "key-account", "reseller", "dormant", "overseas"]
_COLUMNS = [
    "id", "kind", "name", "phone", "phone_e164", "email", "province", "city", "district",
    "address", "industry", "source", "tags", "notes", "owner_id", "department_id",
    "created_at", "updated_at", "version", "deleted_at", "name_normalized", "phone_key",
]  # fmt: skip


@dataclass(frozen=True)
class Owner:
    user_id: uuid.UUID
    department_id: uuid.UUID
    weight: float


# --- the organisation (through the identity service) ------------------------------------------


async def create_organisation(database_url: str) -> list[Owner]:
    """Built-in roles, a department tree (HQ → 4 regions → 12 teams) and 200 users."""
    from crm.core import security
    from crm.core.db import Database
    from crm.identity import service as identity_service
    from crm.identity.schemas import DepartmentCreate, UserCreate

    db = Database(database_url)
    owners: list[Owner] = []
    # All bench users share one password: hash it once (argon2 costs ~0.1-0.3 s a time, a
    # minute for 200 users). Each stored hash is still a valid, salted argon2 hash.
    one_hash = functools.cache(security.hash_password)
    try:
        with mock.patch.object(security, "hash_password", one_hash):
            async with db.sessionmaker() as session:
                await identity_service.ensure_builtin_roles(session)

                async def department(name: str, parent: uuid.UUID | None) -> uuid.UUID:
                    data = DepartmentCreate(name=name, parent_id=parent)
                    return (await identity_service.create_department(session, data=data)).id

                async def user(
                    email: str, name: str, role: str, dept: uuid.UUID, manager: uuid.UUID | None
                ) -> uuid.UUID:
                    data = UserCreate(
                        email=email,
                        password=PASSWORD,
                        full_name=name,
                        role_keys=[role],
                        department_id=dept,
                        manager_id=manager,
                    )
                    return (await identity_service.create_user(session, data=data)).id

                hq = await department("销售总部", None)
                director = await user(DIRECTOR_EMAIL, "周总监 Zhou", "manager", hq, None)
                owners.append(Owner(director, hq, MANAGER_WEIGHT))
                team_sizes = iter(SALES_PER_TEAM)
                for key, (region_name, teams) in REGIONS.items():
                    region = await department(region_name, hq)
                    head = await user(
                        f"manager.{key}@bench.example.com",
                        f"{region_name}经理",
                        "manager",
                        region,
                        director,
                    )
                    owners.append(Owner(head, region, MANAGER_WEIGHT))
                    sales_no = 0
                    for team_no, team_name in enumerate(teams, start=1):
                        team = await department(team_name, region)
                        lead = await user(
                            f"lead.{key}.{team_no}@bench.example.com",
                            f"{team_name}组长",
                            "manager",
                            team,
                            head,
                        )
                        owners.append(Owner(lead, team, MANAGER_WEIGHT))
                        for _ in range(next(team_sizes)):
                            sales_no += 1
                            sales = await user(
                                f"sales.{key}.{sales_no:03d}@bench.example.com",
                                f"{team_name}销售{sales_no:03d}",
                                "sales",
                                team,
                                lead,
                            )
                            owners.append(Owner(sales, team, 1.0))
                await session.commit()
    finally:
        await db.dispose()
    return owners


# --- customers (COPY) -------------------------------------------------------------------------


def _mobile(rng: random.Random) -> str:
    return rng.choice(_MOBILE_PREFIXES) + f"{rng.randrange(100_000_000):08d}"


def _as_typed(national: str, rng: random.Random) -> str:
    style = rng.random()
    if style < 0.6:
        return national
    if style < 0.8:
        return f"{national[:3]} {national[3:7]} {national[7:]}"
    if style < 0.9:
        return f"+86 {national[:3]}-{national[3:7]}-{national[7:]}"
    return f"+86{national}"


def _name(rng: random.Random) -> tuple[str, str]:
    """(kind, name): Chinese and Latin companies and people."""
    pick = rng.random()
    if pick < 0.55:
        name = (
            rng.choice(_CN_PREFIX)
            + rng.choice(_CN_WORD)
            + rng.choice(_CN_TRADE)
            + rng.choice(_CN_SUFFIX)
        )
        return "company", name
    if pick < 0.70:
        name = " ".join((rng.choice(_EN_FIRST), rng.choice(_EN_SECOND), rng.choice(_EN_TRADE))) + (
            " " + rng.choice(_EN_SUFFIX)
        )
        return "company", name
    if pick < 0.92:
        given = rng.choice(_GIVEN) + (rng.choice(_GIVEN) if rng.random() < 0.7 else "")
        return "person", rng.choice(_SURNAMES) + given
    return "person", f"{rng.choice(_EN_GIVEN)} {rng.choice(_EN_FAMILY)}"


def customer_rows(
    count: int, owners: list[Owner], *, seed: int = 20261101
) -> Iterator[tuple[Any, ...]]:
    from crm.core.cleaning import normalize_company_name
    from crm.core.ids import new_id

    normalized = functools.lru_cache(maxsize=100_000)(normalize_company_name)
    rng = random.Random(seed)
    weights = [o.weight for o in owners]
    span = 3 * 365 * 24 * 3600
    cum_owners = rng.choices(owners, weights=weights, k=count)
    for i in range(count):
        owner = cum_owners[i]
        kind, name = _name(rng)
        national = _mobile(rng)
        has_phone = rng.random() < 0.9
        created = EPOCH - timedelta(seconds=rng.random() * span)
        updated = created + timedelta(seconds=rng.random() * (EPOCH - created).total_seconds())
        province, city, district = rng.choice(_CITIES)
        email = (
            f"{rng.choice(_EN_GIVEN).lower()}.{i}@{rng.choice(_DOMAINS)}"
            if rng.random() < 0.7
            else None
        )
        yield (
            new_id(),
            kind,
            name,
            _as_typed(national, rng) if has_phone else None,
            "+86" + national if has_phone else None,
            email,
            province,
            city,
            district,
            f"{district}{rng.randint(1, 999)}号" if rng.random() < 0.6 else None,
            rng.choice(_INDUSTRIES),
            rng.choice(_SOURCES),
            rng.sample(_TAGS, k=rng.choice((0, 0, 1, 1, 2))),
            None if rng.random() < 0.8 else "年度框架协议客户",
            owner.user_id,
            owner.department_id,
            created,
            updated,
            1 + int(rng.random() ** 3 * 6),
            updated if rng.random() < 0.01 else None,  # a few in the recycle bin
            normalized(name),  # as every customer write stores it
            "86" + national if has_phone else None,  # cleaning.phone_key of a valid number
        )


async def _secondary_indexes(conn: asyncpg.Connection) -> list[tuple[str, str, list[str]]]:
    """(name, CREATE INDEX statement, statements restoring its statistics targets) of every
    secondary index on customers: a migration may have raised an expression's statistics
    target (ALTER INDEX .. SET STATISTICS), which the CREATE INDEX statement does not carry."""
    rows = await conn.fetch(
        """SELECT i.relname AS name, pg_get_indexdef(i.oid) AS definition,
                  coalesce(array_agg(a.attnum || ' ' || a.attstattarget)
                           FILTER (WHERE a.attstattarget > 0), '{}') AS targets
             FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
             JOIN pg_attribute a ON a.attrelid = i.oid
            WHERE x.indrelid = 'customers'::regclass AND NOT x.indisprimary
            GROUP BY i.relname, i.oid"""
    )
    indexes = []
    for r in rows:
        targets = [t.split() for t in r["targets"]]
        restore = [
            f'ALTER INDEX "{r["name"]}" ALTER COLUMN {column} SET STATISTICS {target}'
            for column, target in targets
        ]
        indexes.append((r["name"], r["definition"], restore))
    return indexes


async def load_customers(conn: asyncpg.Connection, owners: list[Owner], count: int) -> None:
    indexes = await _secondary_indexes(conn)
    for name, _, _ in indexes:
        await conn.execute(f'DROP INDEX "{name}"')
    started = time.perf_counter()
    rows = customer_rows(count, owners)
    loaded = 0
    while loaded < count:
        chunk = [next(rows) for _ in range(min(COPY_CHUNK, count - loaded))]
        await conn.copy_records_to_table("customers", records=chunk, columns=_COLUMNS)
        loaded += len(chunk)
        print(
            f"  copied {loaded:>9,} customers  ({time.perf_counter() - started:5.1f} s)", flush=True
        )
    await conn.execute("SET maintenance_work_mem = '512MB'")
    for name, definition, restore_statistics in indexes:
        t = time.perf_counter()
        await conn.execute(definition)
        for statement in restore_statistics:
            await conn.execute(statement)
        print(f"  index {name:<40} {time.perf_counter() - t:5.1f} s", flush=True)


# --- the whole seed ---------------------------------------------------------------------------


async def read_marker(conn: asyncpg.Connection) -> dict[str, str]:
    exists = await conn.fetchval("SELECT to_regclass('bench.seed_info') IS NOT NULL")
    if not exists:
        return {}
    return {
        r["key"]: r["value"] for r in await conn.fetch("SELECT key, value FROM bench.seed_info")
    }


async def write_marker(conn: asyncpg.Connection, values: dict[str, str]) -> None:
    await conn.execute("CREATE SCHEMA IF NOT EXISTS bench")
    await conn.execute(
        "CREATE TABLE IF NOT EXISTS bench.seed_info (key text PRIMARY KEY, value text NOT NULL)"
    )
    await conn.execute("TRUNCATE bench.seed_info")
    await conn.executemany(
        "INSERT INTO bench.seed_info (key, value) VALUES ($1, $2)", list(values.items())
    )


async def seed(
    database_url: str, plain_url: str, rows: int, *, connect_kwargs: dict[str, Any]
) -> None:
    """Seed an empty, migrated database."""
    print("Creating the organisation (17 departments, 200 users) ...", flush=True)
    owners = await create_organisation(database_url)
    print(f"Loading {rows:,} customers with COPY ...", flush=True)
    conn = await asyncpg.connect(plain_url, **connect_kwargs)
    try:
        await load_customers(conn, owners, rows)
        print("VACUUM ANALYZE ...", flush=True)
        await conn.execute("VACUUM ANALYZE")
        head = await conn.fetchval("SELECT version_num FROM alembic_version")
        await write_marker(conn, {"version": SEED_VERSION, "rows": str(rows), "schema": head})
    finally:
        await conn.close()
