"""Whether two customer records are the same company or person: the one scorer of the duplicate
scan, the import preview (within the file and against existing records) and the per-record
duplicate check.

A pair is scored from all the evidence, Fellegi-Sunter style: each field that both records have
adds a weight when it agrees and takes one off when it disagrees (roughly the log-odds of the
agreement among true duplicates against among different customers), and the pair matches when
the sum reaches :data:`MATCH_WEIGHT`. The weights are hand-set rather than learnt (recordlinkage
or splink would fit them by EM): a few fields with well-understood meaning, and the cases that
matter are decided by the sign of one or two weights, which tests/dedupe_eval.py measures:

- the same phone key or e-mail is strong evidence (shared switchboards are rare);
- the same name core is strong evidence unless the regions written with it conflict;
- names that differ only in a run of digits ("Tyrell636 Foods" / "Tyrell5658 Foods"), or short
  Chinese cores one or two characters apart ("业顺嘉生物" / "业汇顺生物"), are evidence
  against: such names are usually different companies of one naming pattern;
- a long name one typo away is weak evidence for.

Groups form around representatives (:func:`cluster`): a record joins a group only if it matches
the group's representative itself, so A~B and B~C never put A and C together through B.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from crm.core.cleaning import (
    CompanyKey,
    company_name_key,
    region_name,
    regions_compatible,
    split_address,
)

MATCH_WEIGHT = 5.0  # a pair at or above this total weight is the same customer
PHONE_AGREE, PHONE_DISAGREE = 10.0, -2.0
EMAIL_AGREE, EMAIL_DISAGREE = 10.0, -1.0
ADDRESS_AGREE, ADDRESS_DISAGREE = 3.0, -1.0
REGION_AGREE, REGION_CONFLICT = 1.0, -6.0
NAME_EQUAL = 6.0
NAME_EQUAL_SHORT = 4.0  # a core of one or two characters ("银行") says less
NAME_TYPO = 4.0  # a long name one or two edits away
NAME_DIGITS_DIFFER = -8.0
NAME_SHORT_CJK_DIFFER = -4.0
NAME_DIFFERENT = -4.0
SHORT_CJK_CORE = 6  # a CJK core this short that differs in a character is another company
LONG_NAME = 10  # characters a name needs for a typo in it to count as the same name
TYPO_RATIO = 90.0
# Records sharing one blocking key beyond this many are not compared on it (a key held by so
# many records is no evidence, and comparing them all would be quadratic).
MAX_BLOCK = 500
NAME_BLOCK_CHARS = 16  # the part of a core whose one-character deletions are blocking keys

_DIGITS = re.compile(r"\d+")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_ADDRESS_NOISE = re.compile(r"[\s,.\uff0c\u3002#号-]")


@dataclass(frozen=True)
class Record:
    """What the scorer compares of one customer or import row (each value cleaned)."""

    kind: str  # "company" or "person": a person's name is no evidence
    core: str  # the name's core (cleaning.company_name_key), "" when unknown
    # The region written with the name, else the city of the address: where the company is.
    region: str | None
    phone_key: str | None
    email: str | None
    address: str | None  # compared whole, punctuation and spaces dropped

    @classmethod
    def of(
        cls,
        *,
        name: str | None,
        kind: str | None = None,
        phone_key: str | None = None,
        email: str | None = None,
        address: str | None = None,
    ) -> Record:
        key = _name_key(name)
        place, where = _address(address)
        return cls(
            kind or "company",
            key.core,
            key.region or place,
            phone_key or None,
            email.lower() if email else None,
            where,
        )


# Parsing names and addresses is most of the cost of a score; the duplicate check sees the same
# candidates again and again, and a file repeats its addresses.
_PARSED_CACHE = 65_536


@functools.lru_cache(maxsize=_PARSED_CACHE)
def _name_key(name: str | None) -> CompanyKey:
    return company_name_key(name)


@functools.lru_cache(maxsize=_PARSED_CACHE)
def _address(raw: str | None) -> tuple[str | None, str | None]:
    """(region, comparable form) of an address: its city (or province) as a region name, and
    the address with its province / city / district written one way ("上海徐汇区1号" and
    "上海市上海市徐汇区1号" alike), punctuation and spaces dropped."""
    if not raw:
        return None, None
    parts = split_address(raw)
    if parts is None:
        return None, None
    place = parts.city or parts.province
    region = region_name(place) if place else None
    whole = "".join(p or "" for p in (parts.province, parts.city, parts.district)) + parts.rest
    return region, _ADDRESS_NOISE.sub("", whole.casefold()) or None


@dataclass(frozen=True)
class Score:
    weight: float
    reasons: tuple[str, ...]  # the fields that agreed: "phone", "email", "name"

    @property
    def is_match(self) -> bool:
        return self.weight >= MATCH_WEIGHT

    @property
    def percent(self) -> float:
        """The weight on the 0-100 scale the API reports (100: certain)."""
        return round(max(0.0, min(100.0, self.weight * 10)), 1)


def _name_weight(first: str, second: str) -> float:
    if first == second or first.replace(" ", "") == second.replace(" ", ""):  # "Blue Harbor"
        return NAME_EQUAL if len(first) > 2 else NAME_EQUAL_SHORT
    if _DIGITS.findall(first) != _DIGITS.findall(second):
        return NAME_DIGITS_DIFFER
    mostly_cjk = len(_CJK.findall(first)) * 2 > len(first)
    if mostly_cjk and min(len(first), len(second)) <= SHORT_CJK_CORE:
        return NAME_SHORT_CJK_DIFFER
    if min(len(first), len(second)) >= LONG_NAME and (
        Levenshtein.distance(first, second) <= 2 or fuzz.ratio(first, second) >= TYPO_RATIO
    ):
        return NAME_TYPO
    return NAME_DIFFERENT


def _field(first: str | None, second: str | None, agree: float, disagree: float) -> float:
    if first is None or second is None:
        return 0.0
    return agree if first == second else disagree


def score(first: Record, second: Record) -> Score:
    """The evidence that the two records are one customer."""
    reasons = []
    weight = _field(first.phone_key, second.phone_key, PHONE_AGREE, PHONE_DISAGREE)
    if weight > 0:
        reasons.append("phone")
    email = _field(first.email, second.email, EMAIL_AGREE, EMAIL_DISAGREE)
    if email > 0:
        reasons.append("email")
    weight += email + _field(first.address, second.address, ADDRESS_AGREE, ADDRESS_DISAGREE)
    companies = first.kind != "person" and second.kind != "person"
    if companies and first.core and second.core:
        name = _name_weight(first.core, second.core)
        if name > 0:
            reasons.append("name")
        weight += name
        if first.region is not None and second.region is not None:
            compatible = regions_compatible(first.region, second.region)
            weight += REGION_AGREE if compatible else REGION_CONFLICT
    return Score(weight, tuple(reasons))


# --- blocking and clustering ------------------------------------------------------------------


def blocking_keys(record: Record) -> Iterable[Hashable]:
    """The keys a record shares with its likely duplicates: its phone key, e-mail, name core,
    and for a long core the core with any one character deleted (two cores one edit apart
    share one of those; shorter cores one edit apart are no match on their name alone)."""
    if record.phone_key:
        yield ("phone", record.phone_key)
    if record.email:
        yield ("email", record.email)
    if record.kind != "person" and record.core:
        head = record.core[:NAME_BLOCK_CHARS]
        yield ("name", head)
        if len(record.core) >= LONG_NAME:
            for i in range(len(head)):
                yield ("name", head[:i] + head[i + 1 :])


def candidate_pairs(records: Sequence[Record]) -> set[tuple[int, int]]:
    """Index pairs (lower first) sharing a blocking key."""
    blocks: dict[Hashable, list[int]] = defaultdict(list)
    for index, record in enumerate(records):
        for key in set(blocking_keys(record)):
            blocks[key].append(index)
    pairs: set[tuple[int, int]] = set()
    for members in blocks.values():
        if 1 < len(members) <= MAX_BLOCK:
            for i, first in enumerate(members[:-1]):
                pairs.update((first, second) for second in members[i + 1 :])
    return pairs


@dataclass(frozen=True)
class Link:
    representative: int  # index of the record the member matched
    score: Score


def _information(record: Record) -> int:
    """How many fields a record has to be compared on: the better representative of a group."""
    values = (record.phone_key, record.email, record.address, record.region)
    return sum(v is not None for v in values)


def cluster(
    records: Sequence[Record],
    *,
    order: Callable[[int], Any] | None = None,
) -> dict[int, Link]:
    """Each record that duplicates another: the representative of its group and its score
    against it.

    Representatives are taken in ``order`` (default: the records with the most fields to
    compare first, then the most linked, so a group forms around its best-known record); a
    record joins the best-scoring representative it matches and no member of whose group is
    evidence against it (a negative score), or becomes a representative itself. No record joins
    through another member, so groups cannot chain."""
    matches: dict[int, dict[int, Score]] = defaultdict(dict)
    for first, second in candidate_pairs(records):
        result = score(records[first], records[second])
        if result.is_match:
            matches[first][second] = result
            matches[second][first] = result

    def default_order(i: int) -> tuple[int, int, int]:
        return (-_information(records[i]), -len(matches[i]), i)

    members: dict[int, list[int]] = {}
    links: dict[int, Link] = {}
    for index in sorted(matches, key=order or default_order):
        joinable = [
            (found.weight, -rep, rep)
            for rep, found in matches[index].items()
            if rep in members
            and all(score(records[index], records[other]).weight >= 0 for other in members[rep])
        ]
        if joinable:
            _, _, best = max(joinable)
            links[index] = Link(best, matches[index][best])
            members[best].append(index)
        else:
            members[index] = []
    return links
