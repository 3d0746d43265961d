"""The content model: one strict schema per content type (pydantic does the checking).

Every field an editor may write is declared here, with a description that doubles as the hint
shown when it is missing. Unknown fields are errors, so a typo never silently drops a value.
Cross-references are plain ids here; `resolve` checks that they point at something.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from .dates import PartialDate
from .names import SLUG_RE, slugify, web_url_problem

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

Text = Annotated[str, PlainValidator(_text)]
Markdown = Annotated[str, PlainValidator(_text), MARKDOWN]
BlockMarkdown = Annotated[str, PlainValidator(_text), MarkdownText(block=True)]
Id = Annotated[str, PlainValidator(_id)]
Date = Annotated[PartialDate, PlainValidator(_date)]
Url = Annotated[str, PlainValidator(web_url)]
Language = Annotated[str, PlainValidator(_language)]

QUOTE_MIN_WORDS = 4


def _quote_text(value: Any) -> str:
    text = _text(value)
    if len(text.split()) < QUOTE_MIN_WORDS:
        raise PydanticCustomError(
            "quote_short",
            "'{text}' is a fragment: the quotes page collects statements of at least {words} words; "
            "quote a fragment in the prose of an event instead",
            {"text": text, "words": QUOTE_MIN_WORDS},
        )
    return text


QuoteText = Annotated[str, PlainValidator(_quote_text)]

ActorId = Annotated[Id, Ref("actor")]
EventId = Annotated[Id, Ref("event")]
SourceId = Annotated[Id, Ref("source")]
ActorIds = Annotated[list[Id], Ref("actor"), AfterValidator(_unique)]
PhaseIds = Annotated[list[Id], Ref("phase"), AfterValidator(_unique)]
StickingPointIds = Annotated[list[Id], Ref("sticking_point"), AfterValidator(_unique)]
SourceIds = Annotated[list[Id], Ref("source"), AfterValidator(_unique)]
CitedBy = Annotated[list[Id], Ref("source"), Field(min_length=1), AfterValidator(_unique)]


class Strict(BaseModel):
    """Base of every schema: unknown fields are errors, values are not silently coerced."""

    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True, frozen=True)


def _day(value: Any) -> PartialDate:
    date = _date(value)
    if date.precision != "day":
        raise PydanticCustomError(
            "date_precision",
            "'{value}' is not a whole date: write the day too, e.g. 2026-12-05",
            {"value": value},
        )
    return date


Day = Annotated[PartialDate, PlainValidator(_day)]


class Update(Strict):
    """A dated note telling readers what changed on an item: published, never a silent edit."""

    date: Day = Field(description="the day of the change, YYYY-MM-DD")
    kind: Literal["correction", "update"] = Field(
        description="correction (something was wrong: say what) or update (something was added or changed)"
    )
    note: Markdown = Field(description="what changed; a correction says what was wrong")


Updates = Annotated[list[Update], Field(description="dated update and correction notes, newest last")]


class Noted:
    """What an item with `updates` tells readers about them (a mixin: no fields of its own,
    so each schema declares `updates` last, where open data shows it)."""

    if TYPE_CHECKING:  # (declared by each schema, not here: pydantic would put it first)
        updates: list[Update]

    @property
    def last_updated(self) -> PartialDate | None:
        """The day of the newest note, shown as "Updated <date>" by the item's title."""
        return max((update.date for update in self.updates), default=None)

    @property
    def has_correction(self) -> bool:
        """Whether any note corrects what readers were told (said beside "Updated")."""
        return any(update.kind == "correction" for update in self.updates)


class Item(Strict, Noted):
    """Fields every Markdown-file item shares; `id` and `body` come from the file, not fields."""

    id: Id
    body: Annotated[str, MARKDOWN] = ""
    draft: bool = Field(False, description="true keeps the item out of the site while you write it")


