"""Our citation and cross-link syntax, and finding it in texts so resolve can check its ids.

Editors write `[@ap-2024-08-19]` (or `[@a; @b]`) to cite sources and `[[william-burns]]`,
`[[event:doha-talks]]`, `[[term:philadelphi-corridor]]`, `[[phase:phase-1]]`,
`[[sticking-point:philadelphi]]` (optionally `[[id|other words]]`) to link items.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from .kinds import KINDS

CITATION_RE = re.compile(r"\[@([^\]\n]+)\]")
XREF_RE = re.compile(r"\[\[(?:([a-z-]+):)?([^\]|\n]+?)(?:\|([^\]\n]+))?\]\]")
# a citation or link opened but not closed on its line: Markdown would show it as typed
SPLIT_MARKUP_RE = re.compile(r"\[@[^\]\n]*\n|\[\[[^\]\n]*\n")
XREF_KINDS = {kind.xref: kind.name for kind in KINDS.values() if kind.xref}  # as written -> kind


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
