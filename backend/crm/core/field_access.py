"""Field-level permissions: per role and object, each field hidden, read-only or editable, and
sensitive values masked (``138****8000``, ``z***@example.com``).

A role's rules are rows of ``role_field_rules`` (identity); the principal carries them, merged
over the user's roles, so no request queries them (see identity/principal_cache.py). They are
applied in ONE place on the way out, :meth:`FieldView.shape` on a response item (a dict keyed by
the object's JSON field names), and on the way in, :meth:`FieldView.check_write` on the fields a
write sets (a 422 naming each field the caller may not set).

Core knows no domain: an object type opts in by registering a :class:`ProtectedObject` (its
fields, its sensitive ones and their mask formats, the fields derived from another one). Custom
fields are named ``cf.<key>`` and live in the item's ``custom_fields``.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from fastapi import Response
from pydantic import BaseModel

from crm.core.errors import Unprocessable, field_error
from crm.core.pagination import json_response
from crm.core.permissions import Principal, built_for


class Access(enum.StrEnum):
    HIDDEN = "hidden"
    READ_ONLY = "read_only"
    EDITABLE = "editable"


# A user with several roles gets the most open access of any of them per field, as with scopes.
ACCESS_ORDER = list(Access)
CUSTOM_PREFIX = "cf."
CUSTOM_ITEM_KEY = "custom_fields"
MaskKind = Literal["phone", "email", "text"]


@dataclass(frozen=True)
class FieldRule:
    access: Access = Access.EDITABLE
    masked: bool = False

    @property
    def restricts(self) -> bool:
        return self.access is not Access.EDITABLE or self.masked


def merge_rules(per_role: Iterable[Mapping[str, FieldRule]]) -> dict[str, FieldRule]:
    """The rules of a user holding every role of ``per_role`` (one mapping per role): a field
    is as open as in the most open role (a role without a rule on it leaves it editable), and
    masked only if every role showing it masks it."""
    roles = list(per_role)
    names = {name for rules in roles for name in rules}
    merged = {}
    for name in names:
        rules = [rules.get(name, FieldRule()) for rules in roles]
        access = max((r.access for r in rules), key=ACCESS_ORDER.index)
        # A role hiding the field shows nothing: the roles that show it decide the masking.
        masked = all(r.masked for r in rules if r.access is not Access.HIDDEN)
        rule = FieldRule(access, masked and access is not Access.HIDDEN)
        if rule.restricts:
            merged[name] = rule
    return merged


@dataclass(frozen=True)
class ProtectedObject:
    """An object type whose fields roles may restrict."""

    object_type: str  # "customer": the key of the rules and of the audit entries
    resource: str  # "customers": revealing a value takes "<resource>:reveal"
    model: Any  # the ORM model a reveal reads the value from
    fields: tuple[str, ...]  # the JSON fields a rule may name (custom fields come on top)
    # The default sensitive set and how each is masked; a rule may mask any other field too
    # (the set is extensible by administrators), masked by the shape of its value.
    sensitive: Mapping[str, MaskKind] = field(default_factory=dict)
    # Fields computed from another one share its fate: hiding `phone` hides `phone_e164`.
    derived: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def reveal_permission(self) -> str:
        return f"{self.resource}:reveal"

    def knows(self, name: str) -> bool:
        return name in self.fields or is_custom(name)


_OBJECTS: dict[str, ProtectedObject] = {}


def register(obj: ProtectedObject) -> None:
    _OBJECTS[obj.object_type] = obj


def registered() -> Mapping[str, ProtectedObject]:
    return _OBJECTS


def is_custom(name: str) -> bool:
    return name.startswith(CUSTOM_PREFIX) and len(name) > len(CUSTOM_PREFIX)


# --- masks --------------------------------------------------------------------------------------

STARS = "****"


def mask_phone(value: str) -> str:
    """``13812348000`` -> ``138****8000``, ``+8613812348000`` -> ``+86138****8000``: the last
    four kept, four before them starred, what precedes them (the prefix) kept from 11
    characters on. A short number shows at most its last two to four characters."""
    n = len(value)
    if n <= 5:
        return STARS
    if n < 8:
        return STARS + value[-(n - 4) :]
    return value[: max(0, n - 8)] + STARS + value[-4:]


def mask_email(value: str) -> str:
    """``zhang@example.com`` -> ``z***@example.com``."""
    local, at, domain = value.partition("@")
    if not at:
        return mask_text(value)
    return f"{local[:1]}***@{domain}"


def mask_text(value: str) -> str:
    """ID numbers, bank accounts: the first and last four kept from 12 characters on, else the
    first and last one from 5 on; shorter values are all stars. The number of stars is fixed,
    so the length is not told either."""
    n = len(value)
    if n >= 12:
        return value[:4] + STARS + value[-4:]
    if n >= 5:
        return value[:1] + STARS + value[-1:]
    return STARS


def _guess_kind(value: str) -> MaskKind:
    if "@" in value:
        return "email"
    # At most 15 digits (E.164's limit): an 18-digit ID number is no phone number.
    digits = sum(c.isdigit() for c in value)
    if 6 <= digits <= 15 and all(c.isdigit() or c in "+-() ." for c in value):
        return "phone"
    return "text"


_MASKS = {"phone": mask_phone, "email": mask_email, "text": mask_text}


def mask_value(value: Any, kind: MaskKind | None = None) -> Any:
    """``value`` as a role that may not see it in full sees it (None stays None)."""
    if value is None:
        return None
    if isinstance(value, list | tuple):
        return [mask_value(v, kind) for v in value]
    text = value if isinstance(value, str) else str(value)
    if text == "":
        return text
    return _MASKS[kind or _guess_kind(text)](text)


# --- the view of one principal on one object type ---------------------------------------------


@dataclass(frozen=True)
class FieldView:
    """What one principal may see and set of one object type."""

    object_type: str
    hidden: frozenset[str] = frozenset()
    masked: Mapping[str, MaskKind | None] = field(default_factory=dict)
    not_writable: Mapping[str, Access] = field(default_factory=dict)  # hidden or read-only

    @property
    def restricted(self) -> bool:
        return bool(self.hidden or self.masked or self.not_writable)

    def shape(self, item: dict[str, Any]) -> dict[str, Any]:
        """THE outbound rule: drop the hidden fields from ``item`` and mask the masked ones
        (in place; returned for chaining). ``item`` holds the object's JSON fields."""
        if not self.restricted:
            return item
        custom = item.get(CUSTOM_ITEM_KEY)
        for name in self.hidden:
            if is_custom(name):
                if isinstance(custom, dict):
                    custom.pop(name[len(CUSTOM_PREFIX) :], None)
            else:
                item.pop(name, None)
        for name, kind in self.masked.items():
            if is_custom(name):
                key = name[len(CUSTOM_PREFIX) :]
                if isinstance(custom, dict) and key in custom:
                    custom[key] = mask_value(custom[key], kind)
            elif name in item:
                item[name] = mask_value(item[name], kind)
        return item

    def visible(self, name: str) -> bool:
        return name not in self.hidden

    def check_write(self, fields: Mapping[str, Any], *, custom_key: str = CUSTOM_ITEM_KEY) -> None:
        """422 naming every field of ``fields`` (a write's body, the fields it sets) the
        caller may not set: hidden or read-only for their role."""
        if not self.not_writable:
            return
        names = [name for name in fields if name != custom_key]
        custom = fields.get(custom_key)
        if isinstance(custom, Mapping):
            names += [CUSTOM_PREFIX + key for key in custom]
        refused = [name for name in names if name in self.not_writable]
        if refused:
            raise refused_fields(refused, self.not_writable)