class Event(Item):
    title: Text = Field(description="a short headline, e.g. 'Talks resume in Doha'")
    short_title: Text | None = Field(None, description="a few words for the timeline overview")
    date: Date = Field(description="when it happened: YYYY, YYYY-MM or YYYY-MM-DD")
    order: int | None = Field(
        None,
        ge=1,
        description="its place among the events of the same date (1 first); needed when a date is shared",
    )
    end_date: Date | None = Field(None, description="last day, for events over several days")
    display_date: Text | None = None
    location: Text | None = None
    actors: ActorIds = []
    phases: PhaseIds = []
    sticking_points: StickingPointIds = []
    sources: CitedBy = Field(description="ids from sources.yaml, at least one, e.g. [ap-2024-08-19]")
    importance: Literal["key", "normal"] = "normal"
    updates: Updates = []

    @field_validator("end_date")
    @classmethod
    def _end_not_before_start(cls, end: PartialDate | None, info: ValidationInfo) -> PartialDate | None:
        start = info.data.get("date")
        if end is not None and start is not None and end < start:
            raise PydanticCustomError(
                "date_order",
                "{end} is before the start date {start}; the end date comes after it",
                {"end": end.iso(), "start": start.iso()},
            )
        return end


class Actor(Item):
    name: Text = Field(description="full name, e.g. 'William Burns'")
    short_name: Text | None = None
    kind: Literal["person", "organisation", "state"] = Field(description="person, organisation or state")
    role: Text = Field(description="what they are, e.g. 'Director of the CIA'")
    affiliation: ActorId | None = None
    part: Literal["party", "mediator", "negotiator", "other"] = Field(
        description="their part in the talks: party, mediator, negotiator or other"
    )
    sources: CitedBy = Field(description="ids from sources.yaml, at least one")
    importance: Literal["key", "normal"] = "normal"
    aims: BlockMarkdown | None = Field(None, description="what the actor says it wants, attributed and cited")
    pressures: BlockMarkdown | None = Field(None, description="what presses on the actor, as reported, cited")
    updates: Updates = []


class Provision(Strict):
    text: Markdown = Field(description="what this part of the deal provides")
    by: ActorId | None = Field(
        None, description="the side that would carry it out (an actor id); leave out for both sides"
    )
    sources: CitedBy = Field(description="ids from sources.yaml, at least one")


class Phase(Item):
    number: int = Field(ge=1, le=9, description="its place in the sequence: 1, 2 or 3")
    title: Text = Field(description="a short name for the phase")
    duration: Text | None = None
    summary: Markdown | None = None
    provisions: list[Provision] = []
    transition: BlockMarkdown | None = Field(
        None, description="what moves the deal from this phase to the next"
    )
    sources: SourceIds = []
    updates: Updates = []


class Position(Strict):
    actor: ActorId = Field(description="the actor holding this position")
    stance: Markdown = Field(description="their position, in your own words")
    sources: CitedBy = Field(description="ids from sources.yaml, at least one")


class StickingPoint(Item):
    title: Text = Field(description="a short name, e.g. 'The Philadelphi corridor'")
    order: int | None = Field(None, ge=1, description="position in lists (1 first); without it, by title")
    summary: Markdown = Field(description="one or two sentences on what is disputed")
    phases: PhaseIds = []
    positions: list[Position] = []
    sources: SourceIds = []
    updates: Updates = []


class Page(Item):
    title: Text = Field(description="the page heading")
    description: Text | None = None
    home_order: int | None = Field(
        None, ge=1, description="also show this page as a box on the start page, in this order (1 first)"
    )
    updates: Updates = []


class Quote(Strict):
    id: Id = Field(description="a unique id, e.g. 'blinken-best-maybe-last'")
    speaker: ActorId = Field(description="the actor who said it")
    date: Date = Field(description="when it was said")
    text: QuoteText = Field(description="the exact words, copied from the source")
    context: Markdown | None = None
    event: EventId | None = None
    source: SourceId = Field(description="the id of the source that carries the quote")


class Copy(Strict):
    url: Url = Field(description="another http(s) address where the same piece can be read")
    via: Text = Field(description="the site that carries this copy")


SOURCE_KINDS = {
    "news-agency": "News agency",
    "newspaper": "Newspaper",
    "broadcaster": "Broadcaster",
    "magazine": "Magazine",
    "online-news": "Online news",
    "government": "Government",
    "statement": "Statement",  # a party's own statement, read in an outlet's rendering
    "un": "United Nations",
    "advocacy": "Advocacy outlet",
    "state-media": "State media",
    "research": "Research",
    "reference": "Reference work",
}
SourceKind = Literal[tuple(SOURCE_KINDS)]  # type: ignore[valid-type]


