"""A page's description (for search results and link previews) from its Markdown text."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import markup

if TYPE_CHECKING:
    from .resolve import Site

DESCRIPTION_LENGTH = 160

_DESCRIPTIONS: dict[tuple[str, str], str] = {}


def describe(site: Site, text: str | None) -> str | None:
    """The description of a text, remembered across builds; a fingerprint of every title
    (which the text's links may show) is part of the key."""
    if not text:
        return None
    key = (text, site.titles_fingerprint())
    if key not in _DESCRIPTIONS:
        if len(_DESCRIPTIONS) > 65536:
            _DESCRIPTIONS.clear()
        _DESCRIPTIONS[key] = _sentence(_plain_start(text, site.title))
    return _DESCRIPTIONS[key]


def _plain_start(text: str, title_of: Any) -> str:
    """The start of markup.plain_text(text), long enough for a description: whole lines from
    the top until there are enough words. (Citations and links never span lines, so the plain
    text of the first lines is the start of the plain text of all of them; a long event's
    text is then not read to the end.)"""
    end = text.find("\n", 2 * DESCRIPTION_LENGTH)
    if end != -1:
        start = markup.plain_text(text[:end], title_of)
        if len(start) > DESCRIPTION_LENGTH + 1:
            return start
    return markup.plain_text(text, title_of)


def _sentence(text: str) -> str:
    """A description of at most DESCRIPTION_LENGTH characters, cut at a word."""
    if len(text) <= DESCRIPTION_LENGTH:
        return text
    return text[: DESCRIPTION_LENGTH - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
