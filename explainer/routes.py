"""Which URLs exist, and what each page is given: the one place that maps content to pages.

Every page has an origin, (family, member): ("section", "deal/index.html"), ("event", an id)...
Each family is built by a function of its own: the sections and the timeline's pages in
`sectionpages`, each item's page in `itempages`, and here the open data and the files for hosts,
crawlers and feed readers. What they share is `pagedata`'s; the data each page needs (grouped,
sorted, looked up) is prepared there and in the families, so templates only lay it out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from . import changes, itempages, sectionpages
from .kinds import KINDS
from .pagedata import PageData
from .route import Origin, Route
from .urls import HOME_PAGE

if TYPE_CHECKING:
    from .resolve import Site

FEED_ENTRIES = 50  # the newest events, and as many update notes: feed readers want what is new
DATA_KINDS = {kind.data: kind.name for kind in KINDS.values() if kind.data}  # file name -> kind
DATA_FILES = {name: f"data/{name}.json" for name in [*DATA_KINDS, "timeline"]}


def _data(shared: PageData, name: str) -> Route:
    """An open data file (see opendata.py): a collection, the TimelineJS file or the index."""
    if name in DATA_KINDS:
        kind = DATA_KINDS[name]
        context = {"kind": kind, "items": list(shared.site.by_kind[kind].values())}
        return Route(DATA_FILES[name], "", name, context, in_sitemap=False, producer="collection")
    if name == "timeline":
        return Route(
            DATA_FILES[name], "", name, {"events": shared.events}, in_sitemap=False, producer="timelinejs"
        )
    return Route("data/index.json", "", "index", in_sitemap=False, producer="data-index")


def _special(shared: PageData, path: str) -> Route:
    """Files for hosts, crawlers and feed readers that show no item of their own."""
    if path == "404.html":
        return Route(path, path, "Page not found", in_sitemap=False, absolute_links=True)
    if path == "robots.txt":
        return Route(path, path, path, in_sitemap=False)
    # newest first by the date each entry carries (an event over several days: its last)
    entries = sorted(shared.events[::-1], key=lambda e: e.end_date or e.date, reverse=True)[:FEED_ENTRIES]
    context = {
        "entries": entries,
        "notes": shared.notes[:FEED_ENTRIES],
        "updated": changes.feed_updated(shared.site, shared.notes),
    }
    return Route(path, path, "Timeline", context, in_sitemap=False)


# Each family's builder, by the name its origins carry. (Plain functions in a table of the
# module's: a table of bound methods kept for each build would be a reference cycle, and its
# lists of every event garbage for the collector.)
_FAMILIES: dict[str, Callable[[PageData, str], Route]] = {
    "section": sectionpages.section,
    "timeline_filter": sectionpages.timeline_filter,
    "month": sectionpages.month,
    "kind_index": sectionpages.kind_index,
    "event": itempages.event,
    "actor": itempages.actor,
    "phase": itempages.phase,
    "sticking_point": itempages.sticking_point,
    "page": itempages.page,
    "source": itempages.source,
    "data": _data,
    "special": _special,
}
_DATA_ORIGINS: list[Origin] = [("data", name) for name in [*DATA_KINDS, "timeline", "index"]]


def _origins(shared: PageData) -> list[Origin]:
    """Every page this site has, in a stable order (which the sitemap keeps)."""
    site = shared.site
    found: list[Origin] = [("section", path) for path in sectionpages.SECTION_PATHS]
    found += [("timeline_filter", f"{f.kind}:{f.id}") for f in shared.filters]
    if shared.plan.paged:
        found += [("month", label) for label, _ in shared.plan.months]
    found += [
        ("kind_index", kind.name)
        for kind in KINDS.values()
        if kind.section and f"{kind.section}/index.html" not in sectionpages.SECTION_PATHS
    ]
    for kind in KINDS.values():  # (a page an item: events, actors, phases, sticking points...)
        if kind.section:
            found += [(kind.name, item_id) for item_id in site.by_kind[kind.name]]
    found += [("page", page_id) for page_id in site.pages if page_id != HOME_PAGE]
    found += [("source", source_id) for source_id in site.sources]
    return found


def _build(shared: PageData, origin: Origin) -> Route:
    """The route of one origin, which it remembers (so that it can be built again alone)."""
    family, member = origin
    build = _FAMILIES.get(family)
    route = build(shared, member) if build else itempages.item(family, shared, member)
    # (set on the route just made, which nothing else holds yet: dataclasses.replace()
    # made each route twice, 2 % of planning them)
    object.__setattr__(route, "origin", origin)
    return route


def routes(site: Site) -> list[Route]:
    """Every page of the site, in a stable order, and the files that list them all."""
    shared = PageData(site)
    result = [_build(shared, origin) for origin in _origins(shared)]
    sitemap = [(route.path, route.lastmod) for route in result if route.in_sitemap]
    result += [_build(shared, origin) for origin in _DATA_ORIGINS]
    top_level = sorted(
        {route.path.split("/", 1)[0] + ("/*" if "/" in route.path else "") for route in result}
    )
    # these two show no item, only the list of pages: an edit that keeps every page where it
    # was never needs them rebuilt
    result += [
        Route("_headers", "_headers", "headers", {"html_paths": top_level}, in_sitemap=False),
        _build(shared, ("special", "404.html")),
        Route("sitemap.xml", "sitemap.xml", "Sitemap", {"entries": sitemap}, in_sitemap=False),
        _build(shared, ("special", "robots.txt")),
        _build(shared, ("special", "feed.xml")),
    ]
    return result


def rebuild(site: Site, origins: list[Origin]) -> list[Route]:
    """Just the routes of `origins`, built as `routes` would build them for this site."""
    shared = PageData(site)
    return [_build(shared, origin) for origin in origins]
