"""What lets a later render reuse a page: the keys of routes and templates, and what each
rendered page looked up of other items.

A page whose key is unchanged, and none of whose lookups changed, is not rendered again
(see PageRenderer.render); `serve` lives on this after every save.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import routes
from .dates import PartialDate
from .finish import PageFinisher
from .load import fingerprint
from .markup import MarkdownRenderer, TextKey
from .resolve import ItemKey, Site
from .theme import Templates

if TYPE_CHECKING:
    from .render import PageRenderer

_TEMPLATE_NAMES = re.compile(r"""\{%-?\s*(?:extends|include|import|from)\s+["']([^"']+)["']""")


@dataclass(frozen=True)
class RenderedPage:
    key: str
    lookups: frozenset[tuple[str, str]]  # items whose title, source or definition it shows
    lookups_key: str
    content: bytes  # empty when the page went straight to a staging folder
    texts: frozenset[TextKey]  # the Markdown it rendered, kept cached while the page exists
    digest: str = ""


DETAIL_KINDS = ("source", "term")  # pages show more of these than their title


def lookups_key(lookups: Iterable[tuple[str, str]], site: Site) -> str:
    """What a page showed of other items: a source's or term's details, anything else's title.
    (A title lookup depends on the title only, so editing an event's text does not re-render
    every page that merely links to it.)"""

    def shown(kind: str, item_id: str) -> str:
        if (kind, item_id) not in site.fingerprints:
            return "-"
        return site.fingerprints[(kind, item_id)] if kind in DETAIL_KINDS else site.title(kind, item_id)

    return fingerprint("\0".join(f"{k}:{i}:{shown(k, i)}" for k, i in sorted(lookups)))


_SCALARS = frozenset({str, int, float, bool, type(None), PartialDate})


NO_ITEMS: frozenset[ItemKey] = frozenset()
NO_TEXTS: frozenset[TextKey] = frozenset()


class ContextKeys:
    """Keys of what routes give their templates, with published items reduced to their own
    fingerprints, and the items each route shows (so an edit can find the pages to rebuild).
    Keys are compared only within one process (the page cache lives there), so Python's fast
    built-in hash does; containers shared by many routes (the list of all actors, say) are
    keyed once per build."""

    def __init__(self, site: Site):
        self.site = site
        self.memo: dict[int, tuple[int, frozenset[ItemKey]]] = {}
        self.item_keys = {key: hash(value) for key, value in site.fingerprints.items()}
        self.found: list[set[ItemKey]] = []  # items met so far, per container being keyed

    def route(self, route: routes.Route) -> tuple[str, frozenset[ItemKey]]:
        """The route's key, and every item its context holds (parts of items count as the item)."""
        head = (
            route.path,
            route.template,
            route.title,
            route.description,
            route.lastmod,
            route.absolute_links,
        )
        self.found.append(set())
        key = hash((head, self.of(route.context)))
        return str(key), frozenset(self.found.pop())

    def of(self, value: Any) -> int:
        kind_of_value = type(value)
        if kind_of_value in _SCALARS:
            return hash((kind_of_value.__name__, value))
        kind = self.site.kind_of(value)
        if kind is not None:
            self.found[-1].add((kind, value.id))
            return self.item_keys[(kind, value.id)]
        known = self.memo.get(id(value))
        if known is not None:
            self.found[-1].update(known[1])
            return known[0]
        self.found.append(set())
        if isinstance(value, dict):
            key = hash(tuple((name, self.of(element)) for name, element in value.items()))
        elif isinstance(value, (list, tuple)):
            key = hash(tuple(self.of(element) for element in value))
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            key = hash(
                (
                    kind_of_value.__name__,
                    *(self.of(getattr(value, item.name)) for item in dataclasses.fields(value)),
                )
            )
        else:
            key = hash(repr(value))
            owner = self.site.owner_of(value)
            if owner is not None:
                self.found[-1].add(owner)
        items = self.found.pop()
        held = frozenset(items) if items else NO_ITEMS
        self.memo[id(value)] = (key, held)
        self.found[-1].update(held)
        return key


class TemplateKeys:
    """Per template: a fingerprint of its source and of every template it extends, includes
    or imports, so a change to a partial re-renders exactly the pages that use it."""

    def __init__(self, templates: Templates) -> None:
        self.templates = templates
        self._template_sources: dict[str, str] = {}
        self._template_uses: dict[str, set[str]] = {}
        self.paths: dict[str, Path] = {}
        self.moved = False  # whether a template now comes from another file (see __call__)

    def __call__(self) -> dict[str, str]:
        """The key of each template; also notes in `moved` when a name now resolves to another
        file (an override added or removed), which jinja2's own reload check cannot see."""
        paths = self.templates.files()
        self.moved, self.paths = paths != self.paths, paths
        sources = {name: path.read_text(encoding="utf-8", errors="replace") for name, path in paths.items()}
        if sources != self._template_sources:
            # which templates each one names in extends/include/import/from (names must be
            # literal strings for this; parsing every template would cost more than rendering)
            self._template_sources = sources
            self._template_uses = {
                name: set(_TEMPLATE_NAMES.findall(source)) for name, source in sources.items()
            }

        def closure(name: str) -> set[str]:
            seen, todo = set(), [name]
            while todo:
                current = todo.pop()
                if current not in seen:
                    seen.add(current)
                    todo.extend(self._template_uses.get(current, ()))
            return seen

        return {
            name: fingerprint("\0".join(f"{n}\0{sources.get(n, '')}" for n in sorted(closure(name))))
            for name in sources
        }


def kept_lookups_key(lookups: Iterable[tuple[str, str]], site: Site, once: bool) -> str:
    """The lookups key a page or fragment keeps for the next render: lookups_key, or nothing
    when no render comes after this one (`once`)."""
    return "" if once else lookups_key(lookups, site)


@dataclass
class Plan:
    """What a render must look at: every route, those to check, and what it starts from."""

    all_routes: list[routes.Route]
    checked: list[routes.Route]
    fresh: dict[str, routes.Route]  # routes worked out anew (by path)
    changed: set[ItemKey]  # items changed since the last render
    pages: dict[str, RenderedPage]  # pages kept from the last render
    route_items: dict[str, frozenset[ItemKey]]
    prose_only: bool


class LastRender:
    """What the last good render left, for the next one to reuse: its pages and routes, the
    items each route holds, and what they were built from."""

    def __init__(self) -> None:
        self.pages: dict[str, RenderedPage] = {}
        self.fingerprints: dict[ItemKey, str] = {}  # items as of the last render
        self.routes: list[routes.Route] = []
        self.route_items: dict[str, frozenset[ItemKey]] = {}
        self.generation = 0
        self.settings: tuple[str, dict[str, str]] = ("", {})
        # open data files a preview produces after the pages (see PageRenderer.render_deferred)
        self.deferred: dict[str, tuple[routes.Route, str]] = {}
        self.deferred_with: tuple[Site, str, PageFinisher] | None = None
        self._texts_kept = 0  # converted texts in use after the last clean-up

    def remember(
        self,
        site: Site,
        plan: Plan,
        settings: tuple[str, dict[str, str]],
        deferred: dict[str, tuple[routes.Route, str]],
        deferred_with: tuple[Site, str, PageFinisher],
    ) -> None:
        """A render that succeeded, as the next one starts from."""
        self.pages, self.fingerprints = plan.pages, dict(site.fingerprints)
        self.routes, self.route_items = plan.all_routes, plan.route_items
        self.deferred, self.deferred_with = deferred, deferred_with
        self.generation, self.settings = site.generation, settings

    def forget_unused_texts(self, markdown: MarkdownRenderer, every_time: bool) -> None:
        """Drop converted Markdown no page shows any more (old versions of edited texts), so a
        long preview session stays bounded. After prose edits only once they add up to a
        quarter more: going over every page's texts costs more than the edit itself at scale."""
        if not every_time and len(markdown) <= self._texts_kept + self._texts_kept // 4 + 64:
            return
        keep: set[TextKey] = set().union(*(page.texts for page in self.pages.values()))
        markdown.keep_only(keep)
        self._texts_kept = len(keep)

    def plan(self, site: Site, settings: tuple[str, dict[str, str]]) -> Plan:
        """The routes to check. When only prose changed since the last render (resolve lists
        the edited items), just the routes that hold an edited item are worked out again;
        every other route, its key and its items are as they were, and so are all titles
        (they are not prose), so of those only pages showing a source's or a term's details
        need checking."""
        delta = site.delta
        if delta is not None and delta.since == self.generation and settings == self.settings:
            edited, held = delta.changed, self.route_items
            stale = [
                route
                for route in self.routes
                if route.path in self.deferred or not held[route.path].isdisjoint(edited)
            ]
            fresh = {route.path: route for route in routes.rebuild(site, [r.origin for r in stale])}
            all_routes = [fresh.get(route.path, route) for route in self.routes]
            changed = {key for key in edited if key[0] in DETAIL_KINDS}
            checked = all_routes if changed else list(fresh.values())
            return Plan(all_routes, checked, fresh, changed, dict(self.pages), dict(held), True)
        changed = {key for key, value in site.fingerprints.items() if self.fingerprints.get(key) != value}
        changed |= self.fingerprints.keys() - site.fingerprints.keys()
        all_routes = routes.routes(site)
        fresh = {route.path: route for route in all_routes}
        return Plan(all_routes, all_routes, fresh, changed, {}, {}, False)

    def sort(
        self,
        site: Site,
        plan: Plan,
        site_key: str,
        template_keys: dict[str, str],
        renderer: PageRenderer,
    ) -> tuple[list[tuple[routes.Route, str]], dict[str, tuple[routes.Route, str]]]:
        """Each checked route: its last page kept (in plan.pages), left for later (a preview's
        open data), or to render; the last two with the route's key."""
        todo: list[tuple[routes.Route, str]] = []
        deferred: dict[str, tuple[routes.Route, str]] = {}
        context_keys = ContextKeys(site)
        pages, changed = plan.pages, plan.changed
        for route in plan.checked:
            if renderer.only is not None and route.path not in renderer.only:
                continue
            previous = self.pages.get(route.path)
            if renderer.once:
                key = ""
            elif route.path in plan.fresh:
                context_key, plan.route_items[route.path] = context_keys.route(route)
                key = fingerprint("\0".join((site_key, template_keys.get(route.template, ""), context_key)))
            else:
                assert previous is not None
                key = previous.key
            if (
                previous
                and previous.key == key
                and (
                    not changed
                    if route.producer  # it checks what its items looked up itself
                    else previous.lookups.isdisjoint(changed)
                    or previous.lookups_key == lookups_key(previous.lookups, site)
                )
            ):
                pages[route.path] = previous
            elif renderer.preview and route.producer and previous:
                deferred[route.path] = (route, key)  # its previous bytes are served meanwhile
                pages[route.path] = previous
            else:
                todo.append((route, key))
                pages.pop(route.path, None)
        return todo, deferred
