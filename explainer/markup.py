"""Markdown: our citation and cross-link syntax, safe HTML, rendered once per text.

Editors write `[@ap-2024-08-19]` (or `[@a; @b]`) to cite sources and `[[william-burns]]`,
`[[event:doha-talks]]`, `[[term:philadelphi-corridor]]`, `[[phase:phase-1]]`,
`[[sticking-point:philadelphi]]` (optionally `[[id|other words]]`) to link items.

A text's HTML must not depend on the page it lands on, so it can be rendered once and cached:
things that do depend on the page (the citation numbers, the relative path to the site root,
and the current title of a linked item) are left as marker characters from the Unicode
private-use area, which `render.PageFinisher` replaces in a single pass. The loader strips
those characters from content, so editors cannot forge them.

Raw HTML in content is never passed through: Python-Markdown's HTML processors are removed (so
`<script>` is shown as text) and the result goes through nh3's allow-list sanitiser, which also
drops `javascript:` and `data:` links.
"""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any, NamedTuple

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
from .urls import item_path

# Every marker with an end starts with MARK: a regex led by one character finds markers in a
# page 16 times faster than one led by any of several (it then tests each character of the
# page against all of them).
MARK = "\ue00c"
CITE_OPEN, CITE_CLOSE = MARK + "\ue000", "\ue001"
ROOT = "\ue002"
TITLE_OPEN, TITLE_CLOSE = MARK + "\ue003", "\ue004"
# A glossary term in running text: TERM_OPEN [!]id TERM_MID words TERM_CLOSE ('!': linked by hand)
TERM_OPEN, TERM_MID, TERM_CLOSE = MARK + "\ue006", "\ue007", "\ue008"
# A cross-link while Markdown runs: XREF_OPEN kind:id XREF_MID words XREF_CLOSE
XREF_OPEN, XREF_MID, XREF_CLOSE = MARK + "\ue009", "\ue00a", "\ue00b"
OPENING = len(MARK) + 1  # how many characters a marker opens with
# Between the stretches of one text while terms are spotted: an ASCII character, since case
# folding is many times faster on ASCII text.
_STRETCH_END = "\0"
_XREF_SPAN = re.compile(f"{XREF_OPEN}([a-z_]+):([a-z0-9-]+){XREF_MID}(.*?){XREF_CLOSE}", re.DOTALL)
_MARKED_SPANS = re.compile(
    f"({CITE_OPEN}[^{CITE_CLOSE}]*{CITE_CLOSE}|{TITLE_OPEN}[^{TITLE_CLOSE}]*{TITLE_CLOSE}"
    f"|{TERM_OPEN}[^{TERM_CLOSE}]*{TERM_CLOSE}|{XREF_OPEN}[^{XREF_MID}]*{XREF_MID})"
)
_NO_TERMS_INSIDE = {"a", "code", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "sup"}

CITATION_RE = re.compile(r"\[@([^\]\n]+)\]")
XREF_RE = re.compile(r"\[\[(?:([a-z-]+):)?([^\]|\n]+?)(?:\|([^\]\n]+))?\]\]")
# a citation or link opened but not closed on its line: Markdown would show it as typed
SPLIT_MARKUP_RE = re.compile(r"\[@[^\]\n]*\n|\[\[[^\]\n]*\n")
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
# (configured once: nh3.clean() builds its allow-lists again on every call, two thirds of
# its time on a 300-word text)
_SANITISER = nh3.Cleaner(
    tags=_ALLOWED_TAGS,
    attributes=_ALLOWED_ATTRIBUTES,
    url_schemes=_URL_SCHEMES,
    link_rel=None,
    strip_comments=True,
)


class Reference(NamedTuple):
    """A citation or cross-link found in a text. (A tuple: resolve finds 200,000 of them at
    10,000 events, and tuples are made fastest.)"""

    kind: str  # 'source' for citations, else an XREF_KINDS value
    id: str
    position: int  # where in the text it starts (its line is counted only if it is wrong)
    written: str  # as the editor wrote the kind, for messages ('sticking-point', 'actor')


_ID_SEPARATOR = re.compile(r"[;,]")


def citation_ids(inner: str) -> list[str]:
    """'@a; @b' or 'a, b' -> ['a', 'b']."""
    parts = _ID_SEPARATOR.split(inner) if "," in inner or ";" in inner else (inner,)  # (most cite one)
    return [part.strip().lstrip("@").strip() for part in parts if part.strip()]


@lru_cache(maxsize=65536)
def references(text: str) -> tuple[Reference, ...]:
    """find_references, remembered per text: resolve asks for every text on every rebuild."""
    return tuple(find_references(text))


def find_references(text: str) -> list[Reference]:
    """Every `[@...]` and `[[...]]` in a text, so resolve can check ids before rendering."""
    found = [
        Reference("source", source_id, match.start(), "source")
        for match in CITATION_RE.finditer(text)
        for source_id in citation_ids(match.group(1))
    ]
    for match in XREF_RE.finditer(text):
        written = match.group(1) or "actor"
        found.append(Reference(XREF_KINDS.get(written, ""), match.group(2).strip(), match.start(), written))
    return found


