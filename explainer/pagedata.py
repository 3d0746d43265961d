"""What several pages of one build share, worked out once: event summaries for lists, the
timeline's plan and filters, the update notes, the teams, the phases with their sticking points.

Each is computed on first use, so rebuilding a few pages after an edit (see `routes.rebuild`)
costs little more than those pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from itertools import groupby
from typing import TYPE_CHECKING, Any

from . import changes, sides
from .dates import PartialDate
from .locator import LocatorMap, draw
from .urls import note_path

if TYPE_CHECKING:
    from .model import Event, MapFeature, Phase, StickingPoint
    from .resolve import Site

TIMELINE_PAGE_LIMIT = 40  # more events than this, and the timeline gets a page per month
TIMELINE_LINES_LIMIT = 200  # up to this many, its first page still lists every event, a line each


@dataclass(frozen=True)
class TimelineFilter:
    """A static page of the timeline narrowed to one actor or one sticking point."""

    kind: str  # 'actor' or 'sticking_point'
    id: str
    label: str
    description: str

    @property
    def path(self) -> str:
        folder = "by-actor" if self.kind == "actor" else "by-sticking-point"
        return f"timeline/{folder}/{self.id}/index.html"


@dataclass(frozen=True)
class EventSummary:
    """An event without its text, for lists: a page holding only these is not re-rendered
    when an event's text changes, only when what the list shows does."""

    id: str
    title: str
    date: PartialDate
    end_date: PartialDate | None
    display_date: str | None
    location: str | None
    actors: list[str]
    sources: list[str]
    importance: str


class Summaries(dict[str, EventSummary]):
    """One summary per event and build, made when first asked for and shared by every page
    that lists the event."""

    def __init__(self, events: dict[str, Event]):
        super().__init__()
        self.events = events

    def __missing__(self, event_id: str) -> EventSummary:
        e = self.events[event_id]
        summary = EventSummary(
            e.id, e.title, e.date, e.end_date, e.display_date, e.location, e.actors, e.sources, e.importance
        )
        self[event_id] = summary
        return summary

    def of(self, events: list[Event]) -> list[EventSummary]:
        return [self[event.id] for event in events]


def by_month(events: list[Any]) -> list[tuple[str, list[Any]]]:
    return [(month, list(group)) for month, group in groupby(events, key=lambda e: e.date.month_key())]


def month_path(date: PartialDate) -> str:
    """The page of a month on a long timeline: timeline/by-month/2024-08/index.html."""
    slug = f"{date.year:04d}-{date.month:02d}" if date.month else f"{date.year:04d}"
    return f"timeline/by-month/{slug}/index.html"


@dataclass(frozen=True)
class TimelinePlan:
    """Whether the timeline is one page or a page per month, and where each event's card is."""

    paged: bool
    months: list[tuple[str, list[Event]]]

    def card_path(self, event: Event) -> str:
        page = month_path(event.date) if self.paged else "timeline/index.html"
        return f"{page}#event-{event.id}"

    def index(self) -> list[tuple[str, str, int]]:
        """For a paged timeline: each month's label, page and number of events."""
        return [(label, month_path(events[0].date), len(events)) for label, events in self.months]


class PageData:
    """One build's shared data, each part made when a page first asks for it."""

    def __init__(self, site: Site):
        self.site = site
        self.as_of = site.config.as_of
        self._filtered: dict[tuple[str, str], list[Event]] = {}  # see filtered_events

    @cached_property
    def map_features(self) -> list[MapFeature]:
        return list(self.site.map_features.values())

    @cached_property
    def locator(self) -> LocatorMap | None:
        """The locator map, drawn once a build; none without map features to mark on it."""
        return draw(self.map_features) if self.map_features else None

    def map_context(self, shown: bool = True) -> dict[str, Any]:
        """What a page with the map gives its template (the partial draws nothing without it)."""
        return {
            "locator": self.locator if shown else None,
            "map_features": self.map_features if shown else [],
        }

    @cached_property
    def events(self) -> list[Event]:
        return list(self.site.events.values())

    @cached_property
    def event_index(self) -> dict[str, int]:
        return {event_id: index for index, event_id in enumerate(self.site.events)}

    @cached_property
    def summaries(self) -> Summaries:
        return Summaries(self.site.events)

    @cached_property
    def plan(self) -> TimelinePlan:
        return TimelinePlan(len(self.events) > TIMELINE_PAGE_LIMIT, by_month(self.events))

    @cached_property
    def filters(self) -> list[TimelineFilter]:
        """One filter per actor and per sticking point that has any event."""
        site = self.site
        found = [
            TimelineFilter("actor", actor.id, actor.name, f"involving {actor.name}")
            for actor in site.actors.values()
            if self.filtered_events("actor", actor.id)
        ]
        return found + [
            TimelineFilter("sticking_point", point.id, point.title, f"on {point.title}")
            for point in site.sticking_points.values()
            if self.filtered_events("sticking_point", point.id)
        ]

    def filtered_events(self, kind: str, item_id: str) -> list[Event]:
        """The events of a timeline filter (asked for by the list of filters, the timeline's
        counts and the filter's own page: kept, since an actor has hundreds of references)."""
        found = self._filtered.get((kind, item_id))
        if found is None:
            field_name = "actors" if kind == "actor" else "sticking_points"
            found = self._filtered[(kind, item_id)] = self.site.referring(kind, item_id, "event", field_name)
        return found

    @cached_property
    def notes(self) -> list[changes.ChangeNote]:
        return changes.change_notes(self.site, note_path)

    @cached_property
    def teams(self) -> dict[str, sides.Team]:
        return sides.teams(self.site.actors)

    @cached_property
    def phases_with_points(self) -> list[tuple[Phase, list[StickingPoint]]]:
        return [
            (p, self.site.referring("phase", p.id, "sticking_point", "phases"))
            for p in self.site.phases.values()
        ]
