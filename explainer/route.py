"""What one output file is: a `Route`, the product of planning the site's pages.

Paths are relative to the output root and always name the file (`timeline/index.html`), so
every link works from a sub-path and when the site is opened straight from disk; templates turn
them into links relative to the page that holds them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .dates import PartialDate

Origin = tuple[str, str]  # (family, member): what a route shows, so it can be built again alone


@dataclass(frozen=True)
class Route:
    """One output file: where it goes, which template renders it, and with what."""

    path: str
    template: str
    title: str
    context: dict[str, Any] = field(default_factory=dict)
    description: str | None = None
    lastmod: PartialDate | None = None
    og_type: str = "website"
    producer: str = ""  # for files made without a template: see opendata.py
    in_sitemap: bool = True
    absolute_links: bool = False  # root-relative links, for pages served at any depth (404)
    origin: Origin = ("", "")  # to build it again alone: see routes.rebuild()
    kind: str = ""  # the kind of item the page shows ('event'), or '' (for search results)

    @property
    def section(self) -> str:
        """First path segment, for marking the current section in navigation."""
        return self.path.split("/", 1)[0] if "/" in self.path else ""