class Source(Strict):
    id: Id = Field(description="a unique id, e.g. 'ap-2024-08-19'")
    publisher: Text = Field(description="who published it, e.g. 'The Associated Press'")
    kind: SourceKind | None = Field(None, description="what kind of publisher: " + ", ".join(SOURCE_KINDS))
    title: Text | None = Field(None, description="its exact headline, shown in quotation marks")
    description: Text | None = Field(None, description="what it is, when the exact headline is not known")
    date: Date | None = None
    url: Url = Field(description="the http(s) address where it can be read")
    via: Text | None = None
    copies: list[Copy] = []
    note: Text | None = None

    @model_validator(mode="after")
    def _named(self) -> Source:
        if not (self.title or self.description):
            raise PydanticCustomError(
                "source_unnamed",
                "a source needs its exact 'title' (its headline) or, when that is not known, a 'description'",
            )
        return self

    @property
    def kind_label(self) -> str | None:
        """The kind of publisher, as readers see it ('News agency')."""
        return SOURCE_KINDS[self.kind] if self.kind else None

    @property
    def label(self) -> str:
        """How the source is named in lists: its headline in quotation marks, or what it is."""
        return f"\u201c{self.title}\u201d" if self.title else str(self.description)


class Term(Strict, Noted):
    id: Id = Field(description="a unique id, e.g. 'philadelphi-corridor'")
    term: Text = Field(description="the word or phrase")
    aliases: list[Text] = Field([], description="other spellings linked to this term, e.g. [ceasefire]")
    definition: Markdown = Field(description="what it means, in your own words")
    sources: CitedBy = Field(description="ids from sources.yaml, at least one")
    draft: bool = Field(False, description="true keeps the term out of the site while you write it")
    updates: Updates = []


class SiteConfig(Strict):
    title: Text = Field(description="the site's name")
    description: Text = Field(description="one sentence on what the site is")
    language: Language = Field(description="the content's language tag, e.g. 'en'")
    base_url: Url = Field(description="where the site will be published, e.g. https://example.org/talks/")
    as_of: Date = Field(description="the date the content is current to, YYYY-MM-DD")
    publisher: Text | None = None
    timeline_intro: Text = Field(
        "What happened when, month by month, every event with its sources.",
        description="one sentence under the timeline's heading",
    )


SCHEMAS: dict[str, type[Strict]] = {
    "site": SiteConfig,
    "event": Event,
    "actor": Actor,
    "phase": Phase,
    "sticking_point": StickingPoint,
    "page": Page,
    "quote": Quote,
    "source": Source,
    "term": Term,
}


@dataclass(frozen=True)
class FieldRole:
    """What resolve must do with one field: check ids of `ref`, scan Markdown, or descend."""

    name: str
    ref: str | None
    markdown: bool
    block: bool  # Markdown rendered as blocks, like a body
    nested: type[Strict] | None


def _metadata(annotation: Any) -> list[Any]:
    """Annotated metadata anywhere in a type (inside Optional and list too)."""
    found = list(getattr(annotation, "__metadata__", ()))
    for arg in get_args(annotation):
        found += _metadata(arg)
    return found


def _nested_schema(annotation: Any) -> type[Strict] | None:
    for arg in get_args(annotation):
        if isinstance(arg, type) and issubclass(arg, Strict):
            return arg
    return None


@cache
def field_roles(schema: type[Strict]) -> tuple[FieldRole, ...]:
    """The fields of a schema that hold references, Markdown or nested items (computed once)."""
    roles = []
    for name, info in schema.model_fields.items():
        metadata = list(info.metadata) + _metadata(info.annotation)
        ref = next((m.kind for m in metadata if isinstance(m, Ref)), None)
        markdown = any(isinstance(m, MarkdownText) for m in metadata)
        block = any(isinstance(m, MarkdownText) and m.block for m in metadata)
        nested = _nested_schema(info.annotation)
        if ref or markdown or nested:
            roles.append(FieldRole(name, ref, markdown, block, nested))
    return tuple(roles)


def text_key(item_id: str, path: tuple[Any, ...], schema: type[Strict]) -> tuple[str, bool]:
    """How a Markdown text of an item is rendered: (id prefix, inline). The body is a block
    under the item's id, a block field one under '<item>-<field>', anything else inline."""
    if not path:
        return item_id, False
    if len(path) == 1 and any(role.name == path[0] and role.block for role in field_roles(schema)):
        return f"{item_id}-{path[0]}", False
    return "", True
