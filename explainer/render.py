"""Stage 4, render: every route through its jinja2 template into bytes, in memory.

One Environment (autoescape on, undefined names are errors) is built per templates folder and
reused. Markdown is rendered once per text by `markup.MarkdownRenderer`; what depends on the
page (relative root, citation numbers, linked titles, glossary tooltips) is filled in by
`PageFinisher`, which also writes the page's notes at the foot.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup, escape

from . import metadata, opendata, routes, urls
from .ahead import AheadConversion
from .dates import PartialDate, human_range
from .errors import ContentError, Location, display_path
from .load import fingerprint
from .markup import (
    CITE_CLOSE,
    CITE_OPEN,
    MARK,
    OPENING,
    ROOT,
    TERM_CLOSE,
    TERM_MID,
    TERM_OPEN,
    TITLE_CLOSE,
    TITLE_OPEN,
    MarkdownRenderer,
    TextKey,
    citation_marker,
    cited_sources,
    glossary_names,
    plain_text,
)
from .model import text_key
from .resolve import ItemKey, Site, walk
from .spawned import SpawnedRenderer, SpawnSpec, site_fingerprint
from .templating import ASSETS_DIR, Precompiling, environment
from .workers import can_fork_safely, interrupts_held, start_method, usable_cores
from .write import Staging

NOTES = MARK + "\ue005"  # where the notes go: led by MARK, so the finisher's one split finds it too
# No inline script or style anywhere: everything the pages use comes from the site itself.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'"
)
# One group around the whole marker, so split() alternates text and markers. (Markers come only
# from markup.py: the loader strips these characters from content.)
_MARKERS = re.compile(
    f"({TITLE_OPEN}[^{TITLE_CLOSE}]*{TITLE_CLOSE}"
    f"|{CITE_OPEN}[^{CITE_CLOSE}]*{CITE_CLOSE}"
    f"|{TERM_OPEN}[^{TERM_CLOSE}]*{TERM_CLOSE}|{NOTES})"
)
_TEMPLATE_NAMES = re.compile(r"""\{%-?\s*(?:extends|include|import|from)\s+["']([^"']+)["']""")


@dataclass
class Rendered:
    """The whole site: as bytes by output path, or (when pages went straight to a staging
    folder) as the digest of each file; plus how many of them are pages."""

    files: dict[str, bytes] = field(default_factory=dict)
    digests: dict[str, str] = field(default_factory=dict)
    pages: int = 0
    pages_rendered: int = 0  # pages actually rendered this time (the rest were reused)

    @property
    def count(self) -> int:
        return len(self.files) + len(self.digests)


@dataclass(frozen=True)
class _Fragment:
    """One item of an open-data file, serialised, with what makes it stale."""

    valid: tuple[str, str]  # the item's fingerprint, the base URL
    lookups: frozenset[tuple[str, str]]
    lookups_key: str
    json: bytes
    texts: frozenset[TextKey]


@dataclass
class _Page:
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


@dataclass(frozen=True)
class _RenderedPage:
    key: str
    lookups: frozenset[tuple[str, str]]  # items whose title, source or definition it shows
    lookups_key: str
    content: bytes  # empty when the page went straight to a staging folder
    texts: frozenset[TextKey]  # the Markdown it rendered, kept cached while the page exists
    digest: str = ""


_DETAIL_KINDS = ("source", "term")  # pages show more of these than their title


def _lookups_key(lookups: Iterable[tuple[str, str]], site: Site) -> str:
    """What a page showed of other items: a source's or term's details, anything else's title.
    (A title lookup depends on the title only, so editing an event's text does not re-render
    every page that merely links to it.)"""

    def shown(kind: str, item_id: str) -> str:
        if (kind, item_id) not in site.fingerprints:
            return "-"
        return site.fingerprints[(kind, item_id)] if kind in _DETAIL_KINDS else site.title(kind, item_id)

    return fingerprint("\0".join(f"{k}:{i}:{shown(k, i)}" for k, i in sorted(lookups)))


_SCALARS = frozenset({str, int, float, bool, type(None), PartialDate})


_NO_ITEMS: frozenset[ItemKey] = frozenset()
_NO_TEXTS: frozenset[TextKey] = frozenset()


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
        held = frozenset(items) if items else _NO_ITEMS
        self.memo[id(value)] = (key, held)
        self.found[-1].update(held)
        return key


def relative_root(path: str) -> str:
    """'timeline/x/index.html' -> '../../' : how a page reaches the site root."""
    return "../" * path.count("/")


def site_root_path(base_url: str) -> str:
    """'https://example.org/talks' -> '/talks/': links that work at any depth on the host."""
    return urlsplit(base_url).path.rstrip("/") + "/"


def absolute_url(base_url: str, path: str = "") -> str:
    """An address under the base URL; only for places that need one (canonical, feeds...)."""
    return base_url.rstrip("/") + "/" + urls.pretty_url(path)


def _template_location(error: BaseException, templates: Path) -> Location:
    """Where in a template an error happened (jinja keeps template lines in tracebacks)."""
    if isinstance(error, jinja2.TemplateSyntaxError) and error.filename:
        return Location(display_path(Path(error.filename)), error.lineno)
    where = Location(display_path(templates), 1)
    traceback = error.__traceback__
    while traceback is not None:
        filename = traceback.tb_frame.f_code.co_filename
        if filename.startswith(str(templates)):
            where = Location(display_path(Path(filename)), traceback.tb_lineno)
        traceback = traceback.tb_next
    return where


def _cite(source_ids: list[str], text: str = "") -> Markup:
    """A citation of `source_ids`, leaving out those `text` already cites inline."""
    already = cited_sources(text) if text else set()
    remaining = [source_id for source_id in source_ids if source_id not in already]
    return Markup(citation_marker(remaining)) if remaining else Markup("")


class PageRenderer:
    """Renders a resolved site with one jinja2 environment and one Markdown renderer."""

    def __init__(
        self,
        templates: Path,
        preview: bool = False,
        workers: int | None = None,
        compiled: Path | None = None,
        once: bool = False,
    ):
        """`preview`: for `serve`, where assets keep plain names (so a CSS edit reloads in place)
        and pages carry no CSP meta tag (livereload injects an inline script). `workers`: how
        many processes may render a large build (default: two when the machine has them).
        `compiled`: a folder where compiled templates are kept between builds. `once`: this
        renderer renders one site only (`build`, `check`), so it works out none of what lets
        a next render reuse pages (their keys: 2 s of a cold build at 10,000 events)."""
        self.templates = templates.resolve()
        self.preview = preview
        self.once = once
        self.workers = workers if workers is not None else min(2, usable_cores())
        self.markdown = MarkdownRenderer()
        self._pages: dict[str, _RenderedPage] = {}  # the last good render, for reuse
        self._template_sources: dict[str, str] = {}
        self._template_uses: dict[str, set[str]] = {}
        self._standalone: Callable[..., str] = lambda html, lookups: html  # set per build
        self._sink: Staging | None = None
        self._fragments: dict[tuple[str, str, str], _Fragment] = {}  # open data by (file, kind, id)
        self._fingerprints: dict[tuple[str, str], str] = {}  # items as of the last render
        self._changed: set[tuple[str, str]] = set()  # items changed since then
        # the routes of the last render, the items each holds, and what they were built from
        self._routes: list[routes.Route] = []
        self._route_items: dict[str, frozenset[ItemKey]] = {}
        self._generation = 0
        self._settings: tuple[str, dict[str, str]] = ("", {})
        self._texts_kept = 0  # converted texts in use after the last clean-up
        # open data files a preview produces after the pages (see render_deferred)
        self._deferred: dict[str, tuple[routes.Route, str]] = {}
        self._deferred_with: tuple[Site, str, PageFinisher] | None = None
        # converted texts finished for open data (absolute links) and JSON-escaped, with what
        # finishing each looked up, while a render runs
        self._standalone_html: dict[str, tuple[str, frozenset[tuple[str, str]]]] = {}
        self.precompiling: Precompiling | None = None  # a helper compiling templates, if any
        # where a fork is unsafe: what a spawned second renderer needs (set by pipeline.build),
        # and, in that renderer, the pages it renders and the site it must find (spawned.py)
        self.spawn_spec: SpawnSpec | None = None
        self.only: set[str] | None = None
        self.expected_site: str | None = None
        self.env = environment(self.templates, compiled, once)
        self.env.filters.update(
            md=self.markdown.block,
            md_inline=self.markdown.inline,
            standalone=lambda html: self._standalone(html, lookups=self._page.lookups),
            cite=_cite,
            date_range=human_range,
        )
        # Links and titles depend on the page being rendered, kept in self._page, so these need
        # no template context and macros can be imported without it (jinja then caches them).
        self.env.globals.update(
            notes_here=Markup(NOTES),
            href=self._href,
            url=self._url,
            asset=self._asset,
            title_of=self._title_of,
            cached=self._cached,
            navigation=routes.NAVIGATION,
        )
        self._cached_html: dict[tuple[Any, ...], _CachedHtml] = {}  # by macro and arguments
        self._page: _Page = _Page(routes.Route("index.html", "", ""), "", set())
        self.ahead: AheadConversion | None = None  # a helper converting texts meanwhile, if any
        self._site: Site | None = None
        self._asset_paths: dict[str, str] = {}

    def _url(self, path: str) -> str:
        """A link from the page being rendered to another output path: to another top folder,
        that is the way up to the root and down (most links on a page, worked out without
        comparing the paths part by part)."""
        page = self._page
        if page.route.absolute_links or not path.startswith(page.folder):
            url = page.root + path
        else:
            url = urls.relative_link(page.route.path, path)
        if page.links is not None:
            page.links.append((path, url))
        return url

    def _asset(self, name: str) -> str:
        """A link to a file of templates/assets, by its name there ('style.css')."""
        return self._url(self._asset_paths[name])

    def _href(self, kind: str, item_id: str) -> str:
        return self._url(urls.item_path(kind, item_id))

    def _title_of(self, kind: str, item_id: str) -> str:
        """An item's title, noted as something the page shows (its key depends on it)."""
        assert self._site is not None
        self._page.lookups.add((kind, item_id))
        if kind == "quote":  # ("Quote from <speaker>, <date>": the speaker's name is shown too)
            self._page.lookups.add(("actor", self._site.quotes[item_id].speaker))
        return self._site.title(kind, item_id)

    def _cached(self, macro: jinja2.runtime.Macro, *arguments: Any) -> str:
        """`{{ cached(macro, item) }}`: what the macro makes of these arguments, made once per
        render and given to every page where it comes out the same (Hugo's partialCached). An
        event's line on the timeline recurs on the page of its month and of each actor and
        sticking point it involves: 43,000 lines from 10,000 events.

        For macros whose output depends only on their arguments, links (href, url, asset) and
        titles (title_of): another page gets the same HTML when each link in it is the same
        from that page, and the titles count as shown there too."""
        # (text by value: equal strings are often different objects)
        key = (macro, *[value if type(value) is str else id(value) for value in arguments])
        page = self._page
        known = self._cached_html.get(key)
        if known is not None and all(self._url(path) == link for path, link in known.links):
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

    def assets(self) -> tuple[dict[str, bytes], dict[str, str]]:
        """Static files under templates/assets, and the output path of each by its name.

        Published names carry a hash of the content (style.3f9c2a7b.css), so hosts can let
        browsers cache them for a year and a change still reaches every reader at once.
        """
        folder = self.templates / ASSETS_DIR
        files: dict[str, bytes] = {}
        paths: dict[str, str] = {}
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.is_file() and not path.name.startswith("."):
                    name = path.relative_to(folder).as_posix()
                    data = path.read_bytes()
                    stem, dot, suffix = name.rpartition(".")
                    hashed = f"{stem}.{fingerprint(data)[:10]}.{suffix}" if dot and not self.preview else name
                    paths[name] = f"{ASSETS_DIR}/{hashed}"
                    files[paths[name]] = data
        return files, paths

    def render(
        self, site: Site, base_url: str, sink: Staging | None = None
    ) -> tuple[Rendered, list[ContentError]]:
        """Every route, rendered; template problems come back as located errors.

        A page whose inputs are unchanged since the last render is not rendered again: its key
        covers its template and everything that template pulls in, the route and its context
        (items by fingerprint), the site-wide settings, and every item whose title, source or
        definition the page looked up last time.
        """
        if self.expected_site is not None and site_fingerprint(site) != self.expected_site:
            raise SiteChanged  # (in a spawned renderer: its files changed since the build read them)
        asset_files, asset_paths = self.assets()
        self._asset_paths, self._site, self._sink = asset_paths, site, sink
        if self.only is not None:  # (a spawned renderer: the build stages the assets)
            asset_files = {}
        self._cached_html = {}  # (made from the last site's items)
        self._standalone_html = {}
        rendered = Rendered()
        for path, data in asset_files.items():
            if sink:
                rendered.digests[path] = sink.put(path, data)
            else:
                rendered.files[path] = data
        errors: list[ContentError] = []
        term_names = glossary_names(site.terms.values())
        self.markdown.set_terms(term_names)
        template_keys = self._template_keys()
        site_key = fingerprint(
            repr(
                (
                    # any page may have notes at its foot
                    [template_keys.get(f"partials/{name}.html") for name in ("notes", "note")],
                    base_url,
                    site.config,
                    sorted(term_names.items()),
                    routes.NAVIGATION,
                    asset_paths,
                    self.preview,
                )
            )
        )
        shared = {
            "config": site.config,
            "base_url": base_url,
            "absolute_url": lambda path="": absolute_url(base_url, path),
            "csp": None if self.preview else Markup(CONTENT_SECURITY_POLICY),
            "csp_header": CONTENT_SECURITY_POLICY,
            "base_path": site_root_path(base_url),
        }
        context_keys = ContextKeys(site)
        settings = (site_key, template_keys)
        prose_only = (
            site.delta is not None and site.delta.since == self._generation and settings == self._settings
        )
        pages: dict[str, _RenderedPage]
        # `changed`: items changed since the last render; only pages that showed one of them
        # need their lookups checked again
        if prose_only:
            # only prose changed since the last render (resolve lists the edited items):
            # rebuild just the routes that hold an edited item; every other route, its key
            # and its items are as they were, and so are all titles (they are not prose), so
            # of those only pages that show a source's or a term's details need checking
            assert site.delta is not None
            edited, held = site.delta.changed, self._route_items
            stale = [
                route
                for route in self._routes
                if route.path in self._deferred or not held[route.path].isdisjoint(edited)
            ]
            fresh_routes = {route.path: route for route in routes.rebuild(site, [r.origin for r in stale])}
            all_routes = [fresh_routes.get(route.path, route) for route in self._routes]
            changed = {key for key in edited if key[0] in _DETAIL_KINDS}
            checked = all_routes if changed else list(fresh_routes.values())
            pages, route_items = dict(self._pages), dict(held)
        else:
            changed = {
                key for key, value in site.fingerprints.items() if self._fingerprints.get(key) != value
            }
            changed |= self._fingerprints.keys() - site.fingerprints.keys()
            all_routes = checked = routes.routes(site)
            fresh_routes = {route.path: route for route in all_routes}
            pages, route_items = {}, {}
        self._changed = changed
        todo: list[tuple[routes.Route, str]] = []
        deferred: dict[str, tuple[routes.Route, str]] = {}
        for route in checked:
            if self.only is not None and route.path not in self.only:
                continue
            previous = self._pages.get(route.path)
            if self.once:
                key = ""
            elif route.path in fresh_routes:
                context_key, route_items[route.path] = context_keys.route(route)
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
                    or previous.lookups_key == _lookups_key(previous.lookups, site)
                )
            ):
                pages[route.path] = previous
            elif self.preview and route.producer and previous:
                deferred[route.path] = (route, key)  # its previous bytes are served meanwhile
                pages[route.path] = previous
            else:
                todo.append((route, key))
                pages.pop(route.path, None)
        if self.ahead is not None:  # texts converted while the site was loaded (see ahead.py)
            self.markdown.add(self.ahead.take(term_names))
            self.ahead = None
        # (waited for only now: routes and keys are worked out while it compiles)
        if self.precompiling is not None:  # what it compiled is in the cache once it is done
            self.precompiling.wait()
            self.precompiling = None
        notes, note = (self._template(f"partials/{name}.html", errors) for name in ("notes", "note"))
        if notes is None or note is None:
            return rendered, errors
        finish = PageFinisher(site, notes.render, note.render)
        self._standalone = functools.partial(finish, root=absolute_url(base_url), standalone=True)
        job = _Job(self, todo, site, base_url, shared, finish)
        # A second renderer: forked, sharing the site, where that is safe; else, in a one-off
        # build, spawned with its pages given explicitly (spawned.py); else none. The bytes
        # are the same every way (see workers.py).
        parallel = self.workers > 1 and len(todo) >= PARALLEL_FROM
        method = start_method() if parallel and self.spawn_spec is not None else None
        if parallel and can_fork_safely():
            fresh, job_errors = job.run_parallel()
        elif method is not None and self.spawn_spec is not None:
            fresh, job_errors = job.run_apart(method, self.spawn_spec)
        else:
            fresh, job_errors = job.run()
        errors += job_errors
        pages.update(fresh)
        self._standalone_html = {}
        for route in all_routes:
            if route.path in pages:
                if sink:
                    rendered.digests[route.path] = pages[route.path].digest
                else:
                    rendered.files[route.path] = pages[route.path].content
                rendered.pages += route.path.endswith(".html")
        rendered.pages_rendered = sum(path.endswith(".html") for path in fresh)
        if not errors:
            self._pages, self._fingerprints = pages, dict(site.fingerprints)
            self._routes, self._route_items = all_routes, route_items
            self._deferred, self._deferred_with = deferred, (site, base_url, finish)
            self._generation, self._settings = site.generation, settings
            if not prose_only:  # (a prose edit neither adds nor removes an item)
                self._fragments = {
                    k: v for k, v in self._fragments.items() if (k[1], k[2]) in site.fingerprints
                }
            if not self.once:  # (a build that renders once keeps every text it converted)
                self._forget_unused_texts(pages, every_time=not prose_only)
        self._cached_html = {}
        return rendered, errors

    def _stored_lookups_key(self, lookups: set[tuple[str, str]], site: Site) -> str:
        """The lookups key a page or fragment keeps for the next render: _lookups_key, or
        nothing when no render comes after this one."""
        return "" if self.once else _lookups_key(lookups, site)

    def render_deferred(self) -> tuple[int, dict[str, bytes]]:
        """The open data files the last render() left for later, produced now: the site's
        generation they belong to, and their bytes by path.

        A preview (serve) re-renders the pages an edit touched first and produces the open
        data files (every item of a kind, 80 MB at 10,000 events) once the browser has the
        pages; until then the previous files are served. Until this runs, the next render()
        treats them as changed.
        """
        if not self._deferred or self._deferred_with is None:
            return 0, {}
        site, base_url, finish = self._deferred_with
        self._site, self._sink = site, None
        files: dict[str, bytes] = {}
        for path, (route, key) in self._deferred.items():
            self._pages[path] = self._produce(route, key, site, base_url, finish)
            files[path] = self._pages[path].content
        self._deferred, self._standalone_html = {}, {}
        return site.generation, files

    def _forget_unused_texts(self, pages: dict[str, _RenderedPage], every_time: bool) -> None:
        """Drop converted Markdown no page shows any more (old versions of edited texts), so a
        long preview session stays bounded. After prose edits only once they add up to a
        quarter more: going over every page's texts costs more than the edit itself at scale."""
        if not every_time and len(self.markdown) <= self._texts_kept + self._texts_kept // 4 + 64:
            return
        keep: set[TextKey] = set().union(*(page.texts for page in pages.values()))
        self.markdown.keep_only(keep)
        self._texts_kept = len(keep)

    def _render_route(
        self,
        route: routes.Route,
        key: str,
        site: Site,
        base_url: str,
        shared: dict[str, Any],
        finish: PageFinisher,
        errors: list[ContentError],
    ) -> _RenderedPage | None:
        if route.producer:
            return self._produce(route, key, site, base_url, finish)
        template = self._template(route.template, errors)
        if template is None:
            return None
        root = site_root_path(base_url) if route.absolute_links else relative_root(route.path)
        lookups: set[tuple[str, str]] = set()
        self.markdown.used = set()
        self._page = _Page(route, root, lookups)
        extra: dict[str, Any] = {}
        if route.path.endswith(".html"):
            data = metadata.json_ld(route, site, lambda path: absolute_url(base_url, path))
            extra["json_ld"] = Markup(metadata.script_json(data))
        try:
            text = template.render(**shared, **route.context, **extra, route=route, root=root)
            if route.path.endswith(".html"):
                text = finish(text, root, lookups, link_terms=route.path != urls.section_path("term"))
        except Exception as error:  # any template failure becomes a located message
            errors.append(
                ContentError(
                    _template_location(error, self.templates),
                    f"{type(error).__name__}: {error} (rendering {route.path})",
                )
            )
            return None
        return self._keep(route, key, lookups, text.encode("utf-8"), set(self.markdown.used), site)

    def _keep(
        self,
        route: routes.Route,
        key: str,
        lookups: set[tuple[str, str]],
        content: bytes,
        texts: set[TextKey],
        site: Site,
    ) -> _RenderedPage:
        """A rendered file: staged at once when building to disk (then only its digest is
        kept), or kept in memory for `check` and `serve`. What it looked up and which texts
        it showed matter only to a renderer that renders again: a build that renders once
        keeps neither (nor does its worker send them back: pickled, the texts of 2,000 events'
        pages come to 19 MB)."""
        shown, used = (_NO_ITEMS, _NO_TEXTS) if self.once else (frozenset(lookups), frozenset(texts))
        if self._sink is None:
            return _RenderedPage(key, shown, self._stored_lookups_key(lookups, site), content, used)
        file_digest = self._sink.put(route.path, content)
        return _RenderedPage(key, shown, self._stored_lookups_key(lookups, site), b"", used, file_digest)

    def _produce(
        self, route: routes.Route, key: str, site: Site, base_url: str, finish: PageFinisher
    ) -> _RenderedPage:
        """A file made without a template: the open data (see opendata.py). Each item is
        serialised once and kept until it, or something it shows, changes: editing one event
        does not serialise ten thousand. What the items looked up is checked here, item by
        item, so the file records no lookups of its own (render() produces it again whenever
        any item changed)."""
        texts: list[frozenset[TextKey]] = []
        root = absolute_url(base_url)

        def absolute(path: str) -> str:
            return absolute_url(base_url, path)

        def serialise(item: Any, make: Callable[..., dict[str, Any]], valid: tuple[str, str]) -> _Fragment:
            own: set[tuple[str, str]] = set()
            stand_ins: dict[str, str] = {}  # (see opendata.fragment)
            self.markdown.used = set()

            def html_of(text: str, prefix: str, inline: bool) -> str:
                rendered = self.markdown.inline(text) if inline else self.markdown.block(text, prefix)
                # (an event's text is in two files: finished and escaped once, with what it
                # looked up; the item gets a stand-in, which the fragment replaces)
                known = self._standalone_html.get(rendered)
                if known is None:
                    lookups: set[tuple[str, str]] = set()
                    html = opendata.escaped(finish(rendered, root, lookups, standalone=True))
                    known = self._standalone_html[rendered] = (html, frozenset(lookups))
                own.update(known[1])
                stand_in = opendata.stand_in(len(stand_ins))
                stand_ins[stand_in] = known[0]
                return stand_in

            json_text = opendata.fragment(make(item, html_of, absolute), stand_ins)
            return _Fragment(
                valid,
                frozenset(own),
                self._stored_lookups_key(own, site),
                json_text,
                frozenset(self.markdown.used),
            )

        def fragments(kind: str, make: Callable[..., dict[str, Any]]) -> list[bytes]:
            out = []
            known, fingerprints, changed = self._fragments, site.fingerprints, self._changed
            for item_id, item in site.by_kind[kind].items():  # (a loop over every item: kept tight)
                valid = (fingerprints[(kind, item_id)], base_url)
                cached = known.get((route.path, kind, item_id))
                if (
                    cached is None
                    or cached.valid != valid
                    or not (
                        cached.lookups.isdisjoint(changed)
                        or cached.lookups_key == _lookups_key(cached.lookups, site)
                    )
                ):
                    cached = known[(route.path, kind, item_id)] = serialise(item, make, valid)
                texts.append(cached.texts)
                out.append(cached.json)
            return out

        if route.producer == "collection":
            kind = route.context["kind"]
            content = opendata.collection_document(fragments(kind, functools.partial(opendata.item, kind)))
        elif route.producer == "timelinejs":
            content = opendata.timeline_document(site, fragments("event", opendata.timeline_event))
        else:
            content = opendata.dumps(opendata.index(absolute))
        return self._keep(route, key, set(), content, set().union(*texts), site)

    def _template_keys(self) -> dict[str, str]:
        """Per template: a fingerprint of its source and of every template it extends, includes
        or imports, so a change to a partial re-renders exactly the pages that use it."""
        sources: dict[str, str] = {}
        for path in sorted(self.templates.rglob("*")):
            if path.is_file() and ASSETS_DIR not in path.relative_to(self.templates).parts[:1]:
                sources[path.relative_to(self.templates).as_posix()] = path.read_text(
                    encoding="utf-8", errors="replace"
                )
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

    def _template(self, name: str, errors: list[ContentError]) -> jinja2.Template | None:
        try:
            return self.env.get_template(name)
        except jinja2.TemplateNotFound:
            errors.append(
                ContentError(Location(display_path(self.templates / name), 1), "template is missing")
            )
        except jinja2.TemplateSyntaxError as error:
            errors.append(
                ContentError(
                    _template_location(error, self.templates), f"template syntax error: {error.message}"
                )
            )
        return None


