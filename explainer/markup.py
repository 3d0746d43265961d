"""Markdown: our citation and cross-link syntax, safe HTML, rendered once per text.

Editors write `[@ap-2024-08-19]` (or `[@a; @b]`) to cite sources and `[[william-burns]]`,
`[[event:doha-talks]]`, `[[term:philadelphi-corridor]]`, `[[phase:phase-1]]`,
`[[sticking-point:philadelphi]]` (optionally `[[id|other words]]`) to link items.

A text's HTML must not depend on the page it lands on, so it can be rendered once and cached:
things that do depend on the page (the citation numbers, the relative path to the site root,
and the current title of a linked item) are left as marker characters from the Unicode
private-use area, which `render.finalize_page` replaces in a single pass. The loader strips
those characters from content, so editors cannot forge them.

Raw HTML in content is never passed through: Python-Markdown's HTML processors are removed (so
`<script>` is shown as text) and the result goes through nh3's allow-list sanitiser, which also
drops `javascript:` and `data:` links.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Iterator
from dataclasses import dataclass

import markdown
import nh3
from markdown.extensions import Extension
from markdown.extensions.footnotes import FootnoteExtension
from markdown.extensions.toc import TocExtension
from markdown.extensions.toc import slugify as toc_slugify
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString
from markupsafe import Markup

from . import routes

CITE_OPEN, CITE_CLOSE = "\ue000", "\ue001"
ROOT = "\ue002"
TITLE_OPEN, TITLE_CLOSE = "\ue003", "\ue004"

CITATION_RE = re.compile(r"\[@([^\]\n]+)\]")
XREF_RE = re.compile(r"\[\[(?:([a-z-]+):)?([^\]|\n]+?)(?:\|([^\]\n]+))?\]\]")
XREF_KINDS = {
    "actor": "actor",
    "event": "event",
    "term": "term",
    "phase": "phase",
    "sticking-point": "sticking_point",
}

_ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "del", "div", "em", "h2", "h3", "h4", "h5", "h6",
    "hr", "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead",
    "tr", "ul",
}  # fmt: skip
_ALLOWED_ATTRIBUTES = {"*": {"id", "class"}, "a": {"href", "title"}, "ol": {"start"}, "abbr": {"title"}}
_URL_SCHEMES = {"http", "https", "mailto"}


@dataclass(frozen=True)
class Reference:
    """A citation or cross-link found in a text, with the line offset inside the text."""

    kind: str  # 'source' for citations, else an XREF_KINDS value
    id: str
    line_offset: int
    written: str  # as the editor wrote the kind, for messages ('sticking-point', 'actor')


def citation_ids(inner: str) -> list[str]:
    """'@a; @b' or 'a, b' -> ['a', 'b']."""
    return [part.strip().lstrip("@").strip() for part in re.split(r"[;,]", inner) if part.strip()]


def find_references(text: str) -> Iterator[Reference]:
    """Every `[@...]` and `[[...]]` in a text, so resolve can check ids before rendering."""
    for match in CITATION_RE.finditer(text):
        line = text.count("\n", 0, match.start())
        for source_id in citation_ids(match.group(1)):
            yield Reference("source", source_id, line, "source")
    for match in XREF_RE.finditer(text):
        written = match.group(1) or "actor"
        yield Reference(
            XREF_KINDS.get(written, ""), match.group(2).strip(), text.count("\n", 0, match.start()), written
        )


def cited_sources(text: str) -> set[str]:
    """Source ids a text already cites inline (so a list of its sources need not repeat them)."""
    return {ref.id for ref in find_references(text) if ref.kind == "source"}


def citation_marker(source_ids: list[str]) -> str:
    """What stands for a citation until the page numbers its notes."""
    return f"{CITE_OPEN}{','.join(source_ids)}{CITE_CLOSE}"


def title_marker(kind: str, item_id: str) -> str:
    """What stands for an item's title until the page fills it in."""
    return f"{TITLE_OPEN}{kind}:{item_id}{TITLE_CLOSE}"


