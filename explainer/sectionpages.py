"""The section pages (home, timeline, who is who, the deal, ...) and the timeline's other pages
(a month of a long timeline; one actor's or one sticking point's events), with what each shows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import charts, sides
from .kinds import KINDS
from .pagedata import TIMELINE_LINES_LIMIT, PageData, TimelineFilter, by_month, month_path
from .route import Route
from .urls import HOME_PAGE, NAVIGATION, item_path, section_path, source_page_path

if TYPE_CHECKING:
    from .model import Actor, Position, StickingPoint
    from .resolve import Site

SECTION_PATHS = (
    "index.html",
    "timeline/index.html",
    "actors/index.html",
    "deal/index.html",
    "sticking-points/index.html",
    "quotes/index.html",
    "glossary/index.html",
    "sources/index.html",
    "changes/index.html",
    "search/index.html",
)
SECTION_DESCRIPTIONS = {
    "timeline/index.html": "What happened when in the talks, month by month, every event with its sources.",
    "actors/index.html": "The people, organisations and states in the talks, grouped by side: the mediators, each party with its team, and others.",
    "deal/index.html": "The deal's three phases and what each provides, with sources, and where each is disputed.",
    "sticking-points/index.html": "Where the talks are stuck, and the position each side has taken, with sources.",
    "quotes/index.html": "What the people in the talks said, quoted exactly, with speaker, date and source.",
    "glossary/index.html": "The terms a newcomer needs to follow the talks, each with a source.",
    "sources/index.html": "Every source this explainer relies on, and what cites each one.",
    "changes/index.html": "Every update and correction to this explainer, newest first, each with the item it is on.",
    "search/index.html": "Search the explainer, or find any page of it in the index of everything it holds.",
}
LATEST_KEY_EVENTS = 5


@dataclass(frozen=True)
class Matrix:
    """Positions table: one row per sticking point, one column per actor with any position."""

    actors: list[Actor]
    rows: list[tuple[StickingPoint, list[Position | None]]]


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


def section(shared: PageData, path: str) -> Route:
    """One of SECTION_PATHS."""
    site = shared.site

    def section(template: str, title: str, **context: Any) -> Route:
        return Route(path, template, title, context, SECTION_DESCRIPTIONS.get(path), shared.as_of)

    if path == "index.html":
        key_events = [event for event in shared.events if event.importance == "key"]
        return section(
            "home.html",
            site.config.title,
            page=site.pages.get(HOME_PAGE),
            phases=shared.phases_with_points,
            points=list(site.sticking_points.values()),
            key_actors=[a for a in site.actors.values() if a.importance == "key"],
            latest=shared.summaries.of(key_events[-LATEST_KEY_EVENTS:][::-1]),
            boxes=sorted(
                (page for page in site.pages.values() if page.home_order is not None),
                key=lambda page: (page.home_order, page.id),
            ),
            latest_change=shared.notes[0] if shared.notes else None,
        )
    if path == "timeline/index.html":
        return _timeline_index(shared)
    if path == "actors/index.html":
        return section("actors.html", "Who is who", sides=sides.sides(site.actors))
    if path == "changes/index.html":
        return section("changes.html", "Updates and corrections", notes=shared.notes)
    if path == "deal/index.html":
        return section("deal.html", "The deal", phases=shared.phases_with_points, **shared.map_context())
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
    if path == "search/index.html":  # (without JavaScript, or before searching: every page)
        return section("search.html", "Search", index=_site_index(site))
    sources = [
        (source, len(site.citing(source.id)), source_page_path(source.id)) for source in site.sources.values()
    ]
    return section("sources.html", "Sources", sources=sources)


def kind_index(shared: PageData, kind_name: str) -> Route:
    """The index of a kind with no section page of its own (kinds.py): its template is
    `<kind>_index.html`, given the kind and its items in display order."""
    kind = KINDS[kind_name]
    items = list(shared.site.by_kind[kind_name].values())
    return Route(
        section_path(kind_name), f"{kind_name}_index.html", kind.group, {"kind": kind, "items": items}
    )


def timeline_filter(shared: PageData, member: str) -> Route:
    """The timeline of one actor or sticking point: `member` is 'kind:id' (see routes)."""
    kind, item_id = member.split(":", 1)
    item = shared.site.get(kind, item_id)
    label = item.name if kind == "actor" else item.title
    timeline_filter = TimelineFilter(
        kind, item_id, label, ("involving " if kind == "actor" else "on ") + label
    )
    matching = shared.filtered_events(kind, item_id)
    return _timeline(
        timeline_filter.path,
        f"Timeline: {timeline_filter.label}",
        f"Events {timeline_filter.description}, month by month, with their sources.",
        shared.as_of,
        months=by_month(shared.summaries.of(matching)),
        filter=timeline_filter,
        count=len(matching),
    )


def month(shared: PageData, label: str) -> Route:
    """A month of a timeline too long for one page, linking the months either side."""
    months = shared.plan.months
    index = next(i for i, (name, _) in enumerate(months) if name == label)
    month_events = months[index][1]
    neighbours = [months[i] for i in (index - 1, index + 1) if 0 <= i < len(months)]
    return _timeline(
        month_path(month_events[0].date),
        f"Timeline: {label}",
        f"What happened in {label}, with every event's sources.",
        month_events[-1].end_date or month_events[-1].date,
        months=[(label, shared.summaries.of(month_events))],  # (the same objects as on filter pages)
        count=len(month_events),
        neighbours=[(name, month_path(evs[0].date)) for name, evs in neighbours],
        all_months=[
            (name, page) for name, page, _ in shared.plan.index()
        ],  # (a jump list, this month marked)
    )


def _timeline_index(shared: PageData) -> Route:
    """The timeline's first page: the overview, the filters, and every event under its month."""
    site, path = shared.site, "timeline/index.html"
    plan = shared.plan
    overview = charts.overview(shared.events)
    filters = {
        kind: [
            (f.label, f.path, len(shared.filtered_events(f.kind, f.id)))
            for f in shared.filters
            if f.kind == kind
        ]
        for kind in ("actor", "sticking_point")
    }
    # every event a line under its month (the whole account a click away), unless there are
    # too many for one page: then only the months, each on a page of its own
    lines = len(shared.events) <= TIMELINE_LINES_LIMIT
    if not plan.paged:
        months = plan.months
    elif lines:
        months = [(label, shared.summaries.of(events)) for label, events in plan.months]
    else:
        months = []
    return _timeline(
        path,
        "Timeline",
        SECTION_DESCRIPTIONS[path],
        shared.as_of,
        months=months,
        month_pages={label: page for label, page, _ in plan.index()} if plan.paged else {},
        month_index=plan.index() if plan.paged and not lines else [],
        overview=overview,
        count=len(shared.events),
        filters=filters,
        show_filters=True,
        cards=not plan.paged,  # (each line opens on the event's whole account)
        intro=site.config.timeline_intro,
        timeline_link={e.id: plan.card_path(e) for e in (overview.background if overview else [])},
    )


def _site_index(site: Site) -> list[tuple[str, list[tuple[str, str]]]]:
    """Every page worth finding, by group: the sections, then each kind with a page an item."""
    groups = [("Sections", [(label, path) for label, path in NAVIGATION])]
    for kind in KINDS.values():
        if kind.section or kind.name == "page":
            items = site.by_kind[kind.name]
            groups.append(
                (
                    kind.group,
                    [(site.title(kind.name, item_id), item_path(kind.name, item_id)) for item_id in items],
                )
            )
    return [(label, entries) for label, entries in groups if entries]


def _timeline(path: str, title: str, description: str, lastmod: Any, **context: Any) -> Route:
    """A page of the timeline: the whole of it, one month, or one actor's or point's events."""
    defaults: dict[str, Any] = {
        "filter": None,
        "overview": None,
        "month_index": [],
        "neighbours": [],
        "show_filters": False,
        "cards": False,  # each event a line that opens on its whole account (else a line linking to it)
        "month_pages": {},  # a paged timeline's page of each month, by its label
        "all_months": [],  # on a month's page: every month's label and page
    }
    return Route(path, "timeline.html", title, {**defaults, **context}, description, lastmod)