def refused_fields(names: list[str], why: Mapping[str, Access]) -> Unprocessable:
    msg = f"Your role may not set {', '.join(names)}."
    errors = []
    for name in names:
        loc = name if not is_custom(name) else f"{CUSTOM_ITEM_KEY}.{name[len(CUSTOM_PREFIX) :]}"
        state = "hidden" if why[name] is Access.HIDDEN else "read-only"
        errors.append(field_error(loc, f"This field is {state} for your role.", "field_permission"))
    return Unprocessable(msg, errors=errors)


OPEN = FieldView("")


def view_for(principal: Principal, object_type: str) -> FieldView:
    """The principal's :class:`FieldView` of ``object_type``, built once per principal object
    (principals are cached, see identity/principal_cache.py)."""
    rules = principal.field_rules.get(object_type)
    if not rules:
        return OPEN
    return built_for(
        principal, ("field-view", object_type), lambda: _build_view(object_type, rules)
    )


def item_shaper(principal: Principal, object_type: str) -> Callable[[dict[str, Any]], Any] | None:
    """:meth:`FieldView.shape` of the principal's view, or None when it restricts nothing (for
    the list pages' ``shape_item``, see crm.core.pagination.row_items)."""
    view = view_for(principal, object_type)
    return view.shape if view.restricted else None


def _build_view(object_type: str, rules: Mapping[str, FieldRule]) -> FieldView:
    obj = _OBJECTS.get(object_type)
    sensitive = obj.sensitive if obj is not None else {}
    derived = obj.derived if obj is not None else {}
    hidden: set[str] = set()
    masked: dict[str, MaskKind | None] = {}
    not_writable: dict[str, Access] = {}
    for name, rule in rules.items():
        family = (name, *derived.get(name, ()))
        if rule.access is Access.HIDDEN:
            hidden.update(family)
        elif rule.masked:
            masked.update({member: sensitive.get(name) for member in family})
        if rule.access is not Access.EDITABLE:
            not_writable[name] = rule.access
    return FieldView(object_type, frozenset(hidden), masked, not_writable)


def shaped_item(
    view: FieldView,
    body: BaseModel,
    *,
    status_code: int = 200,
    headers_from: Response | None = None,
) -> Any:
    """An item route's answer through :meth:`FieldView.shape`: ``body`` itself when the view
    restricts nothing (the route's response model writes it, as before), else its JSON with the
    hidden fields left out and the masked ones masked (no longer the response model's shape, so
    written directly, with the route's status and the headers set on ``headers_from``)."""
    if not view.restricted:
        return body
    response = json_response(view.shape(body.model_dump(mode="json")))
    response.status_code = status_code
    if headers_from is not None:
        response.headers.update(headers_from.headers)
    return response


def shaped_page(view: FieldView, page: BaseModel) -> Any:
    """:func:`shaped_item` for a page envelope (``{items, next_cursor, total}``) of items."""
    if not view.restricted:
        return page
    body = page.model_dump(mode="json")
    for item in body["items"]:
        view.shape(item)
    return json_response(body)
