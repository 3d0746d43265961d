"""Which URLs exist, and what each page is given: the one place that maps content to pages.

Paths are relative to the output root and always name the file (`timeline/index.html`), so
every link works from a sub-path and when the site is opened straight from disk; templates turn
them into links relative to the page that holds them. The data each page needs (grouped,
sorted, looked up) is prepared here, so templates only lay it out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from itertools import groupby
from typing import TYPE_CHECKING, Any

from . import charts, markup
from .dates import PartialDate
from .load import fingerprint

if TYPE_CHECKING:
    from .model import Actor, Event, Position, StickingPoint
    from .resolve import Site

SECTIONS = {
    "event": "timeline",
    "actor": "actors",
    "phase": "deal",
    "sticking_point": "sticking-points",
}
LIST_PAGES = {"quote": "quotes", "source": "sources", "term": "glossary"}
ANCHOR_PREFIX = {"quote": "quote-", "source": "source-", "term": "term-"}
HOME_PAGE = "home"
RESERVED_PAGE_IDS = frozenset(
    {*SECTIONS.values(), *LIST_PAGES.values(), "assets", "data", "404", "index", "feed", "sitemap"}
)
PART_LABELS = {
    "party": "Parties to the talks",
    "mediator": "Mediators",
    "negotiator": "Negotiators",
    "other": "Others",
}
NAVIGATION = (
    ("Timeline", "timeline/index.html"),
    ("Who is who", "actors/index.html"),
    ("The deal", "deal/index.html"),
    ("Sticking points", "sticking-points/index.html"),
    ("Quotes", "quotes/index.html"),
    ("Glossary", "glossary/index.html"),
    ("Sources", "sources/index.html"),
    ("About", "about/index.html"),
)
LATEST_KEY_EVENTS = 5
FEED_ENTRIES = 50  # the newest events; readers' feed software only wants what is new
TIMELINE_PAGE_LIMIT = 40  # more events than this, and the timeline gets a page per month
DATA_KINDS = {
    "events": "event",
    "actors": "actor",
    "phases": "phase",
    "sticking-points": "sticking_point",
    "quotes": "quote",
    "sources": "source",
    "glossary": "term",
}
DATA_FILES = {name: f"data/{name}.json" for name in [*DATA_KINDS, "timeline"]}
DESCRIPTION_LENGTH = 160
SECTION_DESCRIPTIONS = {
    "timeline/index.html": "What happened when in the talks, month by month, every event with its sources.",
    "actors/index.html": "The people, organisations and states in the talks, grouped by the part they play.",
    "deal/index.html": "The deal's three phases and what each provides, with sources, and where each is disputed.",
    "sticking-points/index.html": "Where the talks are stuck, and the position each side has taken, with sources.",
    "quotes/index.html": "What the people in the talks said, quoted exactly, with speaker, date and source.",
    "glossary/index.html": "The terms a newcomer needs to follow the talks, each with a source.",
    "sources/index.html": "Every source this explainer relies on, and what cites each one.",
}


_DESCRIPTIONS: dict[tuple[str, str], str] = {}


def _describe(text: str, titles: str, title_of: Any) -> str:
    """A page description from a Markdown text, remembered across builds; `titles` (a
    fingerprint of every title, which the text's links may show) is part of the key."""
    key = (text, titles)
    if key not in _DESCRIPTIONS:
        if len(_DESCRIPTIONS) > 65536:
            _DESCRIPTIONS.clear()
        _DESCRIPTIONS[key] = _sentence(markup.plain_text(text, title_of))
    return _DESCRIPTIONS[key]


def _sentence(text: str) -> str:
    """A description of at most DESCRIPTION_LENGTH characters, cut at a word."""
    if len(text) <= DESCRIPTION_LENGTH:
        return text
    return text[: DESCRIPTION_LENGTH - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def section_path(kind: str) -> str:
    """The index page of a kind, e.g. 'timeline/index.html'."""
    return f"{SECTIONS.get(kind) or LIST_PAGES[kind]}/index.html"


def item_path(kind: str, item_id: str) -> str:
    """Where an item is shown: its own page, or its entry on a list page."""
    if kind in SECTIONS:
        return f"{SECTIONS[kind]}/{item_id}/index.html"
    if kind in LIST_PAGES:
        return f"{section_path(kind)}#{ANCHOR_PREFIX[kind]}{item_id}"
    if kind == "page":
        return "index.html" if item_id == HOME_PAGE else f"{item_id}/index.html"
    raise KeyError(kind)


@lru_cache(maxsize=65536)
def relative_link(from_page: str, target: str) -> str:
    """Shortest relative link between two output paths: works from any sub-path and from disk."""
    here = from_page.split("/")[:-1]
    there = target.split("/")
    common = 0
    while common < len(here) and common < len(there) - 1 and here[common] == there[common]:
        common += 1
    return "../" * (len(here) - common) + "/".join(there[common:])


def pretty_url(path: str) -> str:
    """The address a host serves a page at: 'timeline/index.html#x' -> 'timeline/#x'."""
    page, hash_, fragment = path.partition("#")
    if page.endswith("index.html"):
        page = page[: -len("index.html")]
    return page + hash_ + fragment


@dataclass(frozen=True)
class Route:
    """One output file: where it goes, which template renders it, and with what."""

    path: str
    template: str
    title: str
    context: dict[str, Any] = field(default_factory=dict)
    description: str | None = None
    lastmod: PartialDate | None = None
    og_type: str = "website"
    producer: str = ""  # for files made without a template: see opendata.py
    in_sitemap: bool = True
    absolute_links: bool = False  # root-relative links, for pages served at any depth (404)

    @property
    def section(self) -> str:
        """First path segment, for marking the current section in navigation."""
        return self.path.split("/", 1)[0] if "/" in self.path else ""


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


class _Summaries(dict[str, EventSummary]):
    """One summary object per event and build, shared by every page that lists the event."""

    def __init__(self, events: list[Event]):
        super().__init__(
            (
                e.id,
                EventSummary(
                    e.id,
                    e.title,
                    e.date,
                    e.end_date,
                    e.display_date,
                    e.location,
                    e.actors,
                    e.sources,
                    e.importance,
                ),
            )
            for e in events
        )

    def of(self, events: list[Event]) -> list[EventSummary]:
        return [self[event.id] for event in events]


@dataclass(frozen=True)
class Matrix:
    """Positions table: one row per sticking point, one column per actor with any position."""

    actors: list[Actor]
    rows: list[tuple[StickingPoint, list[Position | None]]]


def _by_month(events: list[Any]) -> list[tuple[str, list[Any]]]:
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


def _timeline_filters(site: Site) -> list[tuple[TimelineFilter, list[Event]]]:
    """One filter per actor and per sticking point that has any event, with those events."""
    filters = []
    for actor in site.actors.values():
        events = site.referring("actor", actor.id, "event", "actors")
        if events:
            filters.append((TimelineFilter("actor", actor.id, actor.name, f"involving {actor.name}"), events))
    for point in site.sticking_points.values():
        events = site.referring("sticking_point", point.id, "event", "sticking_points")
        if events:
            filters.append(
                (TimelineFilter("sticking_point", point.id, point.title, f"on {point.title}"), events)
            )
    return filters


def _positions_matrix(site: Site) -> Matrix:
    actor_ids = {p.actor for point in site.sticking_points.values() for p in point.positions}
    actors = [actor for actor in site.actors.values() if actor.id in actor_ids]
    rows = []
    for point in site.sticking_points.values():
        stance = {position.actor: position for position in point.positions}
        rows.append((point, [stance.get(actor.id) for actor in actors]))
    return Matrix(actors, rows)


def _event_context(site: Site, events: list[Event], index: int, summaries: _Summaries) -> dict[str, Any]:
    event = events[index]
    return {
        "event": event,
        "actors": [site.actors[i] for i in event.actors],
        "phases": [site.phases[i] for i in event.phases],
        "points": [site.sticking_points[i] for i in event.sticking_points],
        "quotes": site.referring("event", event.id, "quote"),
        "previous": summaries[events[index - 1].id] if index > 0 else None,
        "next": summaries[events[index + 1].id] if index + 1 < len(events) else None,
    }


def _actor_context(site: Site, actor: Actor, summaries: _Summaries) -> dict[str, Any]:
    return {
        "actor": actor,
        "affiliation": site.actors.get(actor.affiliation or ""),
        "members": site.referring("actor", actor.id, "actor", "affiliation"),
        "events": summaries.of(site.referring("actor", actor.id, "event")),
        "quotes": site.referring("actor", actor.id, "quote"),
        "positions": site.positions_of(actor.id),
    }


def routes(site: Site) -> list[Route]:
    """Every page of the site, in a stable order."""
    as_of = site.config.as_of
    events = list(site.events.values())
    key_events = [event for event in events if event.importance == "key"]
    phases = list(site.phases.values())
    points = list(site.sticking_points.values())
    about = site.pages.get("about")
    summaries = _Summaries(events)

    def section(path: str, template: str, title: str, **context: Any) -> Route:
        return Route(
            path, template, title, context, description=SECTION_DESCRIPTIONS.get(path), lastmod=as_of
        )

    titles = fingerprint("\0".join(site.title(kind, i) for kind, i in site.fingerprints))

    def describe(text: str | None) -> str | None:
        return _describe(text, titles, site.title) if text else None

    def article(kind: str, item: Any, title: str, context: dict[str, Any], description: str | None) -> Route:
        """The page of one phase or sticking point."""
        return Route(
            item_path(kind, item.id), f"{kind}.html", title, context, description, as_of, og_type="article"
        )

    filters = _timeline_filters(site)
    filter_links = {
        "actors": [(site.actors[f.id], f.path, len(e)) for f, e in filters if f.kind == "actor"],
        "points": [
            (site.sticking_points[f.id], f.path, len(e)) for f, e in filters if f.kind == "sticking_point"
        ],
    }
    phases_with_points = [(p, site.referring("phase", p.id, "sticking_point")) for p in phases]
    plan = TimelinePlan(len(events) > TIMELINE_PAGE_LIMIT, _by_month(events))
    overview = charts.overview(events)
    timeline_common: dict[str, Any] = {
        "filters": filter_links,
        "filter": None,
        "timeline_link": {e.id: plan.card_path(e) for e in (overview.background if overview else [])},
        "intro": site.config.timeline_intro,
        "neighbours": [],
        "show_filters": False,  # the lists of filters live on the timeline's first page only
    }

    result = [
        section(
            "index.html",
            "home.html",
            site.config.title,
            page=site.pages.get(HOME_PAGE),
            phases=phases_with_points,
            points=points,
            key_actors=[a for a in site.actors.values() if a.importance == "key"],
            latest=summaries.of(key_events[-LATEST_KEY_EVENTS:][::-1]),
        ),
        section(
            "timeline/index.html",
            "timeline.html",
            "Timeline",
            months=[] if plan.paged else plan.months,
            month_index=plan.index() if plan.paged else [],
            overview=overview,
            count=len(events),
            **{**timeline_common, "show_filters": True},
        ),
        section(
            "actors/index.html",
            "actors.html",
            "Who is who",
            groups=[
                (label, [a for a in site.actors.values() if a.part == part])
                for part, label in PART_LABELS.items()
                if any(a.part == part for a in site.actors.values())
            ],
        ),
        section(
            "deal/index.html",
            "deal.html",
            "The deal",
            phases=phases_with_points,
        ),
        section(
            "sticking-points/index.html",
            "sticking_points.html",
            "Sticking points",
            points=points,
            matrix=_positions_matrix(site),
        ),
        section("quotes/index.html", "quotes.html", "Quotes", quotes=list(site.quotes.values())),
        section("glossary/index.html", "glossary.html", "Glossary", terms=list(site.terms.values())),
        section(
            "sources/index.html",
            "sources.html",
            "Sources",
            sources=[(source, site.citing(source.id)) for source in site.sources.values()],
        ),
    ]
    for timeline_filter, matching in filters:
        result.append(
            Route(
                timeline_filter.path,
                "timeline.html",
                f"Timeline: {timeline_filter.label}",
                {
                    **timeline_common,
                    "months": _by_month(summaries.of(matching)),
                    "month_index": [],
                    "overview": None,
                    "filter": timeline_filter,
                    "count": len(matching),
                },
                description=f"Events {timeline_filter.description}, month by month, with their sources.",
                lastmod=as_of,
            )
        )
    if plan.paged:
        for index, (label, month_events) in enumerate(plan.months):
            neighbours = [plan.months[i] for i in (index - 1, index + 1) if 0 <= i < len(plan.months)]
            result.append(
                Route(
                    month_path(month_events[0].date),
                    "timeline.html",
                    f"Timeline: {label}",
                    {
                        **timeline_common,
                        "months": [(label, month_events)],
                        "month_index": [],
                        "overview": None,
                        "count": len(month_events),
                        "neighbours": [(name, month_path(evs[0].date)) for name, evs in neighbours],
                    },
                    description=f"What happened in {label}, with every event's sources.",
                    lastmod=month_events[-1].end_date or month_events[-1].date,
                )
            )
    for index, event in enumerate(events):
        result.append(
            Route(
                item_path("event", event.id),
                "event.html",
                event.title,
                {**_event_context(site, events, index, summaries), "timeline_link": plan.card_path(event)},
                description=describe(event.body) or event.title,
                lastmod=event.end_date or event.date,
                og_type="article",
            )
        )
    for actor in site.actors.values():
        result.append(
            Route(
                item_path("actor", actor.id),
                "actor.html",
                actor.name,
                _actor_context(site, actor, summaries),
                description=f"{actor.name}: {actor.role}. Their part in the talks, positions, quotes and events.",
                lastmod=as_of,
                og_type="profile" if actor.kind == "person" else "website",
            )
        )
    for phase in phases:
        context = {
            "phase": phase,
            "phase_count": len(phases),
            "events": summaries.of(site.referring("phase", phase.id, "event")),
            "points": site.referring("phase", phase.id, "sticking_point"),
        }
        result.append(article("phase", phase, phase.title, context, describe(phase.summary)))
    for point in points:
        context = {
            "point": point,
            "positions": [(site.actors[p.actor], p) for p in point.positions],
            "phases": [site.phases[i] for i in point.phases],
            "events": summaries.of(site.referring("sticking_point", point.id, "event")),
        }
        result.append(article("sticking_point", point, point.title, context, describe(point.summary)))
    for page in site.pages.values():
        if page.id != HOME_PAGE:
            result.append(
                Route(
                    item_path("page", page.id),
                    "about.html" if page is about else "page.html",
                    page.title,
                    {"page": page},
                    description=page.description or describe(page.body),
                    lastmod=as_of,
                )
            )
    sitemap = [(route.path, route.lastmod) for route in result if route.in_sitemap]
    for name, kind in DATA_KINDS.items():
        result.append(
            Route(
                DATA_FILES[name],
                "",
                name,
                {"kind": kind, "items": list(site.by_kind[kind].values())},
                in_sitemap=False,
                producer="collection",
            )
        )
    result += [
        Route(
            DATA_FILES["timeline"],
            "",
            "timeline",
            {"events": events},
            in_sitemap=False,
            producer="timelinejs",
        ),
        Route("data/index.json", "", "index", in_sitemap=False, producer="data-index"),
    ]
    top_level = sorted(
        {route.path.split("/", 1)[0] + ("/*" if "/" in route.path else "") for route in result}
    )
    result += [
        Route("_headers", "_headers", "headers", {"html_paths": top_level}, in_sitemap=False),
        Route("404.html", "404.html", "Page not found", in_sitemap=False, absolute_links=True),
        Route("sitemap.xml", "sitemap.xml", "Sitemap", {"entries": sitemap}, in_sitemap=False),
        Route("robots.txt", "robots.txt", "robots.txt", in_sitemap=False),
        Route("feed.xml", "feed.xml", "Timeline", {"entries": events[::-1][:FEED_ENTRIES]}, in_sitemap=False),
    ]
    return result