PARALLEL_FROM = 400  # pages to render before a second process pays for itself
APART_SHARE = 0.4  # the share of the pages a spawned renderer takes (it loads the site first)


class SiteChanged(Exception):
    """A spawned renderer found other content than the build's (see spawned.py)."""


PARTS = 64  # the pages to share come in this many parts, taken by whichever process is free
# Families of pages (Route.origin) that list the same events through cached() macros: the
# timeline's filter and month pages (event_summary), and the pages of actors, phases and
# sticking points (event_line). Each family is one part, so that one process makes each
# event's line once and reuses it; split in parts between two processes, both made nearly
# every line (at 10,000 events 20,000 of each, where 10,000 do).
_LISTING_FAMILIES = ({"timeline_filter", "month"}, {"actor", "phase", "sticking_point"})
_CURRENT_JOB: _Job | None = None  # what a forked worker renders (set just before forking)


class _Job:
    """Rendering a list of routes, in this process or split with a forked one.

    The worker is forked after everything is loaded and resolved, so it shares the site and the
    compiled templates without copying; Markdown is converted by both processes first (each
    text once), then the pages are split between them. Output is the same either way.
    """

    def __init__(
        self,
        renderer: PageRenderer,
        todo: list[tuple[routes.Route, str]],
        site: Site,
        base_url: str,
        shared: dict[str, Any],
        finish: PageFinisher,
    ):
        self.renderer, self.todo, self.site = renderer, todo, site
        # when split between processes: the texts and the pages in parts, and how many parts
        # of each either process has taken so far (in shared memory)
        self.parts: dict[str, list[list[Any]]] = {}
        self.taken: dict[str, Any] = {}
        self.base_url, self.shared, self.finish = base_url, shared, finish
        self.saving_texts: int | None = None  # the part of the pages that saves the texts instead

    def run(
        self, share: list[tuple[routes.Route, str]] | None = None
    ) -> tuple[dict[str, _RenderedPage], list[ContentError]]:
        pages: dict[str, _RenderedPage] = {}
        errors: list[ContentError] = []
        for route, key in self.todo if share is None else share:
            page = self.renderer._render_route(
                route, key, self.site, self.base_url, self.shared, self.finish, errors
            )
            if page is not None:
                pages[route.path] = page
        return pages, errors

    def texts(self) -> list[TextKey]:
        """Every Markdown text the pages will ask for, as the templates ask for them."""
        keys = []
        for items in self.site.by_kind.values():
            for item in items.values():
                for what, path, value in walk(item):
                    if what == "text":
                        keys.append((value, *text_key(item.id, path, type(item))))
        return [key for key in dict.fromkeys(keys) if not self.renderer.markdown.cached(key)]

    def convert(self, part: int) -> list[Markup]:
        """A part of the texts, converted (in the part's order: the other process knows the
        keys, so only the HTML travels between them)."""
        return [self.renderer.markdown.render(key) for key in self.parts["texts"][part]]

    def add_converted(self, converted: dict[int, list[Markup]]) -> None:
        """Parts the other process converted, by part index."""
        for part, html in converted.items():
            self.renderer.markdown.add(dict(zip(self.parts["texts"][part], html, strict=True)))

    def take(self, work: str) -> int | None:
        """The index of the next part of `work` ("texts" or "pages") that no process has taken
        (None: all are taken)."""
        parts, taken = self.parts[work], self.taken[work]
        with taken.get_lock():
            part = taken.value
            if part >= len(parts):
                return None
            taken.value = part + 1
        return part

    def run_parallel(self) -> tuple[dict[str, _RenderedPage], list[ContentError]]:
        global _CURRENT_JOB
        _CURRENT_JOB = self
        # Markdown first, then pages, each in parts taken by whichever process is free, so
        # neither waits long for the other at the end. A renderer that lives on (serve)
        # keeps the open data files itself, so its cache of serialised items stays warm.
        producers = [pair for pair in self.todo if pair[0].producer]
        kept = producers if self.renderer.preview else []
        # Otherwise the open data files are shared too: by far the longest routes (seconds each
        # at 10,000 events), they come first, as one part (they share finished texts), so that
        # whichever process takes them is not the one the other waits for at the end.
        first = [producers] if producers and not kept else []
        listings = [
            [pair for pair in self.todo if pair[0].origin[0] in family] for family in _LISTING_FAMILIES
        ]
        listed = set().union(*_LISTING_FAMILIES)
        rest = [pair for pair in self.todo if not pair[0].producer and pair[0].origin[0] not in listed]
        page_parts = first + [part for part in listings if part]
        # A build that renders once keeps its converted texts for the next build (all are
        # converted by now) as one of these parts, beside the other process's pages: saved
        # after the pages, 0.5 s at 10,000 events, it kept one core busy and the other idle.
        if self.renderer.once and self.renderer.markdown.store is not None:
            self.saving_texts = len(page_parts)
            page_parts.append([])
        self.parts = {"texts": _in_parts(self.texts()), "pages": page_parts + _in_parts(rest)}
        # (imported here: a site of fewer than PARALLEL_FROM pages never needs them)
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context("fork")  # (the counters are made before the fork)
        self.taken = {work: context.Value("i", 0) for work in self.parts}
        with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
            # one task a part (a task finding every part taken returns nothing), so results
            # come back a part at a time, never in one huge message
            with interrupts_held():  # (the worker is forked at the first submit)
                theirs_texts = [pool.submit(_convert_in_worker) for _ in self.parts["texts"]]
            mine: dict[int, list[Markup]] = {}
            while (part := self.take("texts")) is not None:
                mine[part] = self.convert(part)
            for converted in theirs_texts:
                self.add_converted(converted.result())
            pool.submit(_take_texts, mine).result()
            theirs_pages = [pool.submit(_render_in_worker) for _ in self.parts["pages"]]
            pages, errors = self.run(kept)
            while (part := self.take("pages")) is not None:
                more_pages, more_errors = self.run_part(part)
                pages.update(more_pages)
                errors += more_errors
            for rendered in theirs_pages:
                more_pages, more_errors = rendered.result()
                pages.update(more_pages)
                errors += more_errors
        self.renderer.markdown.saved = self.saving_texts is not None
        _CURRENT_JOB = None
        return pages, errors

    def run_apart(self, method: str, spec: SpawnSpec) -> tuple[dict[str, _RenderedPage], list[ContentError]]:
        """Split with a spawned renderer (see spawned.py): it builds the site itself first, so
        it takes the last APART_SHARE of the pages; what it could not stage, this process
        renders. (The open data files, the longest to make, stay here.)"""
        pages_only = [pair for pair in self.todo if not pair[0].producer]
        cut = len(pages_only) - int(len(pages_only) * APART_SHARE)
        theirs = pages_only[cut:]
        helper = SpawnedRenderer(
            method, spec, [route.path for route, _ in theirs], site_fingerprint(self.site)
        )
        taken = {route.path for route, _ in theirs}
        pages, errors = self.run([pair for pair in self.todo if pair[0].path not in taken])
        digests = helper.result()
        if digests is None:
            more_pages, more_errors = self.run(theirs)
            pages.update(more_pages)
            errors += more_errors
        else:
            for path, file_digest in digests.items():
                pages[path] = _RenderedPage("", frozenset(), "", b"", frozenset(), file_digest)
        return pages, errors

    def run_part(self, part: int) -> tuple[dict[str, _RenderedPage], list[ContentError]]:
        """A part of the pages, rendered (or the part that saves the converted texts, done)."""
        if part == self.saving_texts:
            self.renderer.markdown.save()
            return {}, []
        return self.run(self.parts["pages"][part])


