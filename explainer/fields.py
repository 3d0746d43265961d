"""The field types of the content model: how each kind of value an editor writes is checked,
and what they are told when it is wrong.

The markers `Ref` and `MarkdownText` say which fields hold ids of other items or Markdown;
model.field_roles reads them back for the stages after validate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import AfterValidator, Field, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from .dates import PartialDate
from .names import SLUG_RE, slugify, web_url_problem
from .typography import smarten

_LANGUAGE_RE = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")


def describe(value: Any) -> str:
    """How a wrongly typed YAML value looks to an editor."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a set of fields"
    return f"'{value}'"


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise PydanticCustomError(
            "text_type",
            "expected text, found {found}; put it in quotes if it is meant as text",
            {"found": describe(value)},
        )
    text = value.strip()
    if not text:
        raise PydanticCustomError("text_empty", "is empty; write the text or remove the field")
    return text


def _display_text(value: Any) -> str:
    """Text readers see as it is (a title, a name): with typographic quotes, as prose has."""
    return smarten(_text(value))


def _id(value: Any) -> str:
    if not isinstance(value, str):
        raise PydanticCustomError(
            "id_type", "expected an id like 'william-burns', found {found}", {"found": describe(value)}
        )
    if not SLUG_RE.fullmatch(value):
        raise PydanticCustomError(
            "id_format",
            "'{value}' is not a valid id: use lowercase letters, digits and single hyphens, "
            "like '{suggestion}'",
            {"value": value, "suggestion": slugify(value)},
        )
    return value


def _date(value: Any) -> PartialDate:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise PydanticCustomError(
            "date_type",
            "expected a date like 2024-08-15, 2024-08 or 2024, found {found}",
            {"found": describe(value)},
        )
    try:
        return PartialDate.parse(value)
    except ValueError as error:
        raise PydanticCustomError("date_format", str(error)) from None


def _day(value: Any) -> PartialDate:
    date = _date(value)
    if date.precision != "day":
        raise PydanticCustomError(
            "date_precision",
            "'{value}' is not a whole date: write the day too, e.g. 2026-12-05",
            {"value": value},
        )
    return date


def web_url(value: Any) -> str:
    text = _text(value)
    problem = web_url_problem(text)
    if problem:
        raise PydanticCustomError("url_scheme", problem.replace("{", "{{").replace("}", "}}"))
    return text


def _language(value: Any) -> str:
    text = _text(value)
    if not _LANGUAGE_RE.fullmatch(text):
        raise PydanticCustomError(
            "language_format",
            "'{value}' is not a language tag: use one like 'en' or 'en-GB'",
            {"value": text},
        )
    return text


def _unique(values: list[str]) -> list[str]:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise PydanticCustomError(
                "list_duplicate", "'{value}' is listed twice; list it once", {"value": value}
            )
        seen.add(value)
    return values


@dataclass(frozen=True)
class Ref:
    """Marks a field as holding ids of another kind; resolve checks and back-links them."""

    kind: str


@dataclass(frozen=True)
class MarkdownText:
    """Marks a field as Markdown with [@cite] and [[link]] syntax; resolve checks its ids.
    `block`: paragraphs and lists, rendered like a body (with ids prefixed '<item>-<field>'),
    where other Markdown fields are a line of text."""

    block: bool = False


MARKDOWN = MarkdownText()

# What editors' YAML tools are told of each type (`explainer schema`): the checks above, as
# far as JSON Schema can say them; the build's own messages say the rest.
_TEXT = {"type": "string", "pattern": r"\S"}
_DATE = r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$"
TEXT_SCHEMA = WithJsonSchema(_TEXT)
ID_SCHEMA = WithJsonSchema({"type": "string", "pattern": f"^{SLUG_RE.pattern}$"})

Text = Annotated[str, PlainValidator(_display_text), TEXT_SCHEMA]
Markdown = Annotated[str, PlainValidator(_text), MARKDOWN, TEXT_SCHEMA]
BlockMarkdown = Annotated[str, PlainValidator(_text), MarkdownText(block=True), TEXT_SCHEMA]
Id = Annotated[str, PlainValidator(_id), ID_SCHEMA]
Date = Annotated[
    PartialDate,
    PlainValidator(_date),
    WithJsonSchema({"anyOf": [{"type": "string", "pattern": _DATE}, {"type": "integer", "minimum": 1}]}),
]
Day = Annotated[
    PartialDate,
    PlainValidator(_day),
    WithJsonSchema({"type": "string", "pattern": _DATE.replace(")?)?$", "))$")}),
]
Url = Annotated[
    str, PlainValidator(web_url), WithJsonSchema({"type": "string", "pattern": "^https?://[^\\s]+$"})
]
Language = Annotated[
    str, PlainValidator(_language), WithJsonSchema({"type": "string", "pattern": f"^{_LANGUAGE_RE.pattern}$"})
]

QUOTE_MIN_WORDS = 4


def _quote_text(value: Any) -> str:
    """A quote's words, exactly as its source printed them: unlike other texts, never
    smartened (typography.py), since a quote is copied, apostrophes and all."""
    text = _text(value)
    if len(text.split()) < QUOTE_MIN_WORDS:
        raise PydanticCustomError(
            "quote_short",
            "'{text}' is a fragment: the quotes page collects statements of at least {words} words; "
            "quote a fragment in the prose of an event instead",
            {"text": text, "words": QUOTE_MIN_WORDS},
        )
    return text


QuoteText = Annotated[str, PlainValidator(_quote_text), TEXT_SCHEMA]

ActorId = Annotated[Id, Ref("actor")]
EventId = Annotated[Id, Ref("event")]
SourceId = Annotated[Id, Ref("source")]
UNIQUE = AfterValidator(_unique)  # a list that names nothing twice
ActorIds = Annotated[list[Id], Ref("actor"), UNIQUE]
PhaseIds = Annotated[list[Id], Ref("phase"), UNIQUE]
StickingPointIds = Annotated[list[Id], Ref("sticking_point"), UNIQUE]
SourceIds = Annotated[list[Id], Ref("source"), UNIQUE]
CitedBy = Annotated[list[Id], Ref("source"), Field(min_length=1), UNIQUE]
