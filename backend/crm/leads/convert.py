"""Converting a lead into a customer (new, with the duplicate check, or an existing one), a
contact and a deal: one transaction, the request's, so a failure anywhere leaves nothing."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from crm.core import audit
from crm.core.changes import record_change
from crm.core.db import utcnow
from crm.core.errors import Conflict, Forbidden, Unprocessable, field_error
from crm.core.permissions import Principal
from crm.customers import service as customer_service
from crm.customers.dedupe import service as dedupe_service
from crm.customers.dedupe.schemas import DuplicateCheck
from crm.customers.models import Contact, Customer
from crm.customers.schemas import ContactCreate, CustomerCreate, CustomerRead
from crm.identity.models import User
from crm.leads.models import Lead
from crm.leads.schemas import ConvertContact, ConvertRequest
from crm.leads.service import get_lead
from crm.sales import service as sales_service


@dataclass
class Converted:
    lead: Lead
    customer: Customer
    customer_created: bool
    contact: Contact | None
    deal_id: uuid.UUID | None


def _require(principal: Principal, code: str) -> None:
    if not principal.can(code):
        raise Forbidden(f"Your role does not allow this ({code}).")


def _customer_from_lead(lead: Lead, owner_id: uuid.UUID) -> CustomerCreate:
    """The new customer as the lead describes it: its company, or the person."""
    try:
        return CustomerCreate(
            kind="company" if lead.company_name else "person",
            name=lead.company_name or lead.person_name or lead.email or lead.phone or "",
            phone=lead.phone,
            email=lead.email,
            province=lead.province,
            city=lead.city,
            source=lead.source,
            owner_id=owner_id,
        )
    except ValidationError as exc:
        msg = f"The lead does not make a valid customer: {exc.errors()[0]['msg']}. Send customer."
        raise Unprocessable(msg, errors=[field_error("customer", msg)]) from exc


def _contact_from_lead(lead: Lead) -> ConvertContact | None:
    if not lead.person_name:
        return None
    try:
        return ConvertContact(
            name=lead.person_name, title=lead.title, phone=lead.phone, email=lead.email
        )
    except ValidationError as exc:
        msg = f"The lead does not make a valid contact: {exc.errors()[0]['msg']}. Send contact."
        raise Unprocessable(msg, errors=[field_error("contact", msg)]) from exc


async def _refuse_duplicates(
    session: AsyncSession, principal: Principal, data: CustomerCreate
) -> None:
    candidates, hidden = await dedupe_service.check_duplicates(
        session,
        principal,
        data=DuplicateCheck(name=data.name, phone=data.phone, email=data.email, kind=data.kind),
    )
    if not candidates and not hidden:
        return
    duplicates: list[dict[str, Any]] = [
        {
            "customer": CustomerRead.model_validate(c.customer).model_dump(mode="json"),
            "score": c.score,
            "reasons": c.reasons,
        }
        for c in candidates
    ]
    raise Conflict(
        "Possible duplicates of the new customer: link one (customer_id) or create it anyway "
        '(on_duplicate "create").',
        extra={"duplicates": duplicates, "hidden_matches": hidden},
    )


async def _customer(
    session: AsyncSession,
    principal: Principal,
    lead: Lead,
    data: ConvertRequest,
    owner_id: uuid.UUID,
) -> tuple[Customer, bool]:
    if data.customer_id is not None:
        customer = await customer_service.referenced_customer(session, principal, data.customer_id)
        return customer, False
    _require(principal, "customers:write")
    new = data.customer or _customer_from_lead(lead, owner_id)
    if new.owner_id is None:
        new = new.model_copy(update={"owner_id": owner_id})
    if data.on_duplicate == "refuse":
        await _refuse_duplicates(session, principal, new)
    return await customer_service.create_customer(session, principal, data=new), True


async def convert_lead(
    session: AsyncSession, principal: Principal, *, lead_id: uuid.UUID, data: ConvertRequest
) -> Converted:
    lead = await get_lead(session, principal, lead_id, for_update=True, pool_too=False)
    if lead.status == "converted":
        raise Conflict("The lead is converted already.")
    owner_id = lead.owner_id or principal.user_id
    customer, created = await _customer(session, principal, lead, data, owner_id)
    contact_data = data.contact if "contact" in data.model_fields_set else _contact_from_lead(lead)
    contact = None
    if contact_data is not None:
        _require(principal, "contacts:write")
        contact = await customer_service.create_contact(
            session,
            principal,
            data=ContactCreate(customer_id=customer.id, **contact_data.model_dump()),
        )
    deal_id = None
    if data.deal is not None:
        _require(principal, "deals:write")
        owner = await session.get(User, owner_id)
        deal = await sales_service.open_deal(
            session,
            name=data.deal.name,
            customer_id=customer.id,
            owner_id=owner_id,
            department_id=owner.department_id if owner else None,
            actor_id=principal.user_id,
            contact_id=contact.id if contact else None,
            pipeline_id=data.deal.pipeline_id,
            amount=data.deal.amount,
            currency=data.deal.currency,
            expected_close_date=data.deal.expected_close_date,
            product_line=lead.product_line,
        )
        deal_id = deal.id
    before = audit.snapshot(lead)
    lead.status = "converted"
    lead.converted_at = utcnow()
    lead.converted_customer_id = customer.id
    lead.converted_contact_id = contact.id if contact else None
    lead.converted_deal_id = deal_id
    await session.flush()
    # customer_id in the payload puts the conversion on the customer's timeline.
    record_change(
        session,
        action="convert",
        object_type="lead",
        object_id=lead.id,
        before=before,
        after=audit.snapshot(lead),
        payload={
            "customer_id": str(customer.id),
            "customer_created": created,
            "contact_id": str(contact.id) if contact else None,
            "deal_id": str(deal_id) if deal_id else None,
        },
    )
    return Converted(lead, customer, created, contact, deal_id)
