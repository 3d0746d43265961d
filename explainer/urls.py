"""Where things are: the path of every page and item in the output, and links between them.

Paths are relative to the output root and always name the file (`timeline/index.html`), so
every link works from a sub-path and when the site is opened straight from disk; templates turn
them into links relative to the page that holds them. (A module of its own, needing only the
kinds' declarations, since Markdown, resolving and routing all ask it.)
"""

from __future__ import annotations

from functools import lru_cache

from .kinds import KINDS

SECTIONS = {kind.name: kind.section for kind in KINDS.values() if kind.section}  # a page an item
LIST_PAGES = {kind.name: kind.list_page for kind in KINDS.values() if kind.list_page}  # an entry an item
ANCHOR_PREFIX = {kind.name: kind.anchor for kind in KINDS.values() if kind.list_page}
HOME_PAGE = "home"
# the sections every page links to, in the header's order
NAVIGATION = (
    ("Timeline", "timeline/index.html"),
    ("Who is who", "actors/index.html"),
    ("The deal", "deal/index.html"),
    ("Sticking points", "sticking-points/index.html"),
    ("Quotes", "quotes/index.html"),
    ("Glossary", "glossary/index.html"),
    ("Sources", "sources/index.html"),
    ("About", "about/index.html"),
)

RESERVED_PAGE_IDS = frozenset(
    {
        *SECTIONS.values(),
        *LIST_PAGES.values(),
        "assets",
        "data",
        "404",
        "index",
        "feed",
        "sitemap",
        "changes",
        "search",
        "pagefind",
    }
)


def section_path(kind: str) -> str:
    """The index page of a kind, e.g. 'timeline/index.html'."""
    return f"{SECTIONS.get(kind) or LIST_PAGES[kind]}/index.html"


def item_path(kind: str, item_id: str) -> str:
    """Where an item is shown: its own page, or its entry on a list page."""
    if kind in SECTIONS:
        return f"{SECTIONS[kind]}/{item_id}/index.html"
    if kind in LIST_PAGES:
        return f"{section_path(kind)}#{ANCHOR_PREFIX[kind]}{item_id}"
    if kind == "page":
        return "index.html" if item_id == HOME_PAGE else f"{item_id}/index.html"
    raise KeyError(kind)


def source_page_path(source_id: str) -> str:
    """A source's own page: what it is and everything that cites it. (Its entry on the sources
    page, where citations lead, links here: the list stays small however much cites it.)"""
    return f"sources/{source_id}/index.html"


def note_path(kind: str, item_id: str, number: int) -> str:
    """Where an item's page shows its `number`th update note (see partials/macros.html)."""
    path = item_path(kind, item_id)
    if "#" in path:  # an entry on a list page: its notes carry its anchor
        return f"{path}-update-{number}"
    return f"{path}#update-{number}"


@lru_cache(maxsize=65536)
def relative_link(from_page: str, target: str) -> str:
    """Shortest relative link between two output paths: works from any sub-path and from disk."""
    here = from_page.split("/")[:-1]
    there = target.split("/")
    common = 0
    while common < len(here) and common < len(there) - 1 and here[common] == there[common]:
        common += 1
    return "../" * (len(here) - common) + "/".join(there[common:])


def pretty_url(path: str) -> str:
    """The address a host serves a page at: 'timeline/index.html#x' -> 'timeline/#x'."""
    page, hash_, fragment = path.partition("#")
    if page.endswith("index.html"):
        page = page[: -len("index.html")]
    return page + hash_ + fragment