class _CitationProcessor(InlineProcessor):
    def handleMatch(self, m: re.Match[str], data: str) -> tuple[str, int, int]:  # type: ignore[override]
        return citation_marker(citation_ids(m.group(1))), m.start(0), m.end(0)


class _XrefProcessor(InlineProcessor):
    def handleMatch(self, m: re.Match[str], data: str) -> tuple[etree.Element, int, int]:  # type: ignore[override]
        kind = XREF_KINDS.get(m.group(1) or "actor", "actor")
        item_id = m.group(2).strip()
        link = etree.Element("a", {"class": "xref", "href": ROOT + routes.item_path(kind, item_id)})
        link.text = AtomicString(m.group(3).strip() if m.group(3) else title_marker(kind, item_id))
        return link, m.start(0), m.end(0)


class _PageFit(Treeprocessor):
    """Fit a text into a page: `#` becomes h2 (the page title is the only h1), and table
    alignment becomes a class (inline styles would need a weaker Content-Security-Policy)."""

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            if element.tag == "h1":
                element.tag = "h2"
            style = element.attrib.pop("style", "")
            if style.startswith("text-align:"):
                element.set("class", "align-" + style.split(":", 1)[1].strip(" ;"))


class _IdPrefix:
    """A per-text prefix for generated ids, so two texts on one page never share an id."""

    def __init__(self) -> None:
        self.value = ""

    def slugify(self, text: str, separator: str) -> str:
        return f"{self.value}-{toc_slugify(text, separator)}" if self.value else toc_slugify(text, separator)


class _PrefixedFootnotes(FootnoteExtension):
    def __init__(self, prefix: _IdPrefix) -> None:
        super().__init__()
        self.prefix = prefix

    def makeFootnoteId(self, id: str) -> str:
        return f"{self.prefix.value}-fn{self.get_separator()}{id}"

    def makeFootnoteRefId(self, id: str, found: bool = False) -> str:
        return self.unique_ref(f"{self.prefix.value}-fnref{self.get_separator()}{id}", found)


class _ExplainerSyntax(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.inlinePatterns.register(_CitationProcessor(CITATION_RE.pattern, md), "citation", 186)
        md.inlinePatterns.register(_XrefProcessor(XREF_RE.pattern, md), "xref", 185)
        md.treeprocessors.register(_PageFit(md), "page_fit", 1)


class MarkdownRenderer:
    """One configured Markdown instance, reused; each distinct text is converted once."""

    def __init__(self) -> None:
        self._prefix = _IdPrefix()
        self._md = markdown.Markdown(
            extensions=[
                _PrefixedFootnotes(self._prefix),
                "tables",
                "smarty",
                _ExplainerSyntax(),
                TocExtension(slugify=self._prefix.slugify),
            ],
            output_format="html",
        )
        self._cache: dict[tuple[str, str, bool], Markup] = {}

    def _convert(self, text: str, prefix: str) -> str:
        self._md.reset()
        self._prefix.value = prefix
        html = self._md.convert(text)
        return nh3.clean(
            html,
            tags=_ALLOWED_TAGS,
            attributes=_ALLOWED_ATTRIBUTES,
            url_schemes=_URL_SCHEMES,
            link_rel=None,
            strip_comments=True,
        )

    def block(self, text: str, prefix: str) -> Markup:
        """Paragraphs, lists, tables...; `prefix` (the item id) keeps heading ids unique."""
        key = (text, prefix, False)
        if key not in self._cache:
            self._cache[key] = Markup(self._convert(text, prefix))
        return self._cache[key]

    def inline(self, text: str) -> Markup:
        """A short text inside a sentence or cell: the same syntax, without the <p>."""
        key = (text, "", True)
        if key not in self._cache:
            html = self._convert(text, "")
            if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
                html = html[3:-4]
            self._cache[key] = Markup(html)
        return self._cache[key]
