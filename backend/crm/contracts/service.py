"""Contract templates and contracts. Every read of a contract goes through the data scope."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Row, case, select
from sqlalchemy.ext.asyncio import AsyncSession

from crm.contracts import lines as line_math

# The loaders live in deps.py; re-exported: other domains load through this service.
from crm.contracts.deps import get_contract as get_contract
from crm.contracts.lines import LineIn
from crm.contracts.models import Contract, ContractTemplate
from crm.contracts.numbering import next_number
from crm.contracts.rendering import check_template, render_terms
from crm.contracts.schemas import (
    ContractCreate,
    ContractRenew,
    ContractSummary,
    ContractTemplateCreate,
    ContractTemplateUpdate,
    ContractTransition,
    ContractUpdate,
)
from crm.core import audit, events, recycle
from crm.core.changes import record_change
from crm.core.concurrency import check_version
from crm.core.db import utcnow
from crm.core.errors import Conflict, Forbidden, NotFound, Unprocessable, field_error
from crm.core.pagination import PageParams, paginate, select_columns, text_contains
from crm.core.permissions import Principal, get_or_404, readable
from crm.customers import service as customer_service
from crm.customers.models import Customer
from crm.settings import get_settings

CONTRACT_NUMBER_KIND = "HT"
# Moving a contract to "signed" needs this besides contracts:write (see the catalogue).
SIGN_PERMISSION = "contracts:sign"
# Allowed moves; anything else is a 409 naming these. "expired" is normally set by the worker
# once end_date has passed, but a signed contract may also be closed as expired by hand.
CONTRACT_TRANSITIONS: dict[str, tuple[str, ...]] = {
    "draft": ("in_review",),
    "in_review": ("draft", "signed"),
    "signed": ("expired", "terminated"),
    "expired": (),
    "terminated": (),
}
CONTRACT_SORTS = {
    "created_at": Contract.created_at,
    "updated_at": Contract.updated_at,
    "number": Contract.number,
}


# --- templates ----------------------------------------------------------------------------------


async def list_templates(
    session: AsyncSession, *, params: PageParams, active: bool | None
) -> tuple[Sequence[ContractTemplate], str | None, int | None]:
    stmt = select(ContractTemplate)
    if active is not None:
        stmt = stmt.where(ContractTemplate.active.is_(active))
    if params.q:
        stmt = stmt.where(text_contains(ContractTemplate.name, params.q))
    return await paginate(
        session,
        stmt,
        params=params,
        id_column=ContractTemplate.id,
        sortable={"created_at": ContractTemplate.created_at, "name": ContractTemplate.name},
        default_sort="name",
    )


async def get_template(
    session: AsyncSession, template_id: uuid.UUID, *, for_update: bool = False
) -> ContractTemplate:
    return await get_or_404(
        session,
        ContractTemplate,
        template_id,
        not_found="No such contract template.",
        for_update=for_update,
    )


async def create_template(
    session: AsyncSession, *, data: ContractTemplateCreate
) -> ContractTemplate:
    check_template(data.body)
    template = ContractTemplate(**data.model_dump())
    session.add(template)
    await session.flush()
    record_change(
        session,
        action="create",
        object_type="contract_template",
        object_id=template.id,
        after=audit.snapshot(template),
    )
    return template


async def update_template(
    session: AsyncSession,
    *,
    template_id: uuid.UUID,
    data: ContractTemplateUpdate,
    if_match: int | None,
) -> ContractTemplate:
    template = await get_template(session, template_id, for_update=True)
    check_version(template, if_match, data.version)
    before = audit.snapshot(template)
    changes = data.model_dump(exclude_unset=True, exclude={"version"})
    for key in ("name", "currency", "body", "active"):
        if key in changes and changes[key] is None:
            raise Unprocessable(f"{key} cannot be empty.", errors=[field_error(key, "Required.")])
    if "body" in changes:
        check_template(changes["body"])
    for key, value in changes.items():
        setattr(template, key, value)
    low, high = template.min_amount, template.max_amount
    if low is not None and high is not None and low > high:
        msg = "min_amount must not exceed max_amount."
        raise Unprocessable(msg, errors=[field_error("min_amount", msg)])
    await session.flush()
    record_change(
        session,
        action="update",
        object_type="contract_template",
        object_id=template.id,
        before=before,
        after=audit.snapshot(template),
    )
    return template


async def delete_template(session: AsyncSession, *, template_id: uuid.UUID) -> None:
    """Contracts made from it keep their rendered terms (their template_id becomes null)."""
    template = await get_template(session, template_id, for_update=True)
    before = audit.snapshot(template)
    await session.delete(template)
    await session.flush()
    record_change(
        session,
        action="delete",
        object_type="contract_template",
        object_id=template_id,
        before=before,
    )


async def match_template(
    session: AsyncSession, *, product_line: str | None, amount: Decimal, currency: str
) -> ContractTemplate | None:
    """The active template for a deal: of its currency, its product line (or any line) and an
    amount range holding its amount. A template naming the product line beats a general one,
    then the narrower range, then the older template."""
    stmt = (
        select(ContractTemplate)
        .where(
            ContractTemplate.active.is_(True),
            ContractTemplate.currency == currency,
            (ContractTemplate.product_line.is_(None))
            | (ContractTemplate.product_line == product_line),
            (ContractTemplate.min_amount.is_(None)) | (ContractTemplate.min_amount <= amount),
            (ContractTemplate.max_amount.is_(None)) | (ContractTemplate.max_amount >= amount),
        )
        .order_by(
            case((ContractTemplate.product_line.is_(None), 1), else_=0),
            (ContractTemplate.max_amount - ContractTemplate.min_amount).asc().nulls_last(),
            ContractTemplate.created_at,
            ContractTemplate.id,
        )
        .limit(1)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


# --- contracts: reading -------------------------------------------------------------------------


async def list_contracts(
    session: AsyncSession,
    principal: Principal,
    *,
    params: PageParams,
    status: str | None,
    customer_id: uuid.UUID | None,
    deal_id: uuid.UUID | None,
) -> tuple[Sequence[Row[Any]], str | None, int | None]:
    stmt = readable(select_columns(ContractSummary, Contract), Contract, principal)
    filters = {
        Contract.status: status,
        Contract.customer_id: customer_id,
        Contract.deal_id: deal_id,
    }
    for column, value in filters.items():
        if value is not None:
            stmt = stmt.where(column == value)
    if params.q:
        stmt = stmt.where(
            text_contains(Contract.number, params.q) | text_contains(Contract.title, params.q)
        )
    return await paginate(
        session,
        stmt,
        params=params,
        id_column=Contract.id,
        sortable=CONTRACT_SORTS,
        default_sort="-created_at",
    )


# --- contracts: writing -------------------------------------------------------------------------


def _parties(customer: Customer) -> dict[str, Any]:
    return {
        "company": {"name": get_settings().company_name},
        "customer": {
            "id": str(customer.id),
            "name": customer.name,
            "address": customer.address,
            "phone": customer.phone,
            "email": customer.email,
        },
    }


def _terms(template: ContractTemplate, contract: Contract) -> str:
    """The template rendered for ``contract`` (its parties snapshot, lines and figures)."""
    context = {
        "contract": {
            "number": contract.number,
            "title": contract.title,
            "start_date": contract.start_date,
            "end_date": contract.end_date,
            "total": contract.total,
            "currency": contract.currency,
        },
        "customer": contract.parties.get("customer", {}),
        "company": contract.parties.get("company", {}),
        "lines": contract.lines,
    }
    return render_terms(template.body, context)


async def build_contract(
    session: AsyncSession,
    *,
    customer: Customer,
    title: str,
    lines: Sequence[LineIn],
    currency: str,
    template: ContractTemplate | None = None,
    terms: str | None = None,
    start_date: date | None = None,
    end_date: date | None = None,
    deal_id: uuid.UUID | None = None,
    renewed_from_id: uuid.UUID | None = None,
    owner_id: uuid.UUID | None = None,
    department_id: uuid.UUID | None = None,
    notes: str | None = None,
    lenient_terms: bool = False,
) -> Contract:
    """A numbered draft with rendered terms, its audit entry and ``contract.created`` event
    (naming the customer, so it shows on the customer's timeline). Callers check scope.
    With ``lenient_terms`` a template that fails to render leaves the terms empty instead of
    refusing the contract (the won-deal handler: a broken template must not stop the draft)."""
    stored, total = line_math.priced_lines(lines)
    contract = Contract(
        number=await next_number(session, CONTRACT_NUMBER_KIND),
        title=title,
        customer_id=customer.id,
        deal_id=deal_id,
        template_id=template.id if template else None,
        renewed_from_id=renewed_from_id,
        parties=_parties(customer),
        start_date=start_date,
        end_date=end_date,
        currency=currency,
        lines=stored,
        total=total,
        status="draft",
        notes=notes,
        owner_id=owner_id if owner_id is not None else customer.owner_id,
        department_id=department_id if owner_id is not None else customer.department_id,
    )
    if terms is not None:
        contract.terms = terms
    elif template is not None:
        try:
            contract.terms = _terms(template, contract)
        except Unprocessable:
            if not lenient_terms:
                raise
            contract.terms = ""
    session.add(contract)
    await session.flush()
    record_change(
        session,
        action="create",
        object_type="contract",
        object_id=contract.id,
        after=audit.snapshot(contract),
        payload={
            "customer_id": str(contract.customer_id),
            "number": contract.number,
            "deal_id": str(deal_id) if deal_id else None,
        },
    )
    return contract


async def _template_for(session: AsyncSession, template_id: uuid.UUID) -> ContractTemplate:
    template = await session.get(ContractTemplate, template_id)
    if template is None or not template.active:
        msg = "No such active contract template."
        raise Unprocessable(msg, errors=[field_error("template_id", msg)])
    return template


async def ensure_visible(session: AsyncSession, principal: Principal, obj: Any) -> None:
    """Refuse a write whose result the caller could not see (a customer owned outside the
    caller's contracts scope): it would be a write into someone else's data."""
    await session.flush()
    model = type(obj)
    found = await session.execute(
        readable(select(model.id).where(model.id == obj.id), model, principal)
    )
    if found.first() is None:
        msg = "That customer's records are outside your data scope."
        raise Unprocessable(msg, errors=[field_error("customer_id", msg)])


async def create_contract(
    session: AsyncSession, principal: Principal, *, data: ContractCreate
) -> Contract:
    customer = await customer_service.referenced_customer(session, principal, data.customer_id)
    template = await _template_for(session, data.template_id) if data.template_id else None
    contract = await build_contract(
        session,
        customer=customer,
        title=data.title or (template.name if template else f"Contract with {customer.name}"),
        lines=data.lines,
        currency=data.currency,
        template=template,
        terms=data.terms,
        start_date=data.start_date,
        end_date=data.end_date,
        notes=data.notes,
    )
    await ensure_visible(session, principal, contract)
    return contract


async def update_contract(
    session: AsyncSession,
    principal: Principal,
    *,
    contract_id: uuid.UUID,
    data: ContractUpdate,
    if_match: int | None,
) -> Contract:
    contract = await get_contract(session, principal, contract_id, for_update=True)
    check_version(contract, if_match, data.version)
    if contract.status != "draft":
        raise Conflict(f"Only a draft contract can be edited; this one is {contract.status}.")
    before = audit.snapshot(contract)
    changes = data.model_dump(exclude_unset=True, exclude={"version", "lines"})
    for key in ("title", "currency", "terms"):
        if key in changes and changes[key] is None:
            raise Unprocessable(f"{key} cannot be empty.", errors=[field_error(key, "Required.")])
    for key, value in changes.items():
        setattr(contract, key, value)
    if data.lines is not None:
        contract.lines, contract.total = line_math.priced_lines(data.lines)
    if contract.start_date and contract.end_date and contract.end_date < contract.start_date:
        msg = "end_date must not precede start_date."
        raise Unprocessable(msg, errors=[field_error("end_date", msg)])
    # Terms rendered from a template follow the figures they show, unless given by hand.
    if "terms" not in changes and contract.template_id is not None:
        template = await session.get(ContractTemplate, contract.template_id)
        if template is not None:
            contract.terms = _terms(template, contract)
    await session.flush()
    record_change(
        session,
        action="update",
        object_type="contract",
        object_id=contract.id,
        before=before,
        after=audit.snapshot(contract),
        payload={"customer_id": str(contract.customer_id)},
    )
    return contract


def set_status(session: AsyncSession, contract: Contract, status: str) -> None:
    """Move ``contract`` to ``status`` (already checked), with audit entry and events:
    ``contract.status_changed`` always, ``contract.signed`` on signing."""
    before = audit.snapshot(contract)
    previous = contract.status
    contract.status = status
    if status == "signed":
        contract.signed_at = utcnow()
    payload = {
        "customer_id": str(contract.customer_id),
        "number": contract.number,
        "from": previous,
        "to": status,
    }
    audit.record(
        session,
        action="status_change",
        object_type="contract",
        object_id=contract.id,
        before=before,
        after=audit.snapshot(contract),
    )
    events.emit(
        session,
        "contract.status_changed",
        object_type="contract",
        object_id=contract.id,
        payload=payload,
    )
    if status == "signed":
        events.emit(
            session,
            "contract.signed",
            object_type="contract",
            object_id=contract.id,
            payload=payload,
        )


async def transition_contract(
    session: AsyncSession,
    principal: Principal,
    *,
    contract_id: uuid.UUID,
    data: ContractTransition,
    if_match: int | None,
) -> Contract:
    contract = await get_contract(session, principal, contract_id, for_update=True)
    if data.status == "signed" and not principal.can(SIGN_PERMISSION):
        raise Forbidden(f"Your role does not allow this ({SIGN_PERMISSION}).")
    check_version(contract, if_match, data.version)
    allowed = CONTRACT_TRANSITIONS[contract.status]
    if data.status not in allowed:
        raise Conflict(
            f"A {contract.status} contract cannot become {data.status}; allowed: "
            f"{', '.join(allowed) or 'none'}.",
            extra={"allowed": list(allowed)},
        )
    if data.status == "signed" and (contract.start_date is None or contract.end_date is None):
        msg = "A contract needs a start and an end date before it is signed."
        raise Unprocessable(msg, errors=[field_error("end_date", msg)])
    set_status(session, contract, data.status)
    await session.flush()
    return contract


async def renew_contract(
    session: AsyncSession, principal: Principal, *, contract_id: uuid.UUID, data: ContractRenew
) -> Contract:
    """The next contract: a draft with the same customer, lines and template, starting after
    this one ends and, unless told otherwise, running as long."""
    contract = await get_contract(session, principal, contract_id, for_update=True)
    if contract.status not in ("signed", "expired"):
        raise Conflict(
            f"Only a signed or expired contract can be renewed; this one is {contract.status}."
        )
    taken = await session.scalar(
        select(Contract.number).where(Contract.renewed_from_id == contract.id)
    )
    if taken is not None:
        raise Conflict(f"This contract has been renewed already, by {taken}.")
    start = data.start_date or (
        contract.end_date + timedelta(days=1) if contract.end_date else None
    )
    end = data.end_date
    if end is None and start and contract.start_date and contract.end_date:
        end = start + (contract.end_date - contract.start_date)
    if start and end and end < start:
        msg = "end_date must not precede start_date."
        raise Unprocessable(msg, errors=[field_error("end_date", msg)])
    customer = await session.get(Customer, contract.customer_id)
    if customer is None:
        raise NotFound("No such customer.")
    template = (
        await session.get(ContractTemplate, contract.template_id) if contract.template_id else None
    )
    renewal = await build_contract(
        session,
        customer=customer,
        title=contract.title,
        lines=line_math.restate(contract.lines),
        currency=contract.currency,
        template=template,
        terms=None if template else contract.terms,
        start_date=start,
        end_date=end,
        renewed_from_id=contract.id,
        owner_id=contract.owner_id,
        department_id=contract.department_id,
    )
    await ensure_visible(session, principal, renewal)
    return renewal


async def delete_contract(
    session: AsyncSession, principal: Principal, *, contract_id: uuid.UUID
) -> None:
    contract = await get_contract(session, principal, contract_id, for_update=True)
    if contract.status == "signed":
        raise Conflict("A signed contract cannot be deleted; terminate it instead.")
    await recycle.soft_delete(
        session,
        contract,
        object_type="contract",
        title=f"{contract.number} {contract.title}",
        actor_id=principal.user_id,
    )
