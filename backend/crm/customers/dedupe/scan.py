"""Grouping a whole customer base into sets of likely duplicates, without comparing every pair.

Candidate pairs come from blocking keys (the same phone key, e-mail, name core, or a core one
edit away: see :mod:`crm.customers.dedupe.scoring`), each pair is scored from all the
evidence, and groups form around representatives: every member matches its group's
representative itself, so different companies are never chained into one group through a
series of near-identical names. People are compared on phone, e-mail and address only: two
people of the same name are no evidence.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from crm.customers.dedupe import scoring

_REASONS = ("phone", "email", "name")


@dataclass(frozen=True)
class ScanRow:
    id: uuid.UUID
    kind: str
    name: str
    phone_key: str | None
    email: str | None
    address: str | None = None


@dataclass
class FoundGroup:
    member_ids: list[uuid.UUID]
    score: float
    reasons: list[str]
    member_scores: dict[uuid.UUID, float] = field(default_factory=dict)
    member_reasons: dict[uuid.UUID, list[str]] = field(default_factory=dict)


def find_groups(rows: list[ScanRow]) -> list[FoundGroup]:
    records = [
        scoring.Record.of(
            name=row.name,
            kind=row.kind,
            phone_key=row.phone_key,
            email=row.email,
            address=row.address,
        )
        for row in rows
    ]
    members: dict[int, list[tuple[int, scoring.Score]]] = defaultdict(list)
    for index, link in scoring.cluster(records).items():
        members[link.representative].append((index, link.score))
    groups = []
    for representative, linked in members.items():
        # The representative's own score and reasons: its strongest link in the group.
        best = max((s for _, s in linked), key=lambda s: s.weight)
        scored = [(representative, best), *linked]
        groups.append(
            FoundGroup(
                member_ids=[rows[i].id for i, _ in scored],
                score=best.percent,
                reasons=[r for r in _REASONS if any(r in s.reasons for _, s in scored)],
                member_scores={rows[i].id: s.percent for i, s in scored},
                member_reasons={
                    rows[i].id: [r for r in _REASONS if r in s.reasons] for i, s in scored
                },
            )
        )
    groups.sort(key=lambda g: (-g.score, -len(g.member_ids)))
    return groups
