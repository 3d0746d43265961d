"""Stage 4, render: every route through its jinja2 template into bytes, in memory.

One Environment (autoescape on, undefined names are errors) is built per templates folder and
reused. Markdown is rendered once per text by `markup.MarkdownRenderer`; what depends on the
page is filled in by `finish.PageFinisher`. What a template gets besides its context is in
pagecontext.py, what lets a page be reused in pagecache.py, the open data in produce.py, and
how pages are shared out between processes in schedule.py.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup

from . import metadata, routes, schedule, urls
from .ahead import AheadConversion
from .cards import card_path
from .dates import human_range
from .errors import ContentError
from .finish import PageFinisher, absolute_url, relative_root, site_root_path
from .glossary import glossary_names
from .load import fingerprint
from .markup import MarkdownRenderer, TextKey
from .pagecache import (
    NO_ITEMS,
    NO_TEXTS,
    LastRender,
    Plan,
    RenderedPage,
    TemplateKeys,
    kept_lookups_key,
)
from .pagecontext import Page, PageHelpers, cite
from .produce import OpenDataProducer
from .resolve import Site
from .search import search_meta
from .spawned import SiteChanged, SpawnSpec, site_fingerprint
from .templating import assets, environment, load_template, template_location
from .theme import Templates
from .workers import usable_cores
from .write import Staging

# No inline script or style anywhere: everything the pages use comes from the site itself
# (WebAssembly too: search's Pagefind compiles its own module, which needs 'wasm-unsafe-eval').
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self'; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'"
)


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


def _shared(site: Site, base_url: str, preview: bool, cards: bool) -> dict[str, Any]:
    """What every template gets."""
    return {
        "card_path": card_path if cards else None,  # (None: the build makes no social cards)
        "config": site.config,
        "base_url": base_url,
        "absolute_url": lambda path="": absolute_url(base_url, path),
        "csp": None if preview else Markup(CONTENT_SECURITY_POLICY),
        "csp_header": CONTENT_SECURITY_POLICY,
        "base_path": site_root_path(base_url),
    }


def _site_key(
    site: Site,
    base_url: str,
    template_keys: dict[str, str],
    term_names: dict[str, str],
    asset_paths: dict[str, str],
    preview: bool,
    cards: bool,
) -> str:
    """What every page depends on: the notes at its foot, the settings, the glossary, the
    navigation and the assets' names."""
    notes_keys = [template_keys.get(f"partials/{name}.html") for name in ("notes", "note")]
    settings = (notes_keys, base_url, site.config, sorted(term_names.items()), urls.NAVIGATION)
    return fingerprint(repr((*settings, asset_paths, preview, cards)))


def _collect(rendered: Rendered, plan: Plan, staged: bool, fresh: dict[str, RenderedPage]) -> None:
    """Every page of the site into `rendered`, in route order: bytes, or digests if staged."""
    pages = plan.pages
    for route in plan.all_routes:
        if route.path in pages:
            if staged:
                rendered.digests[route.path] = pages[route.path].digest
            else:
                rendered.files[route.path] = pages[route.path].content
            rendered.pages += route.path.endswith(".html")
    rendered.pages_rendered = sum(path.endswith(".html") for path in fresh)


