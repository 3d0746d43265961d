"""Glossary-term spotting: the first mention of each glossary term in a text, marked.

Which mentions the page then links (and which it leaves as words) is decided later, from the
markers (see markers.py); this module only finds them, case ignored and in whole words.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from typing import Any

from .markers import term_marker

# Between the stretches of one text while terms are spotted: an ASCII character, since case
# folding is many times faster on ASCII text.
_STRETCH_END = "\0"


def glossary_names(terms: Iterable[Any]) -> dict[str, str]:
    """Every name (and alias) of the glossary terms -> the term's id: what texts mark."""
    return {name: term.id for term in terms for name in (term.term, *term.aliases)}


class Glossary:
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
