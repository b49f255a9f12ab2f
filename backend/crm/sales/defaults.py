"""The default pipeline, created at start when a database has no pipeline at all."""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from crm.sales.models import Pipeline, Stage

# (key, name, probability %, kind, gate, triggers) in order. Leaving "needs confirmed" needs a
# needs document and a competitor analysis attached; entering "negotiation/signing" recommends
# a contract template and asks the legal reviewers for a review (PRODUCT.md §1.5).
DEFAULT_STAGES: tuple[tuple[str, str, int, str, dict[str, Any], list[dict[str, Any]]], ...] = (
    ("initial_contact", "Initial contact", 10, "open", {}, []),
    (
        "needs_confirmed",
        "Needs confirmed",
        25,
        "open",
        {"required_fields": [], "required_attachments": ["needs_document", "competitor_analysis"]},
        [],
    ),
    ("proposal", "Proposal/quote", 50, "open", {}, []),
    (
        "negotiation",
        "Negotiation/signing",
        75,
        "open",
        {},
        [{"type": "recommend_contract_template"}, {"type": "legal_review_task"}],
    ),
    ("won", "Won", 100, "won", {}, []),
    # Entering a lost stage always needs a reason (sales rules), not a gate.
    ("lost", "Lost", 0, "lost", {}, []),
)


async def ensure_default_pipeline(session: AsyncSession) -> None:
    """Create the default pipeline unless some pipeline exists (an administrator's own set-up
    is never touched)."""
    # Two processes starting at once (API and worker) must not both create one.
    await session.execute(text("SELECT pg_advisory_xact_lock(hashtext('crm.default_pipeline'))"))
    if await session.scalar(select(exists().where(Pipeline.id.isnot(None)))):
        return
    pipeline = Pipeline(name="Sales", is_default=True)
    session.add(pipeline)
    await session.flush()
    for position, (key, name, probability, kind, gate, triggers) in enumerate(
        DEFAULT_STAGES, start=1
    ):
        session.add(
            Stage(
                pipeline_id=pipeline.id,
                key=key,
                name=name,
                position=position,
                probability=probability,
                kind=kind,
                gate=gate,
                triggers=triggers,
            )
        )
