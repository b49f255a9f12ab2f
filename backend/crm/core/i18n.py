"""The languages people read the API in, and the one a request asks for."""

from __future__ import annotations

LANGUAGES = ("en", "zh-CN")
DEFAULT_LANGUAGE = "en"


def language_from(accept_language: str | None) -> str:
    """The first of our languages the client prefers (Accept-Language), else English."""
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("zh"):
            return "zh-CN"
        if tag.startswith("en"):
            return "en"
    return DEFAULT_LANGUAGE
