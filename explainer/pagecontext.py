"""What a template gets besides its route's context: links, titles, assets and cached macros,
all worked out for the page being rendered.

Links and titles depend on the page, kept here in `page`, so these helpers need no template
context and macros can be imported without it (jinja2 then caches them).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import jinja2
from markupsafe import Markup

from . import routes, urls
from .finish import NOTES
from .markers import citation_marker
from .markup import MarkdownRenderer, TextKey
from .references import cited_sources
from .resolve import Site


@dataclass
class Page:
    """The page being rendered: where it is, and the items whose titles it has shown."""

    route: routes.Route
    root: str
    lookups: set[tuple[str, str]]
    # while a cached() fragment renders: each link it made (output path, link from this page)
    links: list[tuple[str, str]] | None = None

    @functools.cached_property
    def folder(self) -> str:
        """The page's top folder with its slash ('timeline/'), or '/' for a page at the top
        (which no output path starts with)."""
        top, slash, _ = self.route.path.partition("/")
        return top + slash if slash else "/"


@dataclass(frozen=True)
class _CachedHtml:
    """What a macro made of some arguments on one page, for cached() to give other pages."""

    arguments: tuple[Any, ...]  # (kept, so their ids in the key stay theirs while it is kept)
    html: str  # (Markup, as a macro returns it)
    links: tuple[tuple[str, str], ...]  # (output path, link as made from that page)
    lookups: frozenset[tuple[str, str]]
    texts: frozenset[TextKey]


def cite(source_ids: list[str], text: str = "") -> Markup:
    """A citation of `source_ids`, leaving out those `text` already cites inline."""
    already = cited_sources(text) if text else set()
    remaining = [source_id for source_id in source_ids if source_id not in already]
    return Markup(citation_marker(remaining)) if remaining else Markup("")


class PageHelpers:
    """The template globals that depend on the page being rendered (`page`, set per page)."""

    def __init__(self, markdown: MarkdownRenderer) -> None:
        self.markdown = markdown
        self.page = Page(routes.Route("index.html", "", ""), "", set())
        self.site: Site | None = None
        self.asset_paths: dict[str, str] = {}
        self._cached_html: dict[tuple[Any, ...], _CachedHtml] = {}  # by macro and arguments

    def globals(self) -> dict[str, Any]:
        return {
            "notes_here": Markup(NOTES),
            "navigation": urls.NAVIGATION,
            "href": self.href,
            "url": self.url,
            "asset": self.asset,
            "title_of": self.title_of,
            "cached": self.cached,
        }

    def start(self, site: Site, asset_paths: dict[str, str]) -> None:
        """A new render: cached macros were made from the last site's items."""
        self.site, self.asset_paths, self._cached_html = site, asset_paths, {}

    def forget(self) -> None:
        self._cached_html = {}

    def url(self, path: str) -> str:
        """A link from the page being rendered to another output path: to another top folder,
        that is the way up to the root and down (most links on a page, worked out without
        comparing the paths part by part)."""
        page = self.page
        if page.route.absolute_links or not path.startswith(page.folder):
            url = page.root + path
        else:
            url = urls.relative_link(page.route.path, path)
        if page.links is not None:
            page.links.append((path, url))
        return url

    def asset(self, name: str) -> str:
        """A link to a file of templates/assets, by its name there ('style.css')."""
        return self.url(self.asset_paths[name])

    def href(self, kind: str, item_id: str) -> str:
        return self.url(urls.item_path(kind, item_id))

    def title_of(self, kind: str, item_id: str) -> str:
        """An item's title, noted as something the page shows (its key depends on it)."""
        assert self.site is not None
        self.page.lookups.add((kind, item_id))
        if kind == "quote":  # ("Quote from <speaker>, <date>": the speaker's name is shown too)
            self.page.lookups.add(("actor", self.site.quotes[item_id].speaker))
        return self.site.title(kind, item_id)

    def cached(self, macro: jinja2.runtime.Macro, *arguments: Any) -> str:
        """`{{ cached(macro, item) }}`: what the macro makes of these arguments, made once per
        render and given to every page where it comes out the same (Hugo's partialCached). An
        event's line on the timeline recurs on the page of its month and of each actor and
        sticking point it involves: 43,000 lines from 10,000 events.

        For macros whose output depends only on their arguments, links (href, url, asset) and
        titles (title_of): another page gets the same HTML when each link in it is the same
        from that page, and the titles count as shown there too."""
        # (text by value: equal strings are often different objects)
        key = (macro, *[value if type(value) is str else id(value) for value in arguments])
        page = self.page
        known = self._cached_html.get(key)
        if known is not None and all(self.url(path) == link for path, link in known.links):
            page.lookups.update(known.lookups)
            self.markdown.used.update(known.texts)
            return known.html
        outer = page.links, page.lookups, self.markdown.used
        page.links, page.lookups, self.markdown.used = [], set(), set()
        try:
            html = macro(*arguments)
            known = _CachedHtml(
                arguments, html, tuple(page.links), frozenset(page.lookups), frozenset(self.markdown.used)
            )
        finally:
            links, lookups, used = outer
            if links is not None:
                links += page.links
            lookups |= page.lookups
            used |= self.markdown.used
            page.links, page.lookups, self.markdown.used = outer
        self._cached_html[key] = known
        return html
