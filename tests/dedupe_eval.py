"""A labelled evaluation set for duplicate detection: messy customer records with ground-truth
clusters, and pair precision / recall of a set of predicted links against them.

Seeded, so a seed always gives the same records. What it covers: legal-suffix variants, region
prefixes with and without 省/市 and bracketed regions, full-width characters, one-character
typos, phones in many formats (numbers on ranges the phone library rejects among them), e-mail
case, missing fields, and look-alike different companies that must stay apart: Latin names
differing in a run of digits ("Tyrell636 Foods" / "Tyrell5658 Foods"), Chinese cores one or two
characters apart in one city and industry, one core in two regions, and people sharing a name.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass

CITIES = ("上海", "北京", "深圳", "广州", "杭州", "苏州", "成都", "武汉", "南京", "天津", "重庆")
PROVINCE_OF = {"深圳": "广东省", "广州": "广东省", "杭州": "浙江省", "苏州": "江苏省"}
DISTRICTS = ("中心区", "高新区", "东城区", "西湖区", "南山区", "浦东新区", "江北县")
CORE_CHARS = "星辰华强业顺嘉汇恒远博瑞鑫达宏盛新兴嘉禾东方金阳光明天宇中科创腾飞云帆锦程安泰宝利"
INDUSTRIES = ("科技", "贸易", "生物", "食品", "物流", "电子", "机械", "医药", "文化传媒", "建材")
CN_LEGAL = ("有限公司", "股份有限公司", "有限责任公司", "")
LATIN_WORDS = (
    "Tyrell", "Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Wonka", "Cyberdyne",
    "Soylent", "Hooli", "Vandelay", "Northwind", "Contoso", "Fabrikam", "Harbor", "Summit",
)  # fmt: skip
LATIN_INDUSTRIES = ("Foods", "Logistics", "Trading", "Systems", "Pharma", "Textiles", "Motors")
LATIN_LEGAL = ("Co., Ltd.", "Ltd", "Inc.", "LLC", "Corp.", "Company Limited", "")
SURNAMES = "王李张刘陈杨黄赵吴周"
GIVEN = ("伟", "芳", "娜", "敏", "静", "磊", "强", "洋", "艳", "杰")
ROADS = ("人民路", "中山路", "解放路", "建设路", "和平路", "长江路", "科技园路")
# Mobile prefixes: valid ones and ranges the phone library rejects (kept as typed, no E.164).
VALID_PREFIXES = ("138", "139", "150", "186", "188", "199", "177")
REJECTED_PREFIXES = ("163", "140", "141", "144")


@dataclass(frozen=True)
class Row:
    """One messy record as it would be typed or imported, and the entity it truly is."""

    entity: int
    kind: str
    name: str
    phone: str | None
    email: str | None
    address: str | None


@dataclass
class _Entity:
    kind: str
    region: str | None
    core: str  # without region and legal form
    legal: str
    latin: bool
    phone: str  # national digits
    email: str
    address: str


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


class Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.phones: set[str] = set()
        self.cores: set[str] = set()  # one company per core, but for deliberate look-alikes

    def _phone(self) -> str:
        while True:
            prefixes = REJECTED_PREFIXES if self.rng.random() < 0.3 else VALID_PREFIXES
            number = self.rng.choice(prefixes) + f"{self.rng.randrange(10**8):08d}"
            if number not in self.phones:
                self.phones.add(number)
                return number

    def _address(self, region: str | None) -> str:
        city = region or self.rng.choice(CITIES)
        district = self.rng.choice(DISTRICTS)
        number = self.rng.randrange(1, 999)
        return f"{city}市{district}{self.rng.choice(ROADS)}{number}号"

    def _unique(self, make: Callable[[], str]) -> str:
        while (core := make()) in self.cores:
            pass
        self.cores.add(core)
        return core

    def _cn_core(self) -> str:
        length = self.rng.choice((2, 2, 3))
        return "".join(self.rng.sample(CORE_CHARS, length)) + self.rng.choice(INDUSTRIES)

    def _latin_core(self) -> str:
        word = self.rng.choice(LATIN_WORDS)
        if self.rng.random() < 0.6:
            word += str(self.rng.randrange(10, 99999))
        else:
            word += " " + self.rng.choice(LATIN_WORDS)
        return f"{word} {self.rng.choice(LATIN_INDUSTRIES)}"

    def _entity(self, core: str | None = None, region: str | None = None) -> _Entity:
        latin = core.isascii() if core is not None else self.rng.random() < 0.4
        if core is None:
            core = self._unique(self._latin_core if latin else self._cn_core)
        if region is None and not latin:
            region = self.rng.choice(CITIES) if self.rng.random() < 0.8 else None
        legal = self.rng.choice(LATIN_LEGAL if latin else CN_LEGAL)
        phone = self._phone()
        domain = self.rng.choice(("qq.com", "163.com", "corp.cn"))
        email = f"contact{self.rng.randrange(10**9)}@{domain}"
        return _Entity("company", region, core, legal, latin, phone, email, self._address(region))

    def _look_alike(self, entity: _Entity) -> _Entity:
        """Another company named on the same pattern."""
        core = entity.core
        if entity.latin:
            if any(c.isdigit() for c in core):
                word, rest = core.split(" ", 1)
                base = word.rstrip("0123456789")
                return self._entity(
                    self._unique(lambda: f"{base}{self.rng.randrange(10, 99999)} {rest}"),
                    entity.region,
                )
            industry = core.split(" ", 1)[1]
            return self._entity(
                self._unique(lambda: f"{self.rng.choice(LATIN_WORDS)} {industry}"), entity.region
            )
        chars = list(core)
        pick = self.rng.random()
        if pick < 0.4:  # one character replaced
            i = self.rng.randrange(2)
            chars[i] = self.rng.choice([c for c in CORE_CHARS if c not in chars])
        elif pick < 0.7:  # characters reordered and one replaced (业顺嘉 / 业汇顺)
            chars[0], chars[1] = chars[1], chars[0]
            chars[0] = self.rng.choice([c for c in CORE_CHARS if c not in chars])
        else:  # the same core in another city: another company
            other = self.rng.choice([c for c in CITIES if c != entity.region])
            return self._entity(core, other)
        if "".join(chars) in self.cores:
            return self._entity(None, entity.region)
        self.cores.add("".join(chars))
        return self._entity("".join(chars), entity.region)

    def _person(self) -> _Entity:
        name = self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)
        phone = self._phone()
        email = f"p{self.rng.randrange(10**9)}@qq.com"
        return _Entity("person", None, name, "", False, phone, email, self._address(None))

    # --- the messy forms of one entity ------------------------------------------------------

    def _format_phone(self, digits: str) -> str:
        forms = (
            digits,
            f"{digits[:3]} {digits[3:7]} {digits[7:]}",
            f"{digits[:3]}-{digits[3:7]}-{digits[7:]}",
            f"+86 {digits}",
            f"(+86){digits}",
            f"0086 {digits[:3]} {digits[3:]}",
            f"+86-{digits[:3]}-{digits[3:7]}-{digits[7:]}",
        )
        return self.rng.choice(forms)

    def _cn_name(self, entity: _Entity, typo: bool) -> str:
        core = entity.core
        if typo:
            i = self.rng.randrange(len(core))
            core = core[:i] + self.rng.choice(CORE_CHARS) + core[i + 1 :]
        legal = self.rng.choice(CN_LEGAL) if self.rng.random() < 0.5 else entity.legal
        region = entity.region
        style = self.rng.random()
        if region is None or style < 0.25:
            name = core + legal
        elif style < 0.5:
            name = f"{region}{core}{legal}"
        elif style < 0.65:
            name = f"{region}市{core}{legal}"
        elif style < 0.8:
            name = f"{core}（{region}）{legal}"
        elif style < 0.9 and region in PROVINCE_OF:
            name = f"{PROVINCE_OF[region]}{region}市{core}{legal}"
        else:
            name = f"{region}{core}{legal}"
        if self.rng.random() < 0.1:
            name = f" {name[:2]} {name[2:]} "
        return name

    def _latin_name(self, entity: _Entity, typo: bool) -> str:
        core = entity.core
        if typo:
            letters = [i for i, c in enumerate(core) if c.isalpha()]
            i = self.rng.choice(letters[2:])
            core = core[:i] + self.rng.choice("aeiourstn") + core[i + 1 :]
        legal = self.rng.choice(LATIN_LEGAL) if self.rng.random() < 0.6 else entity.legal
        name = f"{core} {legal}".strip()
        style = self.rng.random()
        if style < 0.15:
            name = name.upper()
        elif style < 0.25:
            name = _full_width(name)
        elif style < 0.35:
            name = name.lower()
        return name

    def _record(self, number: int, entity: _Entity, first: bool) -> Row:
        typo = not first and entity.kind == "company" and self.rng.random() < 0.15
        # A typo'd name, or a person's (no evidence at all), comes with the phone: otherwise
        # nothing would say it is the same customer.
        keep = 0.75 if not typo and entity.kind == "company" else 1.0
        phone: str | None = self._format_phone(entity.phone)
        email: str | None = entity.email
        if not first:
            phone = phone if self.rng.random() < keep else None
            email = email if self.rng.random() < 0.6 or (typo and phone is None) else None
            if email and self.rng.random() < 0.4:
                email = email.upper() if self.rng.random() < 0.5 else email.capitalize()
        address: str | None = entity.address
        if not first and self.rng.random() < 0.5:
            address = None
        if entity.kind == "person":
            name = entity.core
        elif entity.latin:
            name = self._latin_name(entity, typo)
        else:
            name = self._cn_name(entity, typo)
        return Row(number, entity.kind, name, phone, email, address)

    def rows(self, entities: int) -> list[Row]:
        """Records of ``entities`` entities (about 1.8 records each), shuffled."""
        made: list[_Entity] = []
        while len(made) < entities:
            pick = self.rng.random()
            if pick < 0.1:
                person = self._person()
                made.append(person)
                if self.rng.random() < 0.5:  # another person of the same name
                    twin = self._person()
                    twin.core = person.core
                    made.append(twin)
                continue
            entity = self._entity()
            made.append(entity)
            if self.rng.random() < 0.25:
                made.append(self._look_alike(entity))
        rows = []
        for number, entity in enumerate(made[:entities]):
            copies = self.rng.choices((1, 2, 3, 4), weights=(45, 35, 15, 5))[0]
            rows += [self._record(number, entity, first=i == 0) for i in range(copies)]
        self.rng.shuffle(rows)
        return rows


def generate(seed: int, entities: int = 1500) -> list[Row]:
    return Generator(seed).rows(entities)


@dataclass(frozen=True)
class Quality:
    precision: float
    recall: float
    true_pairs: int
    predicted_pairs: int

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    def __str__(self) -> str:
        return (
            f"precision {self.precision:.3f}  recall {self.recall:.3f}  F1 {self.f1:.3f}  "
            f"({self.predicted_pairs} pairs predicted, {self.true_pairs} true)"
        )


def pairs_of_clusters(clusters: Iterable[Iterable[int]]) -> set[tuple[int, int]]:
    """Every unordered pair (lower first) within each cluster of row indexes."""
    pairs = set()
    for cluster in clusters:
        members = sorted(cluster)
        pairs.update((a, b) for i, a in enumerate(members) for b in members[i + 1 :])
    return pairs


def true_pairs(rows: list[Row], among: Iterable[int] | None = None) -> set[tuple[int, int]]:
    by_entity: dict[int, list[int]] = {}
    for index in among if among is not None else range(len(rows)):
        by_entity.setdefault(rows[index].entity, []).append(index)
    return pairs_of_clusters(by_entity.values())


def quality(predicted: set[tuple[int, int]], truth: set[tuple[int, int]]) -> Quality:
    hits = len(predicted & truth)
    precision = hits / len(predicted) if predicted else 1.0
    recall = hits / len(truth) if truth else 1.0
    return Quality(precision, recall, len(truth), len(predicted))