@lru_cache(maxsize=65536)
def cited_sources(text: str) -> frozenset[str]:
    """Source ids a text already cites inline (so a list of its sources need not repeat them).
    From `references`, which resolve has already filled for every text."""
    return frozenset(ref.id for ref in references(text) if ref.kind == "source")


def glossary_names(terms: Iterable[Any]) -> dict[str, str]:
    """Every name (and alias) of the glossary terms -> the term's id: what texts mark."""
    return {name: term.id for term in terms for name in (term.term, *term.aliases)}


def term_marker(term_id: str, words: str, by_hand: bool) -> str:
    """What stands for a glossary term until the page decides whether to link it."""
    return f"{TERM_OPEN}{'!' if by_hand else ''}{term_id}{TERM_MID}{words}{TERM_CLOSE}"


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


def citation_marker(source_ids: list[str]) -> str:
    """What stands for a citation until the page numbers its notes."""
    return f"{CITE_OPEN}{','.join(source_ids)}{CITE_CLOSE}"


def title_marker(kind: str, item_id: str) -> str:
    """What stands for an item's title until the page fills it in."""
    return f"{TITLE_OPEN}{kind}:{item_id}{TITLE_CLOSE}"


class _TextPass(Treeprocessor):
    """One walk over the finished tree: curly quotes and dashes (outside code), the first mention
    of each glossary term marked (outside links, code and headings), links that leave the site
    marked, `#` demoted to h2 (the page title is the only h1), and table alignment as a class
    (inline styles would need a weaker Content-Security-Policy)."""

    def __init__(self, md: markdown.Markdown, glossary: _Glossary) -> None:
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
            element.text = _smarten(element.text)
            self.note(element, False, spot)
        for child in element:
            self._visit(child, plain, spot)
            if child.tail and not plain:
                child.tail = _smarten(child.tail)
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


_TYPOGRAPHY = (
    (re.compile(r"---"), "\u2014"),
    (re.compile(r"--"), "\u2013"),
    (re.compile(r"\.\.\."), "\u2026"),
    (re.compile(r'(^|[\s(\[{\u2014\u2013])"'), "\\1\u201c"),
    (re.compile(r'"'), "\u201d"),
    (re.compile(r"(^|[\s(\[{\u2014\u2013\u201c])'"), "\\1\u2018"),
    (re.compile(r"'"), "\u2019"),
)


def _smarten(text: str) -> str:
    """Typographic quotes, dashes and ellipses ("x" -> “x”, it's -> it’s, -- -> –)."""
    if '"' not in text and "'" not in text and "--" not in text and "..." not in text:
        return text
    for pattern, replacement in _TYPOGRAPHY:
        text = pattern.sub(replacement, text)
    return text


class _Glossary:
    """The terms to spot in texts: each name (and alias), case-folded, with its term's id."""

    def __init__(self) -> None:
        self.ids: dict[str, str] = {}
        self.names: tuple[str, ...] = ()  # longest first: where two names start, the longer wins
        self.overlaps: dict[str, frozenset[str]] = {}  # the names a mention of each may overlap
        self.entangled: frozenset[str] = frozenset()  # the names that may overlap some other

    def update(self, names: dict[str, str]) -> bool:
        """Replace the terms; True when they changed (cached HTML is then stale)."""
        folded = {name.casefold(): term_id for name, term_id in names.items() if name}
        if folded == self.ids:
            return False
        self.ids = folded
        self.names = tuple(sorted(folded, key=len, reverse=True))
        self.overlaps = _may_overlap(self.names)
        self.entangled = frozenset(name for name, others in self.overlaps.items() if others)
        return True

    def mark(self, text: str, seen: set[str]) -> str:
        """The first mention of each term not in `seen` marked (and added to `seen`).

        A mention is a name, ignoring case, between characters that are not letters, digits,
        `_` or `-`; from the start of the text on, the longest name at each place is taken, and
        the search goes on after it. That is what the regex `(?<![\\w-])(?:longest|...)(?![\\w-])`
        finds, but tried at every position that regex was a third of converting a text: here
        `str.find` looks for each name in the case-folded text instead. Where no two names in
        the text can overlap, only the first mention of each term not yet seen is looked for.
        """
        return self._mark(text, seen, [])

    def mark_all(self, stretches: list[str], by_hand: list[tuple[int, str]]) -> list[str]:
        """The stretches of one text, each marked as mark() would, in turn, with one `seen`
        (at first empty); `by_hand`: (k, term id) for a term linked by hand before stretch k,
        seen from there on. One look at them all costs far less than one a stretch."""
        text = _STRETCH_END.join(stretches)
        if text.count(_STRETCH_END) == len(stretches) - 1:
            starts = [0, *itertools.accumulate(len(stretch) + 1 for stretch in stretches)]
            events = [(starts[before], term_id) for before, term_id in by_hand]
            return self._mark(text, set(), events).split(_STRETCH_END)
        seen: set[str] = set()  # (a stretch holds the separator itself: one at a time, then)
        marked = []
        for index, stretch in enumerate(stretches):
            seen.update(term_id for before, term_id in by_hand if before == index)
            marked.append(self.mark(stretch, seen))
        return marked

    def _mark(self, text: str, seen: set[str], by_hand: list[tuple[int, str]]) -> str:
        """mark(), with terms seen from a place in `text` on ((place, term id), in order)."""
        folded = text.casefold()
        origin = None if len(folded) == len(text) else _origins(text)
        # (where no names overlap, looking for each is what telling which are present costs)
        present = (
            self.names
            if origin is None and not self.entangled
            else [*filter(folded.__contains__, self.names)]
        )
        if seen.issuperset(map(self.ids.__getitem__, present)):
            return text
        overlapping = origin is not None or (
            not self.entangled.isdisjoint(present)
            and any(not self.overlaps[name].isdisjoint(present) for name in present)
        )
        # (start, -length) in the folded text, where the mention is in `text`, and the name
        found: list[tuple[int, int, int, int, str]] = []
        for name in present:
            if not overlapping and self.ids[name] in seen:
                continue  # (a seen term's mention matters only when it may hide another name)
            start = folded.find(name)
            while start != -1:
                end = start + len(name)
                span = (start, end) if origin is None else _span_in(origin, start, end)
                if span and _whole_words(text, *span):
                    found.append((start, -len(name), *span, name))
                    if not overlapping:
                        break
                start = folded.find(name, start + 1)
        found.sort()
        pieces: list[str] = []
        copied = taken = linked = 0
        for start, minus_length, first, last, name in found:
            if start < taken:
                continue  # inside a mention already taken
            taken = start - minus_length
            while linked < len(by_hand) and by_hand[linked][0] <= first:
                seen.add(by_hand[linked][1])
                linked += 1
            term_id = self.ids[name]
            if term_id not in seen:
                seen.add(term_id)
                pieces += (text[copied:first], term_marker(term_id, text[first:last], by_hand=False))
                copied = last
        if not pieces:
            return text
        pieces.append(text[copied:])
        return "".join(pieces)


