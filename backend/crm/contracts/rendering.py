"""Contract terms from a template: Jinja2 in a sandbox with autoescaping, so a template (an
administrator's text) can reach no Python internals and customer data cannot inject markup."""

from __future__ import annotations

from typing import Any

from jinja2 import TemplateError
from jinja2.sandbox import SandboxedEnvironment

from crm.core.errors import Unprocessable, field_error

_ENV = SandboxedEnvironment(autoescape=True)


def check_template(body: str) -> None:
    """422 when ``body`` does not parse (caught when the template is saved, not at signing)."""
    try:
        _ENV.parse(body)
    except TemplateError as exc:
        msg = f"The template does not parse: {exc}"
        raise Unprocessable(msg, errors=[field_error("body", msg)]) from exc


def render_terms(body: str, context: dict[str, Any]) -> str:
    """The terms; a template failing at render time (e.g. a filter on a missing value) is a
    422 naming the template, never a 500."""
    try:
        return _ENV.from_string(body).render(**context)
    # Anything a template's own expressions raise (a bad filter argument, a division by zero)
    # is the template's fault, not the server's.
    except Exception as exc:
        msg = f"The contract template could not be rendered: {exc}"
        raise Unprocessable(msg, errors=[field_error("template_id", msg)]) from exc
