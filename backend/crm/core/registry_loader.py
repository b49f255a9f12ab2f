"""Loading every domain's module of one name (``crm/<domain>/exports.py``, ``imports.py``):
the registries in core know no domain, so the feature that reads one imports them at first use.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil

import crm

_loaded: set[str] = set()


def load_domain_modules(module_name: str) -> None:
    """Import ``crm.<domain>.<module_name>`` of every domain that has one, once."""
    if module_name in _loaded:
        return
    for package in pkgutil.iter_modules(crm.__path__):
        if not package.ispkg or package.name in ("core", module_name):
            continue
        name = f"crm.{package.name}.{module_name}"
        if importlib.util.find_spec(name) is not None:
            importlib.import_module(name)
    _loaded.add(module_name)
