"""Marker characters: what stands in a text's HTML for what only the page it lands on knows.

A text's HTML must not depend on the page it lands on, so it can be rendered once and cached:
things that do depend on the page (the citation numbers, the relative path to the site root,
the current title of a linked item, and whether a glossary term is linked) are left as marker
characters from the Unicode private-use area, which `finish.PageFinisher` replaces in a single
pass. The loader strips those characters from content, so editors cannot forge them.
"""

from __future__ import annotations

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


def citation_marker(source_ids: list[str]) -> str:
    """What stands for a citation until the page numbers its notes."""
    return f"{CITE_OPEN}{','.join(source_ids)}{CITE_CLOSE}"


def title_marker(kind: str, item_id: str) -> str:
    """What stands for an item's title until the page fills it in."""
    return f"{TITLE_OPEN}{kind}:{item_id}{TITLE_CLOSE}"


def term_marker(term_id: str, words: str, by_hand: bool) -> str:
    """What stands for a glossary term until the page decides whether to link it."""
    return f"{TERM_OPEN}{'!' if by_hand else ''}{term_id}{TERM_MID}{words}{TERM_CLOSE}"
