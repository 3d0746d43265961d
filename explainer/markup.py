"""Markdown to HTML: our syntax in, safe HTML out, each text converted once.

Citations and cross-links (see references.py) become marker characters (see markers.py) for
what only the page knows, and the first mention of each glossary term is marked (see
glossary.py), so a text's HTML does not depend on the page it lands on and is kept, in this
process and between builds (see cache.py).

Raw HTML in content is never passed through: Python-Markdown's HTML processors are removed (so
`<script>` is shown as text) and the result goes through nh3's allow-list sanitiser, which also
drops `javascript:` and `data:` links.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Callable

import markdown
import nh3
from markdown.extensions import Extension
from markdown.extensions.footnotes import FootnoteExtension
from markdown.extensions.tables import TableExtension
from markdown.extensions.toc import TocExtension
from markdown.extensions.toc import slugify as toc_slugify
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

from . import speedups
from .cache import BuildState, digest
from .glossary import Glossary
from .markers import (
    CITE_CLOSE,
    CITE_OPEN,
    OPENING,
    ROOT,
    TERM_CLOSE,
    TERM_MID,
    TERM_OPEN,
    TITLE_CLOSE,
    TITLE_OPEN,
    XREF_CLOSE,
    XREF_MID,
    XREF_OPEN,
    citation_marker,
    term_marker,
    title_marker,
)
from .references import CITATION_RE, XREF_KINDS, XREF_RE, citation_ids
from .typography import smarten
from .urls import item_path

_XREF_SPAN = re.compile(f"{XREF_OPEN}([a-z_]+):([a-z0-9-]+){XREF_MID}(.*?){XREF_CLOSE}", re.DOTALL)
_MARKED_SPANS = re.compile(
    f"({CITE_OPEN}[^{CITE_CLOSE}]*{CITE_CLOSE}|{TITLE_OPEN}[^{TITLE_CLOSE}]*{TITLE_CLOSE}"
    f"|{TERM_OPEN}[^{TERM_CLOSE}]*{TERM_CLOSE}|{XREF_OPEN}[^{XREF_MID}]*{XREF_MID})"
)
_NO_TERMS_INSIDE = {"a", "code", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "sup"}

_ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "del", "div", "em", "h2", "h3", "h4", "h5", "h6",
    "hr", "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead",
    "tr", "ul",
}  # fmt: skip
_ALLOWED_ATTRIBUTES = {"*": {"id", "class"}, "a": {"href", "title"}, "ol": {"start"}, "abbr": {"title"}}
_URL_SCHEMES = {"http", "https", "mailto"}
# (configured once: nh3.clean() builds its allow-lists again on every call, two thirds of
# its time on a 300-word text)
_SANITISER = nh3.Cleaner(
    tags=_ALLOWED_TAGS,
    attributes=_ALLOWED_ATTRIBUTES,
    url_schemes=_URL_SCHEMES,
    link_rel=None,
    strip_comments=True,
)


def plain_text(text: str, title_of: Callable[[str, str], str]) -> str:
    """A Markdown text as one plain sentence (for tooltips): no citations, links as words."""
    text = CITATION_RE.sub("", text)

    def words(match: re.Match[str]) -> str:
        kind = XREF_KINDS.get(match.group(1) or "actor", "actor")
        return match.group(3) or title_of(kind, match.group(2).strip())

    text = XREF_RE.sub(words, text)
    # (str.replace, not regexes: this runs on every event's text when routes are planned)
    for mark in "*_`":
        text = text.replace(mark, "")
    text = " ".join(text.split())
    for mark in ".,;:":  # no space before punctuation left behind by a removed citation
        text = text.replace(" " + mark, mark)
    return text


def _xref_marker(match: re.Match[str]) -> str:
    kind = XREF_KINDS.get(match.group(1) or "actor", "actor")
    item_id = match.group(2).strip()
    words = match.group(3).strip() if match.group(3) else title_marker(kind, item_id)
    if kind == "term":  # the page links it, with its definition as a tooltip
        return term_marker(item_id, words, by_hand=True)
    return f"{XREF_OPEN}{kind}:{item_id}{XREF_MID}{words}{XREF_CLOSE}"


def _xref_link(match: re.Match[str]) -> str:
    return f'<a class="xref" href="{ROOT}{item_path(match.group(1), match.group(2))}">{match.group(3)}</a>'


class _TextPass(Treeprocessor):
    """One walk over the finished tree: curly quotes and dashes (outside code), the first mention
    of each glossary term marked (outside links, code and headings), links that leave the site
    marked, `#` demoted to h2 (the page title is the only h1), and table alignment as a class
    (inline styles would need a weaker Content-Security-Policy)."""

    def __init__(self, md: markdown.Markdown, glossary: Glossary) -> None:
        super().__init__(md)
        self.glossary = glossary

    def run(self, root: etree.Element) -> None:
        # (methods, not nested functions: a nested function that calls itself is a reference
        # cycle, garbage left for the cycle collector after every text)
        self.in_link = False  # inside a cross-link, which may span several text nodes
        # Glossary spotting waits until the walk is done, then looks at every stretch of the
        # text at once: once per stretch was a quarter of converting a text.
        self.texts: list[tuple[etree.Element, bool, list[str]]] = []  # (where, tail?, parts)
        self.stretches: list[tuple[list[str], int]] = []  # parts[index]: a stretch to spot in
        self.by_hand: list[tuple[int, str]] = []  # (stretches before it, term id) per hand link
        self._visit(root, False, bool(self.glossary.ids))
        if self.stretches:
            marked = self.glossary.mark_all([parts[index] for parts, index in self.stretches], self.by_hand)
            for (parts, index), text in zip(self.stretches, marked, strict=True):
                parts[index] = text
            for element, tail, parts in self.texts:
                setattr(element, "tail" if tail else "text", "".join(parts))

    def _visit(self, element: etree.Element, plain: bool, spot: bool) -> None:
        tag = element.tag
        plain = plain or tag in ("code", "pre")
        spot = spot and tag not in _NO_TERMS_INSIDE
        if tag == "h1":
            element.tag = "h2"
        elif tag == "a" and element.get("href", "").startswith(("http://", "https://")):
            element.set("class", "external")
        style = element.attrib.pop("style", "")
        if style.startswith("text-align:"):
            element.set("class", "align-" + style.split(":", 1)[1].strip(" ;"))
        if element.text and not plain:
            element.text = smarten(element.text)
            self.note(element, False, spot)
        for child in element:
            self._visit(child, plain, spot)
            if child.tail and not plain:
                child.tail = smarten(child.tail)
                self.note(child, True, spot)

    def note(self, element: etree.Element, tail: bool, spot: bool) -> None:
        """Note the plain stretches of a text (not in markers or links) where terms may be
        spotted, and the terms it links by hand (their first mention is then that link)."""
        text = element.tail if tail else element.text
        assert text is not None
        if not self.glossary.ids or not (spot or XREF_OPEN in text or XREF_CLOSE in text) or text.isspace():
            return  # (a line end between blocks, half the texts in a tree: nothing to spot, or to end)
        parts: list[str] = []
        noted = len(self.stretches)
        for index, part in enumerate(_MARKED_SPANS.split(text)):
            if index % 2:  # a marker: note what it opens or closes, change nothing
                if part.startswith(TERM_OPEN):
                    self.by_hand.append(
                        (len(self.stretches), part[OPENING:].lstrip("!").split(TERM_MID, 1)[0])
                    )
                self.in_link = self.in_link or part.startswith(XREF_OPEN)
            elif self.in_link and XREF_CLOSE in part:
                inside, _, part = part.partition(XREF_CLOSE)
                self.in_link = False
                parts.append(inside + XREF_CLOSE)
                if spot:
                    self.stretches.append((parts, len(parts)))
            elif spot and not self.in_link:
                self.stretches.append((parts, len(parts)))
            parts.append(part)
        if len(self.stretches) > noted:
            self.texts.append((element, tail, parts))


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
    """Raw HTML is text; images are not part of the syntax (nothing may load from elsewhere)."""

    def __init__(self, glossary: Glossary) -> None:
        super().__init__()
        self.glossary = glossary

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.preprocessors.deregister("html_block")
        for pattern in ("html", "image_link", "image_reference", "short_image_ref"):
            md.inlinePatterns.deregister(pattern)
        md.treeprocessors.register(_TextPass(md, self.glossary), "text_pass", 3)


TextKey = tuple[str, str, bool]  # text, id prefix, inline


class MarkdownRenderer:
    """One configured Markdown instance, reused; each distinct text is converted once."""

    def __init__(self, fast: bool = True) -> None:
        """`fast`: with the Markdown speedups that are on (see speedups.py)."""
        self._prefix = _IdPrefix()
        self._glossary = Glossary()
        self._md = markdown.Markdown(
            extensions=[
                _PrefixedFootnotes(self._prefix),
                TableExtension(),  # (by name, Python-Markdown would scan every installed package for it)
                _ExplainerSyntax(self._glossary),
                TocExtension(slugify=self._prefix.slugify),
            ],
            output_format="html",
        )
        if fast:
            speedups.prefilter(self._md)
        self._cache: dict[TextKey, Markup] = {}
        self.used: set[TextKey] = set()  # keys asked for since the caller last reset it
        self.store: BuildState | None = None  # where texts are kept between builds, if anywhere
        self.saved = False  # kept there already, by a build that renders once (see schedule.Job)
        self._stored: dict[tuple[str, str, bool], str] = {}

    def set_terms(self, names: dict[str, str]) -> None:
        """Glossary names (and aliases) -> term id, to mark in every text rendered from now on."""
        if self._glossary.update(names):
            self._cache.clear()
            self._stored = self.store.load_markdown(self.signature()) if self.store else {}

    def signature(self) -> str:
        """What, besides a text, its HTML depends on: the glossary (and this format)."""
        return digest(repr(sorted(self._glossary.ids.items())).encode())

    def save(self) -> None:
        """Keep the converted texts for the next build (see cache.py)."""
        if self.store and not self.saved:
            # (never an empty text: it costs nothing to make, and whether a build had made
            # one before saving would depend on which of its processes rendered what first)
            texts = {
                (digest(text.encode()), prefix, inline): str(html)
                for (text, prefix, inline), html in self._cache.items()
                if text
            }
            self.store.save_markdown(self.signature(), texts)

    def _lookup(self, key: TextKey) -> Markup | None:
        """A text converted earlier, by this process or (through the store) by an earlier build."""
        html = self._cache.get(key)
        if html is None and self._stored:
            text, prefix, inline = key
            stored = self._stored.get((digest(text.encode()), prefix, inline))
            if stored is not None:
                html = self._cache[key] = Markup(stored)
        return html

    def cached(self, key: TextKey) -> bool:
        return self._lookup(key) is not None

    def render(self, key: TextKey) -> Markup:
        """A text by its key, as block() or inline() would give it."""
        text, prefix, inline = key
        return self.inline(text) if inline else self.block(text, prefix)

    def add(self, converted: dict[TextKey, Markup]) -> None:
        """Texts converted by another process."""
        self._cache.update(converted)

    def __len__(self) -> int:
        """How many converted texts are kept."""
        return len(self._cache)

    def keep_only(self, keys: set[TextKey]) -> None:
        """Forget every other text (old versions of edited ones), so a long preview session
        does not grow without bound."""
        self._cache = {key: html for key, html in self._cache.items() if key in keys}

    def _convert(self, text: str, prefix: str) -> str:
        """Our syntax becomes marker characters first (Python-Markdown leaves them alone, and
        no extra inline patterns slow every text down), then Markdown, then the sanitiser,
        then cross-links become links (made here, from ids, after sanitising)."""
        self._md.reset()
        self._prefix.value = prefix
        text = CITATION_RE.sub(lambda m: citation_marker(citation_ids(m.group(1))), text)
        text = XREF_RE.sub(_xref_marker, text)
        html = self._md.convert(text)
        return _XREF_SPAN.sub(_xref_link, _SANITISER.clean(html))

    def block(self, text: str, prefix: str) -> Markup:
        """Paragraphs, lists, tables...; `prefix` (the item id) keeps heading ids unique."""
        key = (text, prefix, False)
        self.used.add(key)
        html = self._lookup(key)
        if html is None:
            html = self._cache[key] = Markup(self._convert(text, prefix))
        return html

    def inline(self, text: str) -> Markup:
        """A short text inside a sentence or cell: the same syntax, without the <p>."""
        key = (text, "", True)
        self.used.add(key)
        html = self._lookup(key)
        if html is None:
            converted = self._convert(text, "")
            if converted.startswith("<p>") and converted.endswith("</p>") and converted.count("<p>") == 1:
                converted = converted[3:-4]
            html = self._cache[key] = Markup(converted)
        return html
