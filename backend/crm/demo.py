"""A small demo data set for the first start: a sales organisation with customers and contacts."""

from __future__ import annotations

import random

from sqlalchemy import select

from crm.core.cleaning import phone_to_e164
from crm.core.db import Database
from crm.customers.models import Contact, Customer
from crm.identity import service as identity_service
from crm.identity.models import User
from crm.identity.schemas import DepartmentCreate, UserCreate

DEMO_USERS = [
    # (e-mail, name, role, team, reports to)
    ("manager@example.com", "王经理 Wang", "manager", "Sales", None),
    ("li.sales@example.com", "李销售 Li", "sales", "East team", "manager@example.com"),
    ("zhang.sales@example.com", "张销售 Zhang", "sales", "North team", "manager@example.com"),
    ("service@example.com", "陈客服 Chen", "service", "Service", None),
    ("marketing@example.com", "赵市场 Zhao", "marketing", "Marketing", None),
    ("auditor@example.com", "Auditor", "auditor", None, None),
]
_COMPANIES = [
    "上海星辰科技有限公司",
    "北京云帆信息技术股份有限公司",
    "深圳海川电子有限公司",
    "杭州青禾贸易有限公司",
    "Acme Industrial Co., Ltd.",
    "Northwind Traders Inc.",
    "广州锦程物流有限公司",
    "成都天府软件有限公司",
    "Blue Harbor Foods Ltd.",
    "南京金陵医药有限公司",
    "苏州新程机械有限公司",
    "Globex Corporation",
]
_PEOPLE = ["刘洋", "陈静", "杨帆", "黄磊", "周敏", "吴婷", "Emma Stone", "Liam Chen"]
_INDUSTRIES = ["manufacturing", "software", "retail", "logistics", "healthcare", "food"]
_SOURCES = ["web_form", "import", "referral", "trade_show", "ecommerce", "manual"]
_CITIES = [
    ("上海市", "上海市", "浦东新区"),
    ("北京市", "北京市", "海淀区"),
    ("广东省", "深圳市", "南山区"),
    ("浙江省", "杭州市", "西湖区"),
    ("江苏省", "南京市", "鼓楼区"),
    ("四川省", "成都市", "武侯区"),
]


async def load_demo_data(db: Database, *, password: str) -> dict[str, int]:
    rng = random.Random(42)  # noqa: S311 - not security: the same demo every time
    async with db.sessionmaker() as session:
        teams: dict[str, object] = {}
        root = await identity_service.create_department(
            session, data=DepartmentCreate(name="Sales")
        )
        teams["Sales"] = root.id
        for name, parent in (
            ("East team", root.id),
            ("North team", root.id),
            ("Service", None),
            ("Marketing", None),
        ):
            dept = await identity_service.create_department(
                session, data=DepartmentCreate(name=name, parent_id=parent)
            )
            teams[name] = dept.id
        users: dict[str, User] = {}
        for email, full_name, role, team, manager in DEMO_USERS:
            existing = (
                await session.execute(select(User).where(User.email == email))
            ).scalar_one_or_none()
            users[email] = existing or await identity_service.create_user(
                session,
                data=UserCreate(
                    email=email,
                    password=password,
                    full_name=full_name,
                    role_keys=[role],
                    department_id=teams.get(team) if team else None,
                    manager_id=users[manager].id if manager else None,
                ),
            )
        owners = [
            users["li.sales@example.com"],
            users["zhang.sales@example.com"],
            users["manager@example.com"],
        ]
        customers = 0
        for i, name in enumerate([*_COMPANIES, *_PEOPLE] * 3):
            owner = owners[i % len(owners)]
            province, city, district = rng.choice(_CITIES)
            phone = f"13{rng.randint(100000000, 999999999)}"
            customer = Customer(
                kind="person" if name in _PEOPLE else "company",
                name=name if i < len(_COMPANIES) + len(_PEOPLE) else f"{name} ({i})",
                phone=phone,
                phone_e164=phone_to_e164(phone),
                email=f"contact{i}@example.com",
                province=province,
                city=city,
                district=district,
                industry=rng.choice(_INDUSTRIES),
                source=rng.choice(_SOURCES),
                tags=rng.sample(["vip", "new", "key-account", "reseller"], k=rng.randint(0, 2)),
                owner_id=owner.id,
                department_id=owner.department_id,
            )
            session.add(customer)
            await session.flush()
            session.add(
                Contact(
                    customer_id=customer.id,
                    name=rng.choice(_PEOPLE),
                    title="采购经理",
                    phone=phone,
                    phone_e164=phone_to_e164(phone),
                    is_primary=True,
                )
            )
            customers += 1
        await session.commit()
    return {"departments": len(teams), "users": len(users), "customers": customers}
