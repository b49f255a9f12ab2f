"""Text a spreadsheet would run as a formula (CSV or formula injection), as OWASP describes it:
a cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is evaluated by
Excel, LibreOffice and Google Sheets (``=HYPERLINK(...)``, ``+cmd|' /C calc'!A0``,
``@SUM(1+1)*cmd|...``).

One rule, applied both ways:

- On the way in (API text fields through :data:`NoFormula`, imported cells, custom-field text)
  such text is refused: a 422 naming the field, or the import row's error. Refused rather
  than neutralised with OWASP's leading apostrophe, because stored text is read by far more
  than spreadsheets (the app, the API, search, webhooks, documents): an apostrophe added on
  the way in would show everywhere and silently change what the user typed, while a refusal
  says why once and the user decides how to write it.
- On the way out (exports, error reports) text stored before this rule, or read back from a
  file, is neutralised with the apostrophe (:func:`defuse`).

Plain numbers and phone numbers (``-5``, ``+86 138 0013 8000``) start the same way but are
data: a spreadsheet computes nothing from them, so they pass. So does a cell of dashes only
(``-``, ``--``), the usual "nothing here" of a spreadsheet.
"""

from __future__ import annotations

import re

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

# The same expressions serve the per-value rule and the import's column-wise check (polars
# regular expressions): one definition of what a formula is.
FORMULA_START_PATTERN = r"^[=+\-@\t\r]"
# Numbers and phone numbers as people type them: digits, spaces, dots, dashes, brackets.
NUMBER_LIKE_PATTERN = r"^[+-]?[\d\s().-]*\d[\d\s().-]*$"
DASHES_PATTERN = r"^-+\s*$"
_FORMULA_START = re.compile(FORMULA_START_PATTERN)
_NUMBER_LIKE = re.compile(NUMBER_LIKE_PATTERN)
_DASHES = re.compile(DASHES_PATTERN)

FORMULA_MESSAGES = {
    "en": "Text may not start with =, +, -, @, a tab or a line break: a spreadsheet would run "
    "it as a formula (numbers and phone numbers may).",
    "zh-CN": "文本不能以 =、+、-、@、制表符或换行开头,否则电子表格会把它当作公式执行"
    "(数字和电话号码除外)。",
}


def is_formula(text: str) -> bool:
    """Whether a spreadsheet would evaluate ``text`` as a formula."""
    return (
        _FORMULA_START.match(text) is not None
        and _NUMBER_LIKE.match(text) is None
        and _DASHES.match(text) is None
    )


def defuse(text: str) -> str:
    """``text`` as a spreadsheet shows it verbatim: a formula gets a leading apostrophe."""
    return "'" + text if is_formula(text) else text


def refuse_formula(value: str) -> str:
    """``value``, or a validation error (its message in each language, see core.errors)."""
    if is_formula(value):
        raise PydanticCustomError(
            "formula_text", FORMULA_MESSAGES["en"], {"messages": FORMULA_MESSAGES}
        )
    return value


# Add to a free-text field of a request schema: ``Annotated[str, StringConstraints(...),
# NoFormula]``. After the constraints, so the check sees the text as stored (stripped).
NoFormula = AfterValidator(refuse_formula)