class PageRenderer:
    """Renders a resolved site with one jinja2 environment and one Markdown renderer."""

    def __init__(
        self,
        templates: Path,
        preview: bool = False,
        workers: int | None = None,
        compiled: Path | None = None,
        once: bool = False,
        cards: bool = False,
    ):
        """`preview`: for `serve`, where assets keep plain names (so a CSS edit reloads in place)
        and pages carry no CSP meta tag (livereload injects an inline script). `workers`: how
        many processes may render a large build (default: two when the machine has them).
        `compiled`: a folder where compiled templates are kept between builds. `once`: this
        renderer renders one site only (`build`, `check`), so it works out none of what lets
        a next render reuse pages (their keys: 2 s of a cold build at 10,000 events).
        `cards`: pages name a social card (the build makes them: cards.py)."""
        self.templates = Templates.of(templates)
        self.preview, self.once = preview, once
        self.cards = cards
        self.workers = workers if workers is not None else min(2, usable_cores())
        self.markdown = MarkdownRenderer()
        self.helpers = PageHelpers(self.markdown)
        self.producer = OpenDataProducer(self.markdown, once)
        self._template_keys = TemplateKeys(self.templates)
        self.last = LastRender()
        self._standalone: Callable[..., str] = lambda html, lookups: html  # set per build
        self._sink: Staging | None = None
        self.ahead: AheadConversion | None = None  # a helper converting texts meanwhile, if any
        # where a fork is unsafe: what a spawned second renderer needs (set by pipeline.build),
        # and, in that renderer, the pages it renders and the site it must find (spawned.py)
        self.spawn_spec: SpawnSpec | None = None
        self.only: set[str] | None = None
        self.expected_site: str | None = None
        self.env = environment(self.templates, compiled, once)
        self.env.filters.update(
            md=self.markdown.block,
            md_inline=self.markdown.inline,
            standalone=lambda html: self._standalone(html, lookups=self.helpers.page.lookups),
            cite=cite,
            date_range=human_range,
        )
        self.env.globals.update(self.helpers.globals())

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
        rendered, asset_paths = self._start(site, sink)
        errors: list[ContentError] = []
        term_names = glossary_names(site.terms.values())
        self.markdown.set_terms(term_names)
        template_keys = self._template_keys()
        if self._template_keys.moved:
            self.env.cache.clear()  # (jinja2 would keep a template whose file is now overridden)
        site_key = _site_key(site, base_url, template_keys, term_names, asset_paths, self.preview, self.cards)
        settings = (site_key, template_keys)
        plan = self.last.plan(site, settings)
        self.producer.start(plan.changed)
        todo, deferred = self.last.sort(site, plan, site_key, template_keys, self)
        if self.ahead is not None:  # texts converted while the site was loaded (see ahead.py)
            self.markdown.add(self.ahead.take(term_names))
            self.ahead = None
        notes, note = (
            load_template(self.env, self.templates, f"partials/{name}.html", errors)
            for name in ("notes", "note")
        )
        if notes is None or note is None:
            return rendered, errors
        finish = PageFinisher(site, notes.render, note.render)
        self._standalone = functools.partial(finish, root=absolute_url(base_url), standalone=True)
        shared = _shared(site, base_url, self.preview, self.cards)
        job = schedule.Job(self, todo, site, base_url, shared, finish)
        fresh, job_errors = schedule.run(job, self.workers, self.spawn_spec)
        errors += job_errors
        plan.pages.update(fresh)
        self.producer.done()
        _collect(rendered, plan, sink is not None, fresh)
        if not errors:
            self.last.remember(site, plan, settings, deferred, (site, base_url, finish))
            if not plan.prose_only:  # (a prose edit neither adds nor removes an item)
                self.producer.keep_only(site)
            if not self.once:  # (a build that renders once keeps every text it converted)
                self.last.forget_unused_texts(self.markdown, every_time=not plan.prose_only)
        self.helpers.forget()
        return rendered, errors

    def _start(self, site: Site, sink: Staging | None) -> tuple[Rendered, dict[str, str]]:
        """A new render: the assets first (staged or kept), and their output paths by name."""
        asset_files, asset_paths = assets(self.templates, self.preview)
        self.helpers.start(site, asset_paths)
        self._sink = sink
        if self.only is not None:  # (a spawned renderer: the build stages the assets)
            asset_files = {}
        rendered = Rendered()
        for path, data in asset_files.items():
            if sink:
                rendered.digests[path] = sink.put(path, data)
            else:
                rendered.files[path] = data
        return rendered, asset_paths

    def render_deferred(self) -> tuple[int, dict[str, bytes]]:
        """The open data files the last render() left for later, produced now: the site's
        generation they belong to, and their bytes by path.

        A preview (serve) re-renders the pages an edit touched first and produces the open
        data files (every item of a kind, 80 MB at 10,000 events) once the browser has the
        pages; until then the previous files are served. Until this runs, the next render()
        treats them as changed.
        """
        last = self.last
        if not last.deferred or last.deferred_with is None:
            return 0, {}
        site, base_url, finish = last.deferred_with
        self.helpers.site, self._sink = site, None
        files: dict[str, bytes] = {}
        for path, (route, key) in last.deferred.items():
            last.pages[path] = self._produce(route, key, site, base_url, finish)
            files[path] = last.pages[path].content
        last.deferred = {}
        self.producer.done()
        return site.generation, files

    def render_route(
        self,
        route: routes.Route,
        key: str,
        site: Site,
        base_url: str,
        shared: dict[str, Any],
        finish: PageFinisher,
        errors: list[ContentError],
    ) -> RenderedPage | None:
        """One route's page (its error in `errors` instead, if its template fails)."""
        if route.producer:
            return self._produce(route, key, site, base_url, finish)
        template = load_template(self.env, self.templates, route.template, errors)
        if template is None:
            return None
        root = site_root_path(base_url) if route.absolute_links else relative_root(route.path)
        lookups: set[tuple[str, str]] = set()
        self.markdown.used = set()
        self.helpers.page = Page(route, root, lookups)
        extra: dict[str, Any] = {}
        if route.path.endswith(".html"):
            data = metadata.json_ld(route, site, lambda path: absolute_url(base_url, path))
            extra["json_ld"] = Markup(metadata.script_json(data))
            extra["search_meta"] = search_meta(route)
        try:
            text = template.render(**shared, **route.context, **extra, route=route, root=root)
            if route.path.endswith(".html"):
                text = finish(text, root, lookups, link_terms=route.path != urls.section_path("term"))
        except Exception as error:  # any template failure becomes a located message
            errors.append(
                ContentError(
                    template_location(error, self.templates),
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
        texts: set[TextKey] | frozenset[TextKey],
        site: Site,
    ) -> RenderedPage:
        """A rendered file: staged at once when building to disk (then only its digest is
        kept), or kept in memory for `check` and `serve`. What it looked up and which texts
        it showed matter only to a renderer that renders again: a build that renders once
        keeps neither (nor does its worker send them back: pickled, the texts of 2,000 events'
        pages come to 19 MB)."""
        shown, used = (NO_ITEMS, NO_TEXTS) if self.once else (frozenset(lookups), frozenset(texts))
        kept_key = kept_lookups_key(lookups, site, self.once)
        if self._sink is None:
            return RenderedPage(key, shown, kept_key, content, used)
        file_digest = self._sink.put(route.path, content)
        return RenderedPage(key, shown, kept_key, b"", used, file_digest)

    def _produce(
        self, route: routes.Route, key: str, site: Site, base_url: str, finish: PageFinisher
    ) -> RenderedPage:
        """An open data file (see produce.py); it records no lookups of its own."""
        content, texts = self.producer.produce(route, site, base_url, finish)
        return self._keep(route, key, set(), content, texts, site)