_WORDS = re.compile(r"[\w-]+")


def _may_overlap(names: Iterable[str]) -> dict[str, frozenset[str]]:
    """For each name, the other names a mention of it may overlap or contain in some text.

    Mentions start and end at word edges, so two overlapping mentions share a whole word
    (a run of letters, digits, `_` and `-`), unless a name starts or ends with some other
    character: such a name is taken to overlap every name."""
    words = {name: set(_WORDS.findall(name)) for name in names}
    loose = {
        name for name, its in words.items() if not (its and _WORDS.match(name[0]) and _WORDS.match(name[-1]))
    }
    by_word: dict[str, set[str]] = {}
    for name, its in words.items():
        for word in its:
            by_word.setdefault(word, set()).add(name)
    return {
        name: frozenset(words.keys() if name in loose else loose.union(*(by_word[word] for word in its)))
        - {name}
        for name, its in words.items()
    }


def _whole_words(text: str, first: int, last: int) -> bool:
    """Whether text[first:last] has no letter, digit, `_` or `-` (what the regex `[\\w-]`
    matches) right before or after it."""
    before = text[first - 1] if first else " "
    after = text[last] if last < len(text) else " "
    return not (before.isalnum() or before in "_-" or after.isalnum() or after in "_-")


def _origins(text: str) -> list[int]:
    """Where each character of text.casefold() came from in `text` (one more entry, for the
    end), for text whose folding changed its length (`ß` folds to `ss`)."""
    origin = [index for index, char in enumerate(text) for _ in char.casefold()]
    origin.append(len(text))
    return origin


def _span_in(origin: list[int], start: int, end: int) -> tuple[int, int] | None:
    """Where folded[start:end] came from in the text; None when it starts or ends inside the
    folding of one character (`s` alone in the `ss` of `ß`)."""
    if (start and origin[start - 1] == origin[start]) or origin[end - 1] == origin[end]:
        return None
    return origin[start], origin[end]


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

    def __init__(self, glossary: _Glossary) -> None:
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
        self._glossary = _Glossary()
        self._md = markdown.Markdown(
            extensions=[
                _PrefixedFootnotes(self._prefix),
                TableExtension(),  # (by name, Python-Markdown would scan every installed package for it)
                _ExplainerSyntax(self._glossary),
                TocExtension(slugify=self._prefix.slugify),
            ],
            output_format="html",
        )
        text_pass = self._md.treeprocessors["text_pass"]
        self._convert_markdown = (
            speedups.MarkdownShortcuts(self._md, text_pass, MARK).convert if fast else self._md.convert
        )
        self._cache: dict[TextKey, Markup] = {}
        self.used: set[TextKey] = set()  # keys asked for since the caller last reset it
        self.store: BuildState | None = None  # where texts are kept between builds, if anywhere
        self.saved = False  # kept there already, by a build that renders once (see render._Job)
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
        html = self._convert_markdown(text)
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
