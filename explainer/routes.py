"""Which URLs exist, and what each page is given: the one place that maps content to pages.

Paths are relative to the output root and always name the file (`timeline/index.html`), so
every link works from a sub-path and when the site is opened straight from disk; templates turn
them into links relative to the page that holds them. The data each page needs (grouped,
sorted, looked up) is prepared here, so templates only lay it out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from itertools import groupby
from typing import TYPE_CHECKING, Any

from . import changes, charts, markup, sides
from .dates import PartialDate
from .urls import (
    HOME_PAGE,
    item_path,
    note_path,
    source_page_path,
)

if TYPE_CHECKING:
    from .model import Actor, Event, Phase, Position, Provision, StickingPoint
    from .resolve import Site

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
CITING_LABELS = {  # what cites a source, in the order a source's page lists it
    "event": "Events",
    "actor": "People, organisations and states",
    "phase": "Phases of the deal",
    "sticking_point": "Sticking points",
    "quote": "Quotes",
    "term": "Glossary terms",
    "page": "Pages",
}
LATEST_KEY_EVENTS = 5
FEED_ENTRIES = 50  # the newest events, and as many update notes: feed readers want what is new
TIMELINE_PAGE_LIMIT = 40  # more events than this, and the timeline gets a page per month
DATA_KINDS = {
    "events": "event",
    "actors": "actor",
    "phases": "phase",
    "sticking-points": "sticking_point",
    "quotes": "quote",
    "sources": "source",
    "glossary": "term",
    "pages": "page",
}
DATA_FILES = {name: f"data/{name}.json" for name in [*DATA_KINDS, "timeline"]}
DESCRIPTION_LENGTH = 160
SECTION_DESCRIPTIONS = {
    "timeline/index.html": "What happened when in the talks, month by month, every event with its sources.",
    "actors/index.html": "The people, organisations and states in the talks, grouped by side: the mediators, each party with its team, and others.",
    "deal/index.html": "The deal's three phases and what each provides, with sources, and where each is disputed.",
    "sticking-points/index.html": "Where the talks are stuck, and the position each side has taken, with sources.",
    "quotes/index.html": "What the people in the talks said, quoted exactly, with speaker, date and source.",
    "glossary/index.html": "The terms a newcomer needs to follow the talks, each with a source.",
    "sources/index.html": "Every source this explainer relies on, and what cites each one.",
    "changes/index.html": "Every update and correction to this explainer, newest first, each with the item it is on.",
}


_DESCRIPTIONS: dict[tuple[str, str], str] = {}


def _describe(text: str, titles: str, title_of: Any) -> str:
    """A page description from a Markdown text, remembered across builds; `titles` (a
    fingerprint of every title, which the text's links may show) is part of the key."""
    key = (text, titles)
    if key not in _DESCRIPTIONS:
        if len(_DESCRIPTIONS) > 65536:
            _DESCRIPTIONS.clear()
        _DESCRIPTIONS[key] = _sentence(_plain_start(text, title_of))
    return _DESCRIPTIONS[key]


def _plain_start(text: str, title_of: Any) -> str:
    """The start of markup.plain_text(text), long enough for a description: whole lines from
    the top until there are enough words. (Citations and links never span lines, so the plain
    text of the first lines is the start of the plain text of all of them; a long event's
    text is then not read to the end.)"""
    end = text.find("\n", 2 * DESCRIPTION_LENGTH)
    if end != -1:
        start = markup.plain_text(text[:end], title_of)
        if len(start) > DESCRIPTION_LENGTH + 1:
            return start
    return markup.plain_text(text, title_of)


def _sentence(text: str) -> str:
    """A description of at most DESCRIPTION_LENGTH characters, cut at a word."""
    if len(text) <= DESCRIPTION_LENGTH:
        return text
    return text[: DESCRIPTION_LENGTH - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


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
    origin: tuple[str, str] = ("", "")  # (family, member) to build it again alone: see rebuild()

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


def _positions_matrix(site: Site) -> Matrix:
    actor_ids = {p.actor for point in site.sticking_points.values() for p in point.positions}
    # the parties' columns first, then everyone else's, each by name
    actors = sorted(
        (actor for actor in site.actors.values() if actor.id in actor_ids), key=lambda a: a.part != "party"
    )
    rows = []
    for point in site.sticking_points.values():
        stance = {position.actor: position for position in point.positions}
        rows.append((point, [stance.get(actor.id) for actor in actors]))
    return Matrix(actors, rows)


@dataclass(frozen=True)
class Ledger:
    """Who would do what in a phase: what applies to the deal as a whole, and a column for
    each side that carries out a provision (in the order the provisions name them)."""

    shared: list[Provision]
    columns: list[tuple[str, list[Provision]]]  # (actor id, what that side would do)


def _ledger(phase: Phase) -> Ledger:
    columns: dict[str, list[Provision]] = {}
    for provision in phase.provisions:
        if provision.by:
            columns.setdefault(provision.by, []).append(provision)
    return Ledger([p for p in phase.provisions if not p.by], list(columns.items()))


Origin = tuple[str, str]  # (family, member): what a route shows, so it can be built again alone


class _Pages:
    """Builds the pages of a site, one family at a time (sections, timeline filters, months,
    events, actors, ...). What several pages share is computed on first use, so rebuilding a
    few pages after an edit (see `rebuild`) costs little more than those pages."""

    def __init__(self, site: Site):
        self.site = site
        self.as_of = site.config.as_of
        self._filtered: dict[tuple[str, str], list[Event]] = {}  # see filtered_events

    def origins(self) -> list[Origin]:
        """Every page this site has, in a stable order (which the sitemap keeps)."""
        site = self.site
        found: list[Origin] = [("section", path) for path in _SECTION_PATHS]
        found += [("timeline_filter", f"{f.kind}:{f.id}") for f in self.filters]
        if self.plan.paged:
            found += [("month", label) for label, _ in self.plan.months]
        found += [("event", event_id) for event_id in site.events]
        found += [("actor", actor_id) for actor_id in site.actors]
        found += [("phase", phase_id) for phase_id in site.phases]
        found += [("sticking_point", point_id) for point_id in site.sticking_points]
        found += [("page", page_id) for page_id in site.pages if page_id != HOME_PAGE]
        found += [("source", source_id) for source_id in site.sources]
        return found

    def build(self, origin: Origin) -> Route:
        """A family's pages are built by the method named after it. (Looked up when needed: a
        table of bound methods kept on the planner would make it a reference cycle, and its
        lists of every event garbage for the collector.)"""
        family, member = origin
        route: Route = getattr(self, family)(member)
        # (set on the route just made, which nothing else holds yet: dataclasses.replace()
        # made each route twice, 2 % of planning them)
        object.__setattr__(route, "origin", origin)
        return route

    # What several pages share -----------------------------------------------------------

    @cached_property
    def events(self) -> list[Event]:
        return list(self.site.events.values())

    @cached_property
    def event_index(self) -> dict[str, int]:
        return {event_id: index for index, event_id in enumerate(self.site.events)}

    @cached_property
    def summaries(self) -> _Summaries:
        return _Summaries(self.site.events)

    @cached_property
    def plan(self) -> TimelinePlan:
        return TimelinePlan(len(self.events) > TIMELINE_PAGE_LIMIT, _by_month(self.events))

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

    def lastmod(self, content_date: PartialDate, item: Any) -> PartialDate:
        """A page's date for the sitemap: its content's, or its newest note's if later."""
        return max(content_date, item.last_updated or content_date)

    @cached_property
    def phases_with_points(self) -> list[tuple[Phase, list[StickingPoint]]]:
        return [
            (p, self.site.referring("phase", p.id, "sticking_point", "phases"))
            for p in self.site.phases.values()
        ]

    def describe(self, text: str | None) -> str | None:
        return _describe(text, self.site.titles_fingerprint(), self.site.title) if text else None

    def _timeline(self, path: str, title: str, description: str, lastmod: Any, **context: Any) -> Route:
        """A page of the timeline: the whole of it, one month, or one actor's or point's events."""
        defaults: dict[str, Any] = {
            "filter": None,
            "overview": None,
            "month_index": [],
            "neighbours": [],
            "show_filters": False,
            "cards": False,  # each event with its whole account (else a line linking to it)
        }
        return Route(path, "timeline.html", title, {**defaults, **context}, description, lastmod)

    # The families -------------------------------------------------------------------------

    def section(self, path: str) -> Route:
        site = self.site

        def section(template: str, title: str, **context: Any) -> Route:
            return Route(path, template, title, context, SECTION_DESCRIPTIONS.get(path), self.as_of)

        if path == "index.html":
            key_events = [event for event in self.events if event.importance == "key"]
            return section(
                "home.html",
                site.config.title,
                page=site.pages.get(HOME_PAGE),
                phases=self.phases_with_points,
                points=list(site.sticking_points.values()),
                key_actors=[a for a in site.actors.values() if a.importance == "key"],
                latest=self.summaries.of(key_events[-LATEST_KEY_EVENTS:][::-1]),
                boxes=sorted(
                    (page for page in site.pages.values() if page.home_order is not None),
                    key=lambda page: (page.home_order, page.id),
                ),
                latest_change=self.notes[0] if self.notes else None,
            )
        if path == "timeline/index.html":
            plan = self.plan
            overview = charts.overview(self.events)
            filters = {
                kind: [
                    (f.label, f.path, len(self.filtered_events(f.kind, f.id)))
                    for f in self.filters
                    if f.kind == kind
                ]
                for kind in ("actor", "sticking_point")
            }
            return self._timeline(
                path,
                "Timeline",
                SECTION_DESCRIPTIONS[path],
                self.as_of,
                months=[] if plan.paged else plan.months,
                month_index=plan.index() if plan.paged else [],
                overview=overview,
                count=len(self.events),
                filters=filters,
                show_filters=True,
                cards=True,  # (a paged timeline has no events here; its months list lines)
                intro=site.config.timeline_intro,
                timeline_link={e.id: plan.card_path(e) for e in (overview.background if overview else [])},
            )
        if path == "actors/index.html":
            return section("actors.html", "Who is who", sides=sides.sides(site.actors))
        if path == "changes/index.html":
            return section("changes.html", "Updates and corrections", notes=self.notes)
        if path == "deal/index.html":
            return section("deal.html", "The deal", phases=self.phases_with_points)
        if path == "sticking-points/index.html":
            return section(
                "sticking_points.html",
                "Sticking points",
                points=list(site.sticking_points.values()),
                matrix=_positions_matrix(site),
            )
        if path == "quotes/index.html":
            return section("quotes.html", "Quotes", quotes=list(site.quotes.values()))
        if path == "glossary/index.html":
            return section("glossary.html", "Glossary", terms=list(site.terms.values()))
        sources = [
            (source, len(site.citing(source.id)), source_page_path(source.id))
            for source in site.sources.values()
        ]
        return section("sources.html", "Sources", sources=sources)

    def timeline_filter(self, member: str) -> Route:
        kind, item_id = member.split(":", 1)
        item = self.site.get(kind, item_id)
        label = item.name if kind == "actor" else item.title
        timeline_filter = TimelineFilter(
            kind, item_id, label, ("involving " if kind == "actor" else "on ") + label
        )
        matching = self.filtered_events(kind, item_id)
        return self._timeline(
            timeline_filter.path,
            f"Timeline: {timeline_filter.label}",
            f"Events {timeline_filter.description}, month by month, with their sources.",
            self.as_of,
            months=_by_month(self.summaries.of(matching)),
            filter=timeline_filter,
            count=len(matching),
        )

    def month(self, label: str) -> Route:
        months = self.plan.months
        index = next(i for i, (name, _) in enumerate(months) if name == label)
        month_events = months[index][1]
        neighbours = [months[i] for i in (index - 1, index + 1) if 0 <= i < len(months)]
        return self._timeline(
            month_path(month_events[0].date),
            f"Timeline: {label}",
            f"What happened in {label}, with every event's sources.",
            month_events[-1].end_date or month_events[-1].date,
            months=[(label, self.summaries.of(month_events))],  # (the same objects as on filter pages)
            count=len(month_events),
            neighbours=[(name, month_path(evs[0].date)) for name, evs in neighbours],
        )

    def event(self, event_id: str) -> Route:
        site, event = self.site, self.site.events[event_id]
        index, events = self.event_index[event_id], self.events
        context = {
            "event": event,
            "actors": [site.actors[i] for i in event.actors],
            "phases": [site.phases[i] for i in event.phases],
            "points": [site.sticking_points[i] for i in event.sticking_points],
            "quotes": site.referring("event", event.id, "quote", "event"),
            "previous": self.summaries[events[index - 1].id] if index > 0 else None,
            "next": self.summaries[events[index + 1].id] if index + 1 < len(events) else None,
            "timeline_link": self.plan.card_path(event),
        }
        return Route(
            item_path("event", event.id),
            "event.html",
            event.title,
            context,
            description=self.describe(event.body) or event.title,
            lastmod=self.lastmod(event.end_date or event.date, event),
            og_type="article",
        )

    def actor(self, actor_id: str) -> Route:
        site, actor = self.site, self.site.actors[actor_id]
        context = {
            "actor": actor,
            "affiliation": site.actors.get(actor.affiliation or ""),
            "members": site.referring("actor", actor.id, "actor", "affiliation"),
            "team": self.teams[actor.id].members if actor.id in self.teams else [],
            "events": self.summaries.of(self.filtered_events("actor", actor.id)),
            "quotes": site.referring("actor", actor.id, "quote", "speaker"),
            "positions": site.positions_of(actor.id),
        }
        return Route(
            item_path("actor", actor.id),
            "actor.html",
            actor.name,
            context,
            description=f"{actor.name}: {actor.role}. Their part in the talks, positions, quotes and events.",
            lastmod=self.lastmod(self.as_of, actor),
            og_type="profile" if actor.kind == "person" else "website",
        )

    def phase(self, phase_id: str) -> Route:
        site, phase = self.site, self.site.phases[phase_id]
        context = {
            "phase": phase,
            "phase_count": len(site.phases),
            "events": self.summaries.of(site.referring("phase", phase.id, "event", "phases")),
            "points": site.referring("phase", phase.id, "sticking_point", "phases"),
            "ledger": _ledger(phase),
            "next_phase": next((p for p in site.phases.values() if p.number == phase.number + 1), None),
        }
        return self._article("phase", phase, phase.title, context, self.describe(phase.summary))

    def sticking_point(self, point_id: str) -> Route:
        site, point = self.site, self.site.sticking_points[point_id]
        context = {
            "point": point,
            "positions": [(site.actors[p.actor], p) for p in point.positions],
            "phases": [site.phases[i] for i in point.phases],
            "events": self.summaries.of(self.filtered_events("sticking_point", point.id)),
        }
        return self._article("sticking_point", point, point.title, context, self.describe(point.summary))

    def _article(
        self, kind: str, item: Any, title: str, context: dict[str, Any], description: str | None
    ) -> Route:
        return Route(
            item_path(kind, item.id),
            f"{kind}.html",
            title,
            context,
            description,
            self.lastmod(self.as_of, item),
            og_type="article",
        )

    def page(self, page_id: str) -> Route:
        page = self.site.pages[page_id]
        return Route(
            item_path("page", page.id),
            "about.html" if page_id == "about" else "page.html",
            page.title,
            {"page": page},
            description=page.description or self.describe(page.body),
            lastmod=self.lastmod(self.as_of, page),
        )

    def source(self, source_id: str) -> Route:
        site, source = self.site, self.site.sources[source_id]
        citing = site.citing(source_id)
        groups = [
            (CITING_LABELS[kind], [i for k, i in citing if k == kind], kind)
            for kind in CITING_LABELS
            if any(k == kind for k, _ in citing)
        ]
        return Route(
            source_page_path(source_id),
            "source.html",
            f"{source.publisher}: {source.label}",
            {"source": source, "groups": groups, "count": len(citing)},
            description=f"{source.publisher}, {source.label}: the source, and everything in this explainer that cites it.",
            lastmod=self.as_of,
        )

    def data(self, name: str) -> Route:
        """An open data file (see opendata.py): a collection, the TimelineJS file or the index."""
        if name in DATA_KINDS:
            kind = DATA_KINDS[name]
            context = {"kind": kind, "items": list(self.site.by_kind[kind].values())}
            return Route(DATA_FILES[name], "", name, context, in_sitemap=False, producer="collection")
        if name == "timeline":
            return Route(
                DATA_FILES[name], "", name, {"events": self.events}, in_sitemap=False, producer="timelinejs"
            )
        return Route("data/index.json", "", "index", in_sitemap=False, producer="data-index")

    def special(self, path: str) -> Route:
        """Files for hosts, crawlers and feed readers that show no item of their own."""
        if path == "404.html":
            return Route(path, path, "Page not found", in_sitemap=False, absolute_links=True)
        if path == "robots.txt":
            return Route(path, path, path, in_sitemap=False)
        # newest first by the date each entry carries (an event over several days: its last)
        entries = sorted(self.events[::-1], key=lambda e: e.end_date or e.date, reverse=True)[:FEED_ENTRIES]
        context = {
            "entries": entries,
            "notes": self.notes[:FEED_ENTRIES],
            "updated": changes.feed_updated(self.site, self.notes),
        }
        return Route(path, path, "Timeline", context, in_sitemap=False)


_SECTION_PATHS = (
    "index.html",
    "timeline/index.html",
    "actors/index.html",
    "deal/index.html",
    "sticking-points/index.html",
    "quotes/index.html",
    "glossary/index.html",
    "sources/index.html",
    "changes/index.html",
)
_DATA_ORIGINS: list[Origin] = [("data", name) for name in [*DATA_KINDS, "timeline", "index"]]


def routes(site: Site) -> list[Route]:
    """Every page of the site, in a stable order, and the files that list them all."""
    pages = _Pages(site)
    result = [pages.build(origin) for origin in pages.origins()]
    sitemap = [(route.path, route.lastmod) for route in result if route.in_sitemap]
    result += [pages.build(origin) for origin in _DATA_ORIGINS]
    top_level = sorted(
        {route.path.split("/", 1)[0] + ("/*" if "/" in route.path else "") for route in result}
    )
    # these two show no item, only the list of pages: an edit that keeps every page where it
    # was never needs them rebuilt
    result += [
        Route("_headers", "_headers", "headers", {"html_paths": top_level}, in_sitemap=False),
        pages.build(("special", "404.html")),
        Route("sitemap.xml", "sitemap.xml", "Sitemap", {"entries": sitemap}, in_sitemap=False),
        pages.build(("special", "robots.txt")),
        pages.build(("special", "feed.xml")),
    ]
    return result


def rebuild(site: Site, origins: list[Origin]) -> list[Route]:
    """Just the routes of `origins`, built as `routes` would build them for this site."""
    pages = _Pages(site)
    return [pages.build(origin) for origin in origins]