def _in_parts(work: list[Any]) -> list[list[Any]]:
    size = max(1, -(-len(work) // PARTS))
    return [work[start : start + size] for start in range(0, len(work), size)]


def _convert_in_worker() -> dict[int, list[Markup]]:
    """The next part of the Markdown nobody has taken yet, converted."""
    assert _CURRENT_JOB is not None
    part = _CURRENT_JOB.take("texts")
    return {part: _CURRENT_JOB.convert(part)} if part is not None else {}


def _take_texts(converted: dict[int, list[Markup]]) -> None:
    assert _CURRENT_JOB is not None
    _CURRENT_JOB.add_converted(converted)


def _render_in_worker() -> tuple[dict[str, _RenderedPage], list[ContentError]]:
    """The next part of the pages nobody has taken yet, rendered."""
    assert _CURRENT_JOB is not None
    part = _CURRENT_JOB.take("pages")
    return _CURRENT_JOB.run_part(part) if part is not None else ({}, [])


class PageFinisher:
    """Fills in what depends on the page, in reading order, in one pass over its HTML.

    Relative root paths, linked titles, citation numbers (first cited = 1) with their notes at
    the foot, and glossary terms: the first mention of a term on the page (or any hand-made
    `[[term:...]]` link) becomes a link whose definition shows on hover and keyboard focus.
    """

    def __init__(self, site: Site, render_notes: Callable[..., str], render_note: Callable[..., str]):
        """`render_notes`: partials/notes.html, the list at a page's foot; `render_note`:
        partials/note.html, one source in it, rendered once per source and depth (a long
        page cites a hundred sources, and the same entries recur on thousands of pages)."""
        self.site = site
        self.render_notes = render_notes
        self.render_note = render_note
        self.entries: dict[tuple[str, str], Markup] = {}  # by source id and root
        self.definitions = {  # as tooltips show them: plain words, escaped
            term.id: str(escape(plain_text(term.definition, site.title))) for term in site.terms.values()
        }
        # title markers as links show them (escaped), with the item each names
        self.titles: dict[str, tuple[tuple[str, str], str]] = {}

    def title(self, marker: str) -> tuple[tuple[str, str], str]:
        """A title marker's item, and its title, escaped."""
        known = self.titles.get(marker)
        if known is None:
            kind, _, item_id = marker[OPENING:-1].partition(":")
            known = self.titles[marker] = ((kind, item_id), str(escape(self.site.title(kind, item_id))))
        return known

    def __call__(
        self,
        html: str,
        root: str,
        lookups: set[tuple[str, str]],
        link_terms: bool = True,
        standalone: bool = False,
    ) -> str:
        """`standalone`: for HTML read outside a page (feeds, open data): citations link to the
        sources page and terms stay plain words, since there are no notes or tooltips.

        A page has some forty markers; this runs on every page, so it goes over the page once
        with split() and remembers what repeats (a citation's links never change once its
        sources have their numbers)."""
        filling = _Filling(self, root, lookups, link_terms, standalone)
        # (str's replace: a text's HTML is Markup, whose replace escapes its arguments in Python)
        parts = filling.fill(_MARKERS.split(str.replace(html, ROOT, root)))
        if filling.notes_at:
            notes_html = "" if standalone else self.notes(filling.numbers, root)
            for index in filling.notes_at:
                parts[index] = notes_html
        return "".join(parts)

    def notes(self, numbers: dict[str, int], root: str) -> str:
        """The notes at a page's foot: each cited source by its number (nothing if none)."""
        notes = [
            (number, self.site.sources[source_id], self.entry(source_id, root))
            for source_id, number in numbers.items()
        ]
        return self.render_notes(notes=notes, root=root) if notes else ""

    def entry(self, source_id: str, root: str) -> Markup:
        """A source's entry in the notes, from a page `root` away from the site root."""
        entry = self.entries.get((source_id, root))
        if entry is None:
            # (the note template escapes what it shows, so its output is markup; the list
            # template decides the line breaks)
            html = self.render_note(source=self.site.sources[source_id], root=root).strip()
            entry = self.entries[(source_id, root)] = Markup(html)
        return entry


class _Filling:
    """One page's markers being filled in by a PageFinisher, and what is numbered and linked
    so far. (A class, not nested functions: a nested function that calls itself is a
    reference cycle, garbage left for the cycle collector after every page.)"""

    def __init__(
        self,
        finisher: PageFinisher,
        root: str,
        lookups: set[tuple[str, str]],
        link_terms: bool,
        standalone: bool,
    ):
        self.finisher, self.root, self.lookups = finisher, root, lookups
        self.link_terms, self.standalone = link_terms, standalone
        self.numbers: dict[str, int] = {}  # by source id, in order of first citation
        self.linked: dict[str, int] = {}  # how many links each term has had
        self.citations: dict[str, str] = {}  # the links of each citation marker
        self.notes_at: list[int] = []  # the parts where the notes go

    def fill(self, parts: list[str]) -> list[str]:
        """`parts` from _MARKERS.split(), with every marker (odd places) filled in."""
        lookups, citations = self.lookups, self.citations
        for index in range(1, len(parts), 2):
            marker = parts[index]
            if marker.startswith(TITLE_OPEN):
                item, parts[index] = self.finisher.title(marker)
                lookups.add(item)
            elif marker.startswith(CITE_OPEN):
                links = citations.get(marker)
                if links is None:
                    links = citations[marker] = self.cite(marker[OPENING:-1].split(","))
                parts[index] = links
            elif marker == NOTES:
                self.notes_at.append(index)  # (filled in once every citation is numbered)
            else:
                term_id, _, words = marker[OPENING:-1].partition(TERM_MID)
                by_hand = term_id.startswith("!")
                if TITLE_OPEN in words or CITE_OPEN in words:  # a linked title, say
                    words = "".join(self.fill(_MARKERS.split(words)))
                parts[index] = self.term(term_id.lstrip("!"), by_hand, words)
        return parts

    def cite(self, source_ids: list[str]) -> str:
        links = []
        for source_id in source_ids:
            self.lookups.add(("source", source_id))
            number = self.numbers.setdefault(source_id, len(self.numbers) + 1)
            label = f"Source {number}"  # the note it leads to names the source
            target = (
                f"{self.root}{urls.item_path('source', source_id)}"
                if self.standalone
                else f"#note-{source_id}"
            )
            links.append(f'<a href="{target}" aria-label="{label}">{number}</a>')
        return f'<sup class="cite">[{", ".join(links)}]</sup>'

    def term(self, term_id: str, by_hand: bool, words: str) -> str:
        linked = self.linked
        if self.standalone or not self.link_terms or (term_id in linked and not by_hand):
            return words
        self.lookups.add(("term", term_id))
        count = linked[term_id] = linked.get(term_id, 0) + 1
        tip = f"tip-{term_id}" + (f"-{count}" if count > 1 else "")
        href = f"{self.root}{urls.item_path('term', term_id)}"
        return (
            f'<span class="term"><a href="{href}" aria-describedby="{tip}">{words}</a>'
            f'<span class="tip" role="tooltip" id="{tip}">{self.finisher.definitions[term_id]}</span></span>'
        )
