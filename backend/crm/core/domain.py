"""What a domain declares to the shell, in one place: its ``DOMAIN = Domain(...)`` manifest.

The shell (``crm/domains.py``: the ladder, and the one loader that reads it) turns manifests
into routers, models, plug-ins, permission resources, built-in role grants, recycle-bin types
and worker jobs. Core knows no domain: a manifest names its parts as ``"module:attr"`` or
module strings, resolved when the loader runs, so declaring a domain imports nothing heavy.

Worker jobs are declared on the function itself: ``@task(timeout=...)`` for a job the API
enqueues, ``@scheduled(minute=..., second=...)`` for a cron job; the domain lists the modules
that hold them (``tasks=["crm.tickets.tasks"]``) and the worker collects what is marked there.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from crm.core.permissions import DataScope

F = TypeVar("F", bound=Callable[..., Any])

# The attribute @task / @scheduled put on a function: its arq options.
TASK_ATTR = "__crm_task__"
SCHEDULE_ATTR = "__crm_schedule__"


@dataclass(frozen=True)
class Resource:
    """A permission resource: ``<name>:<action>`` for each action."""

    name: str
    actions: tuple[str, ...]
    scoped: bool  # has a data scope (records with owner/department)
    description: str = ""


@dataclass(frozen=True)
class RecycleType:
    """A deletable model, filed in the recycle bin (see core/recycle.py ``register``)."""

    object_type: str  # e.g. "contact"
    model: str  # "module:attr"
    resource: str  # its records' data-scope resource
    restore_permission: str
    # "module:attr" of a Principal -> condition function, for a model scoped otherwise.
    owned_in_scope: str | None = None


@dataclass(frozen=True)
class Domain:
    """One domain's manifest. Every reference is a ``"module:attr"`` (routers, recycle models)
    or a module name (models, plugins, tasks), imported by the loader."""

    name: str
    router: str | None = None  # the usual case: one router
    # More than one, in the order they are mounted (after ``router``): a router whose paths an
    # earlier one would shadow (``/customers/duplicates`` against ``/customers/{id}``) goes first.
    routers: Sequence[str] = ()
    models: Sequence[str] = ()
    # Modules whose import registers something: event handlers, attachables, search
    # providers, pool keepers, stage triggers, exportable/importable object types, ...
    plugins: Sequence[str] = ()
    resources: Sequence[Resource] = ()
    # What each built-in role gets on this domain's resources: role -> resource -> actions.
    grants: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)
    # The data scope each built-in role has on this domain's scoped resources.
    scopes: Mapping[str, Mapping[str, DataScope]] = field(default_factory=dict)
    recycle: Sequence[RecycleType] = ()
    tasks: Sequence[str] = ()  # modules holding @task / @scheduled functions

    def all_routers(self) -> list[str]:
        return [*([self.router] if self.router else []), *self.routers]


def resolve(reference: str) -> Any:
    """The object a ``"module:attr"`` reference names."""
    module_name, _, attr = reference.partition(":")
    module = importlib.import_module(module_name)
    return getattr(module, attr) if attr else module


def task(*, timeout: int | None = None, keep_result: int = 0) -> Callable[[F], F]:
    """Mark a coroutine as a worker job the API enqueues by name (arq ``func`` options)."""

    def mark(function: F) -> F:
        options: dict[str, Any] = {"keep_result": keep_result}
        if timeout is not None:
            options["timeout"] = timeout
        setattr(function, TASK_ATTR, options)
        return function

    return mark


def scheduled(**schedule: Any) -> Callable[[F], F]:
    """Mark a coroutine as a cron job; ``schedule`` is arq's ``cron`` keywords
    (``minute=5, second=15, timeout=3600, run_at_startup=True``)."""

    def mark(function: F) -> F:
        setattr(function, SCHEDULE_ATTR, dict(schedule))
        return function

    return mark


def marked(module: Any, attribute: str) -> list[tuple[Callable[..., Any], dict[str, Any]]]:
    """The functions defined in ``module`` that carry ``attribute``, in definition order."""
    found = []
    for value in vars(module).values():
        options = getattr(value, attribute, None)
        if callable(value) and options is not None and value.__module__ == module.__name__:
            found.append((value, options))
    return found
