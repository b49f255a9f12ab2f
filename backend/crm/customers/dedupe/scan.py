"""Grouping a whole customer base into sets of likely duplicates, without comparing every pair.

Links between two customers:
- the same E.164 phone or the same e-mail (score 100): found with one dict lookup per row;
- company names: identical normalised names (score 100), then similar ones (rapidfuzz ratio
  of the normalised names, at least :data:`NAME_CUTOFF`). Similar names are only compared
  within a block of names sharing their first characters; a block too big is split on a
  longer prefix. Each distinct name is compared once, however many customers carry it.

Linked customers form groups (union-find: A~B and B~C put A, B, C together). The cost grows
with the sum of the squared block sizes of *distinct* names, not with the square of the rows.
People are linked by phone and e-mail only: two people of the same name are no evidence.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

NAME_CUTOFF = 85.0  # rapidfuzz ratio (0-100) two different normalised names must reach
MAX_BLOCK = 800  # distinct names compared pairwise in one block
BLOCK_PREFIX = 2  # characters of the first blocking key (CJK names are short)
MAX_PREFIX = 8


@dataclass(frozen=True)
class ScanRow:
    id: uuid.UUID
    kind: str
    name_normalized: str
    phone_e164: str | None
    email: str | None


@dataclass
class FoundGroup:
    member_ids: list[uuid.UUID]
    score: float
    reasons: list[str]
    member_scores: dict[uuid.UUID, float] = field(default_factory=dict)
    member_reasons: dict[uuid.UUID, list[str]] = field(default_factory=dict)


class _Links:
    """Union-find over row indexes, remembering each row's best link and its reasons."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))
        self.best = [0.0] * size
        self.reasons: list[set[str]] = [set() for _ in range(size)]

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def link(self, a: int, b: int, score: float, reason: str) -> None:
        for i in (a, b):
            self.best[i] = max(self.best[i], score)
            self.reasons[i].add(reason)
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            self.parent[root_b] = root_a


def _link_equal_values(
    links: _Links, values: Iterable[tuple[int, str | None]], reason: str
) -> None:
    first: dict[str, int] = {}
    for index, value in values:
        if not value:
            continue
        seen = first.setdefault(value, index)
        if seen != index:
            links.link(seen, index, 100.0, reason)


def _blocks(names: list[str], prefix: int = BLOCK_PREFIX) -> Iterable[list[str]]:
    """Names sharing their first ``prefix`` characters; big blocks split on a longer prefix."""
    by_prefix: dict[str, list[str]] = defaultdict(list)
    for name in names:
        by_prefix[name[:prefix]].append(name)
    for block in by_prefix.values():
        if len(block) > MAX_BLOCK and prefix < MAX_PREFIX:
            yield from _blocks(block, prefix + 1)
        elif len(block) > 1:
            yield block


def similar_name_pairs(
    names: list[str], *, on_block: Callable[[int], None] | None = None
) -> Iterable[tuple[str, str, float]]:
    """(name, other name, ratio) for distinct names at least NAME_CUTOFF alike, in blocks."""
    for block in _blocks(sorted(names)):
        for i, name in enumerate(block[:-1]):
            rest = block[i + 1 :]
            for other, score, _ in process.extract(
                name, rest, scorer=fuzz.ratio, score_cutoff=NAME_CUTOFF, limit=None
            ):
                yield name, other, float(score)
        if on_block is not None:
            on_block(len(block))


def find_groups(
    rows: list[ScanRow], *, on_block: Callable[[int], None] | None = None
) -> list[FoundGroup]:
    links = _Links(len(rows))
    _link_equal_values(links, ((i, r.phone_e164) for i, r in enumerate(rows)), "phone")
    _link_equal_values(links, ((i, r.email) for i, r in enumerate(rows)), "email")

    by_name: dict[str, list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        if row.kind != "person" and row.name_normalized:
            by_name[row.name_normalized].append(i)
    for same_name in by_name.values():
        for index in same_name[1:]:
            links.link(same_name[0], index, 100.0, "name")
    for name, other, score in similar_name_pairs(list(by_name), on_block=on_block):
        links.link(by_name[name][0], by_name[other][0], score, "name")

    members: dict[int, list[int]] = defaultdict(list)
    for i in range(len(rows)):
        if links.reasons[i]:
            members[links.find(i)].append(i)
    groups = []
    for indexes in members.values():
        if len(indexes) < 2:
            continue
        reasons = set().union(*(links.reasons[i] for i in indexes))
        groups.append(
            FoundGroup(
                member_ids=[rows[i].id for i in indexes],
                score=max(links.best[i] for i in indexes),
                reasons=[r for r in ("phone", "email", "name") if r in reasons],
                member_scores={rows[i].id: links.best[i] for i in indexes},
                member_reasons={
                    rows[i].id: [r for r in ("phone", "email", "name") if r in links.reasons[i]]
                    for i in indexes
                },
            )
        )
    groups.sort(key=lambda g: (-g.score, -len(g.member_ids)))
    return groups
