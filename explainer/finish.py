"""What depends on the page a text lands on, filled in: one pass over a rendered page.

Texts are converted once (markup.py) and leave marker characters where the page matters:
the way to the site root, linked titles, citations and glossary terms. `PageFinisher` fills
them in, in reading order, numbers citations, and writes the notes at the page's foot.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit

from markupsafe import Markup, escape

from . import urls
from .markers import (
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
)
from .markup import plain_text
from .resolve import Site

NOTES = MARK + "\ue005"  # where the notes go: led by MARK, so the finisher's one split finds it too
# One group around the whole marker, so split() alternates text and markers. (Markers come only
# from markers.py: the loader strips these characters from content.)
_MARKERS = re.compile(
    f"({TITLE_OPEN}[^{TITLE_CLOSE}]*{TITLE_CLOSE}"
    f"|{CITE_OPEN}[^{CITE_CLOSE}]*{CITE_CLOSE}"
    f"|{TERM_OPEN}[^{TERM_CLOSE}]*{TERM_CLOSE}|{NOTES})"
)


def relative_root(path: str) -> str:
    """'timeline/x/index.html' -> '../../' : how a page reaches the site root."""
    return "../" * path.count("/")


def site_root_path(base_url: str) -> str:
    """'https://example.org/talks' -> '/talks/': links that work at any depth on the host."""
    return urlsplit(base_url).path.rstrip("/") + "/"


def absolute_url(base_url: str, path: str = "") -> str:
    """An address under the base URL; only for places that need one (canonical, feeds...)."""
    return base_url.rstrip("/") + "/" + urls.pretty_url(path)


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
                before = parts[index - 1]
                if before[-1:] in (" ", "\n"):  # (a citation never starts a line of its own)
                    parts[index - 1] = before[:-1] + "\u00a0"
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
