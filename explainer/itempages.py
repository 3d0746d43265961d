"""The page of each item: an event, actor, phase, sticking point, page or source, with what it shows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .descriptions import describe
from .kinds import KINDS
from .pagedata import PageData
from .route import Route
from .urls import item_path, source_page_path

if TYPE_CHECKING:
    from .dates import PartialDate
    from .model import Phase, Provision


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


def _lastmod(content_date: PartialDate, item: Any) -> PartialDate:
    """A page's date for the sitemap: its content's, or its newest note's if later."""
    return max(content_date, item.last_updated or content_date)


def event(shared: PageData, event_id: str) -> Route:
    site, event = shared.site, shared.site.events[event_id]
    index, events = shared.event_index[event_id], shared.events
    context = {
        "event": event,
        "actors": [site.actors[i] for i in event.actors],
        "phases": [site.phases[i] for i in event.phases],
        "points": [site.sticking_points[i] for i in event.sticking_points],
        "quotes": site.referring("event", event.id, "quote", "event"),
        "previous": shared.summaries[events[index - 1].id] if index > 0 else None,
        "next": shared.summaries[events[index + 1].id] if index + 1 < len(events) else None,
        "timeline_link": shared.plan.card_path(event),
    }
    return Route(
        item_path("event", event.id),
        "event.html",
        event.title,
        context,
        description=describe(site, event.body) or event.title,
        lastmod=_lastmod(event.end_date or event.date, event),
        og_type="article",
        kind="event",
    )


def actor(shared: PageData, actor_id: str) -> Route:
    site, actor = shared.site, shared.site.actors[actor_id]
    context = {
        "actor": actor,
        "affiliation": site.actors.get(actor.affiliation or ""),
        "members": site.referring("actor", actor.id, "actor", "affiliation"),
        "team": shared.teams[actor.id].members if actor.id in shared.teams else [],
        "events": shared.summaries.of(shared.filtered_events("actor", actor.id)),
        "quotes": site.referring("actor", actor.id, "quote", "speaker"),
        "positions": site.positions_of(actor.id),
    }
    return Route(
        item_path("actor", actor.id),
        "actor.html",
        actor.name,
        context,
        description=f"{actor.name}: {actor.role}. Their part in the talks, positions, quotes and events.",
        lastmod=_lastmod(shared.as_of, actor),
        og_type="profile" if actor.kind == "person" else "website",
        kind="actor",
    )


def phase(shared: PageData, phase_id: str) -> Route:
    site, phase = shared.site, shared.site.phases[phase_id]
    context = {
        "phase": phase,
        "phase_count": len(site.phases),
        "events": shared.summaries.of(site.referring("phase", phase.id, "event", "phases")),
        "points": site.referring("phase", phase.id, "sticking_point", "phases"),
        "ledger": _ledger(phase),
        "next_phase": next((p for p in site.phases.values() if p.number == phase.number + 1), None),
    }
    return _article(shared, "phase", phase, phase.title, context, describe(site, phase.summary))


def sticking_point(shared: PageData, point_id: str) -> Route:
    site, point = shared.site, shared.site.sticking_points[point_id]
    context = {
        "point": point,
        "positions": [(site.actors[p.actor], p) for p in point.positions],
        "phases": [site.phases[i] for i in point.phases],
        "events": shared.summaries.of(shared.filtered_events("sticking_point", point.id)),
        **shared.map_context(point.map),
    }
    return _article(shared, "sticking_point", point, point.title, context, describe(site, point.summary))


def _article(
    shared: PageData, kind: str, item: Any, title: str, context: dict[str, Any], description: str | None
) -> Route:
    return Route(
        item_path(kind, item.id),
        f"{kind}.html",
        title,
        context,
        description,
        _lastmod(shared.as_of, item),
        og_type="article",
        kind=kind,
    )


def item(kind: str, shared: PageData, item_id: str) -> Route:
    """The page of an item of a kind with no builder of its own (kinds.py): its template is
    `<kind>.html`, given the item as `item`."""
    site, item = shared.site, shared.site.get(kind, item_id)
    title = site.title(kind, item_id)
    return _article(
        shared, kind, item, title, {"item": item}, describe(site, getattr(item, "body", None)) or title
    )


def page(shared: PageData, page_id: str) -> Route:
    page = shared.site.pages[page_id]
    return Route(
        item_path("page", page.id),
        "about.html" if page_id == "about" else "page.html",
        page.title,
        {"page": page},
        description=page.description or describe(shared.site, page.body),
        lastmod=_lastmod(shared.as_of, page),
        kind="page",
    )


def source(shared: PageData, source_id: str) -> Route:
    site, source = shared.site, shared.site.sources[source_id]
    citing = site.citing(source_id)
    groups = [
        (KINDS[kind].group, [i for k, i in citing if k == kind], kind)
        for kind in KINDS
        if kind != "source" and any(k == kind for k, _ in citing)
    ]
    return Route(
        source_page_path(source_id),
        "source.html",
        f"{source.publisher}: {source.label}",
        {"source": source, "groups": groups, "count": len(citing)},
        description=f"{source.publisher}, {source.label}: the source, and everything in this explainer that cites it.",
        lastmod=shared.as_of,
    )
