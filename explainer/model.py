"""The content model: one strict schema per content type (pydantic does the checking).

Every field an editor may write is declared here, with a description that doubles as the hint
shown when it is missing. Unknown fields are errors, so a typo never silently drops a value.
Cross-references are plain ids here; `resolve` checks that they point at something. How each
kind of value is checked (a date, an id, a list of ids) is in fields.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from .basemap import line_ids, place_ids
from .dates import PartialDate
from .fields import (
    MARKDOWN,
    UNIQUE,
    ActorId,
    ActorIds,
    BlockMarkdown,
    CitedBy,
    Date,
    Day,
    EventId,
    Id,
    Language,
    Markdown,
    MarkdownText,
    PhaseIds,
    QuoteText,
    Ref,
    SourceId,
    SourceIds,
    StickingPointIds,
    Text,
    Url,
)


class Strict(BaseModel):
    """Base of every schema: unknown fields are errors, values are not silently coerced."""

    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True, frozen=True)


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

    id: Id = Field(description="the file's name without .md: lowercase letters, digits and hyphens")
    body: Annotated[str, MARKDOWN] = Field("", description="the Markdown text after the front matter")
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
    display_date: Text | None = Field(
        None, description="how to show the date when more is known, e.g. '31 July 2024, about 2 a.m.'"
    )
    location: Text | None = Field(None, description="where it happened, e.g. 'Doha'")
    actors: ActorIds = Field([], description="ids of the actors involved, e.g. [william-burns, qatar]")
    phases: PhaseIds = Field([], description="ids of the phases of the deal it concerns")
    sticking_points: StickingPointIds = Field([], description="ids of the sticking points it concerns")
    sources: CitedBy = Field(description="ids from sources.yaml, at least one, e.g. [ap-2024-08-19]")
    importance: Literal["key", "normal"] = Field(
        "normal",
        description="key marks it in the timeline, labels it in the overview and lists it on the start page",
    )
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
    short_name: Text | None = Field(
        None, description="a shorter form of the name, e.g. 'Burns' (in the open data; pages show `name`)"
    )
    kind: Literal["person", "organisation", "state"] = Field(description="person, organisation or state")
    role: Text = Field(description="what they are, e.g. 'Director of the CIA'")
    affiliation: ActorId | None = Field(
        None, description="the actor it belongs to or works for (an actor id), e.g. cia for its director"
    )
    part: Literal["party", "mediator", "negotiator", "other"] = Field(
        description="their part in the talks: party, mediator, negotiator or other"
    )
    sources: CitedBy = Field(description="ids from sources.yaml, at least one")
    importance: Literal["key", "normal"] = Field(
        "normal", description="key shows it on the start page; normal otherwise"
    )
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
    duration: Text | None = Field(None, description="how long it would last, e.g. 'About six weeks'")
    summary: Markdown | None = Field(None, description="one or two sentences on what the phase would do")
    provisions: list[Provision] = Field([], description="what this phase provides, one entry a provision")
    transition: BlockMarkdown | None = Field(
        None, description="what moves the deal from this phase to the next"
    )
    sources: SourceIds = Field([], description="ids from sources.yaml behind the phase as a whole")
    updates: Updates = []


class Position(Strict):
    actor: ActorId = Field(description="the actor holding this position")
    stance: Markdown = Field(description="their position, in your own words")
    sources: CitedBy = Field(description="ids from sources.yaml, at least one")


class StickingPoint(Item):
    title: Text = Field(description="a short name, e.g. 'The Philadelphi corridor'")
    order: int | None = Field(None, ge=1, description="position in lists (1 first); without it, by title")
    summary: Markdown = Field(description="one or two sentences on what is disputed")
    phases: PhaseIds = Field([], description="ids of the phases of the deal it concerns")
    positions: list[Position] = Field(
        [], description="each side's position, one entry an actor; give each party's in equal measure"
    )
    sources: SourceIds = Field([], description="ids from sources.yaml behind the summary")
    map: bool = Field(False, description="true shows the locator map (with map.yaml's features) on its page")
    updates: Updates = []


MapLine = Literal[line_ids()]  # type: ignore[valid-type]
MapPlace = Literal[place_ids()]  # type: ignore[valid-type]
TwoTowns = Annotated[list[MapPlace], Field(min_length=2, max_length=2), UNIQUE]  # type: ignore[valid-type]


class MapFeature(Strict, Noted):
    # (editors' tools learn the rule the two validators below check: `along` or `across`, one)
    model_config = ConfigDict(
        **Strict.model_config,
        json_schema_extra={"oneOf": [{"required": ["along"]}, {"required": ["across"]}]},
    )

    id: Id = Field(description="a unique id, e.g. 'philadelphi-corridor'")
    name: Text = Field(description="its name, as the map labels it")
    along: MapLine | None = Field(  # type: ignore[valid-type]
        None, description="drawn along a line of the base map: " + " or ".join(line_ids())
    )
    across: TwoTowns | None = Field(
        None,
        description="instead of `along`, drawn east to west across the Strip midway between two towns: "
        + ", ".join(place_ids()),
    )
    approximate: bool = Field(
        False, description="true when the sources give its position only in words: drawn dashed, and said so"
    )
    note: Markdown = Field(description="what it is and why it is drawn where it is, in your own words, cited")
    sources: CitedBy = Field(description="ids from sources.yaml, at least one")
    updates: Updates = []

    @field_validator("across")
    @classmethod
    def _not_along_too(cls, across: list[str] | None, info: ValidationInfo) -> list[str] | None:
        """Both ways given: the mistake is shown at `across`, beside the other errors."""
        if across is not None and info.data.get("along") is not None:
            raise PydanticCustomError(
                "map_way", "give either `along` (a line) or `across` (two towns), not both"
            )
        return across

    @model_validator(mode="after")
    def _drawn_one_way(self) -> MapFeature:
        if self.along is None and self.across is None:
            raise PydanticCustomError("map_way", "give either `along` (a line) or `across` (two towns)")
        return self


class Page(Item):
    title: Text = Field(description="the page heading")
    description: Text | None = Field(None, description="one sentence for search engines and link previews")
    home_order: int | None = Field(
        None, ge=1, description="also show this page as a box on the start page, in this order (1 first)"
    )
    updates: Updates = []


class Quote(Strict):
    id: Id = Field(description="a unique id, e.g. 'blinken-best-maybe-last'")
    speaker: ActorId = Field(description="the actor who said it")
    date: Date = Field(description="when it was said")
    text: QuoteText = Field(description="the exact words, copied from the source")
    context: Markdown | None = Field(None, description="when, where and to whom it was said, cited")
    event: EventId | None = Field(None, description="the id of the event it belongs to, if any")
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
    date: Date | None = Field(None, description="when it was published: YYYY-MM-DD, YYYY-MM or YYYY")
    url: Url = Field(description="the http(s) address where it can be read")
    via: Text | None = Field(None, description="the site at `url`, when it is not the publisher's own")
    copies: list[Copy] = Field([], description="other addresses where the same piece can be read")
    note: Text | None = Field(None, description="what readers should know about the source, shown with it")

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
    publisher: Text | None = Field(
        None, description="who publishes the site: the author of its news feed (default: the title)"
    )
    timeline_intro: Text = Field(
        "What happened when, month by month, every event with its sources.",
        description="one sentence under the timeline's heading",
    )


@dataclass(frozen=True)
class FieldRole:
    """What resolve must do with one field: check ids of `ref`, scan Markdown, or descend."""

    name: str
    ref: str | None
    markdown: bool
    block: bool  # Markdown rendered as blocks, like a body
    nested: type[Strict] | None


def annotation_metadata(annotation: Any) -> list[Any]:
    """Annotated metadata anywhere in a type (inside Optional and list too)."""
    found = list(getattr(annotation, "__metadata__", ()))
    for arg in get_args(annotation):
        found += annotation_metadata(arg)
    return found


def nested_schema(annotation: Any) -> type[Strict] | None:
    for arg in get_args(annotation):
        if isinstance(arg, type) and issubclass(arg, Strict):
            return arg
    return None


@cache
def field_roles(schema: type[Strict]) -> tuple[FieldRole, ...]:
    """The fields of a schema that hold references, Markdown or nested items (computed once)."""
    roles = []
    for name, info in schema.model_fields.items():
        metadata = list(info.metadata) + annotation_metadata(info.annotation)
        ref = next((m.kind for m in metadata if isinstance(m, Ref)), None)
        markdown = any(isinstance(m, MarkdownText) for m in metadata)
        block = any(isinstance(m, MarkdownText) and m.block for m in metadata)
        nested = nested_schema(info.annotation)
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
