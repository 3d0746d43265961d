"""Stage 4, render: every route through its jinja2 template into bytes, in memory.

One Environment (autoescape on, undefined names are errors) is built per templates folder and
reused. Markdown is rendered once per text by `markup.MarkdownRenderer`; what depends on the
page (relative root, citation numbers, linked titles, glossary tooltips) is filled in by
`PageFinisher`, which also writes the page's notes at the foot.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup, escape

from . import routes
from .dates import PartialDate, human_range
from .errors import ContentError, Location, display_path
from .markup import (
    CITE_CLOSE,
    CITE_OPEN,
    ROOT,
    TERM_CLOSE,
    TERM_MID,
    TERM_OPEN,
    TITLE_CLOSE,
    TITLE_OPEN,
    MarkdownRenderer,
    citation_marker,
    cited_sources,
    plain_text,
)
from .resolve import Site

NOTES = "\ue005"
_MARKERS = re.compile(
    f"{ROOT}"
    f"|{TITLE_OPEN}(?P<kind>[a-z_]+):(?P<id>[^{TITLE_CLOSE}]*){TITLE_CLOSE}"
    f"|{CITE_OPEN}(?P<sources>[^{CITE_CLOSE}]*){CITE_CLOSE}"
    f"|{TERM_OPEN}(?P<by_hand>!?)(?P<term>[a-z0-9-]+){TERM_MID}(?P<words>[^{TERM_CLOSE}]*){TERM_CLOSE}"
)
ASSETS_DIR = "assets"


@dataclass
class Rendered:
    """The whole site as bytes by output path, plus how many of them are pages."""

    files: dict[str, bytes] = field(default_factory=dict)
    pages: int = 0


def relative_root(path: str) -> str:
    """'timeline/x/index.html' -> '../../' : how a page reaches the site root."""
    return "../" * path.count("/")


def site_root_path(base_url: str) -> str:
    """'https://example.org/talks' -> '/talks/': links that work at any depth on the host."""
    return urlsplit(base_url).path.rstrip("/") + "/"


def absolute_url(base_url: str, path: str = "") -> str:
    """An address under the base URL; only for places that need one (canonical, feeds...)."""
    return base_url.rstrip("/") + "/" + routes.pretty_url(path)


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

    def __init__(self, templates: Path, markdown: MarkdownRenderer | None = None):
        self.templates = templates.resolve()
        self.markdown = markdown or MarkdownRenderer()
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(self.templates),
            autoescape=jinja2.select_autoescape(("html", "xml"), default_for_string=True, default=False),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.env.filters.update(
            md=self.markdown.block,
            md_inline=self.markdown.inline,
            cite=_cite,
            human_date=lambda date: date.human() if isinstance(date, PartialDate) else "",
            date_range=human_range,
        )
        self.env.globals.update(
            notes_here=Markup(NOTES), href=self._href, url=self._url, navigation=routes.NAVIGATION
        )

    @staticmethod
    @jinja2.pass_context
    def _url(context: jinja2.runtime.Context, path: str) -> str:
        """A link from the page being rendered to another output path."""
        route: routes.Route = context["route"]
        return context["root"] + path if route.absolute_links else routes.relative_link(route.path, path)

    @staticmethod
    @jinja2.pass_context
    def _href(context: jinja2.runtime.Context, kind: str, item_id: str) -> str:
        return PageRenderer._url(context, routes.item_path(kind, item_id))

    def assets(self) -> dict[str, bytes]:
        """Static files under templates/assets, copied as they are."""
        folder = self.templates / ASSETS_DIR
        if not folder.is_dir():
            return {}
        return {
            f"{ASSETS_DIR}/{path.relative_to(folder).as_posix()}": path.read_bytes()
            for path in sorted(folder.rglob("*"))
            if path.is_file() and not path.name.startswith(".")
        }

    def render(self, site: Site, base_url: str) -> tuple[Rendered, list[ContentError]]:
        """Every route, rendered; template problems come back as located errors."""
        rendered = Rendered(files=self.assets())
        errors: list[ContentError] = []
        all_routes = routes.routes(site)
        shared = {
            "site": site,
            "config": site.config,
            "base_url": base_url,
            "routes": all_routes,
            "title_of": site.title,
            "absolute_url": lambda path="": absolute_url(base_url, path),
        }
        notes = self._template("partials/notes.html", errors)
        if notes is None:
            return rendered, errors
        self.markdown.set_terms(
            {name: term.id for term in site.terms.values() for name in (term.term, *term.aliases)}
        )
        finish = PageFinisher(site, notes.render)
        for route in all_routes:
            template = self._template(route.template, errors)
            if template is None:
                continue
            root = site_root_path(base_url) if route.absolute_links else relative_root(route.path)
            try:
                text = template.render(**shared, **route.context, route=route, root=root)
                if route.path.endswith(".html"):
                    text = finish(text, root, link_terms=route.path != routes.section_path("term"))
            except Exception as error:  # any template failure becomes a located message
                errors.append(
                    ContentError(
                        _template_location(error, self.templates),
                        f"{type(error).__name__}: {error} (rendering {route.path})",
                    )
                )
                continue
            rendered.files[route.path] = text.encode("utf-8")
            rendered.pages += route.path.endswith(".html")
        return rendered, errors

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


class PageFinisher:
    """Fills in what depends on the page, in reading order, in one pass over its HTML.

    Relative root paths, linked titles, citation numbers (first cited = 1) with their notes at
    the foot, and glossary terms: the first mention of a term on the page (or any hand-made
    `[[term:...]]` link) becomes a link whose definition shows on hover and keyboard focus.
    """

    def __init__(self, site: Site, render_notes: Callable[..., str]):
        self.site = site
        self.render_notes = render_notes
        self.definitions = {term.id: plain_text(term.definition, site.title) for term in site.terms.values()}

    def __call__(self, html: str, root: str, link_terms: bool = True) -> str:
        numbers: dict[str, int] = {}
        linked: dict[str, int] = {}

        def replace(match: re.Match[str]) -> str:
            marker = match.group(0)
            if marker == ROOT:
                return root
            if match.group("kind"):
                return str(escape(self.site.title(match.group("kind"), match.group("id"))))
            if match.group("term"):
                return term(
                    match.group("term"),
                    bool(match.group("by_hand")),
                    _MARKERS.sub(replace, match.group("words")),
                )
            return cite(match.group("sources").split(","))

        def cite(source_ids: list[str]) -> str:
            links = []
            for source_id in source_ids:
                number = numbers.setdefault(source_id, len(numbers) + 1)
                label = escape(f"Source {number}: {self.site.sources[source_id].publisher}")
                links.append(f'<a href="#note-{source_id}" aria-label="{label}">{number}</a>')
            return f'<sup class="cite">[{", ".join(links)}]</sup>'

        def term(term_id: str, by_hand: bool, words: str) -> str:
            if not link_terms or (term_id in linked and not by_hand):
                return words
            count = linked[term_id] = linked.get(term_id, 0) + 1
            tip = f"tip-{term_id}" + (f"-{count}" if count > 1 else "")
            href = f"{root}{routes.item_path('term', term_id)}"
            return (
                f'<span class="term"><a href="{href}" aria-describedby="{tip}">{words}</a>'
                f'<span class="tip" role="tooltip" id="{tip}">{escape(self.definitions[term_id])}</span></span>'
            )

        body = _MARKERS.sub(replace, html)
        notes = [(number, self.site.sources[source_id]) for source_id, number in numbers.items()]
        return body.replace(NOTES, self.render_notes(notes=notes, root=root) if notes else "")
