"""`check`: everything a build does, in memory, plus a link check of the result.

Every internal link and every `#fragment` of every page must lead somewhere that exists. Output
is machine-made with double-quoted attributes, so a regular expression finds ids and links
reliably and fast (a full HTML parse would cost more than the build).
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import unquote, urlsplit

from .errors import ContentError, Location

_ID = re.compile(rb'\sid="([^"]+)"')
_LINK = re.compile(rb'\s(?:href|src)="([^"]*)"')


def broken_links(files: dict[str, bytes], base_path: str) -> list[ContentError]:
    """Internal links that lead nowhere, as errors located at the page that holds them.

    `base_path` is the path part of the base URL ('/gaza-talks/'): root-relative links (the 404
    page's) start with it.
    """
    pages = {path: data for path, data in files.items() if path.endswith(".html")}
    ids = {path: {match.decode() for match in _ID.findall(data)} for path, data in pages.items()}
    problems: list[ContentError] = []
    for path, data in pages.items():
        for raw in dict.fromkeys(_LINK.findall(data)):
            link = raw.decode().replace("&amp;", "&")
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith(("mailto:", "data:")):
                continue
            if parts.path.startswith("/"):
                if not parts.path.startswith(base_path):
                    problems.append(
                        ContentError(
                            Location(path, 1), f"link '{link}' is outside the site's base path {base_path}"
                        )
                    )
                    continue
                target = parts.path[len(base_path) :]
            else:
                target = (
                    posixpath.normpath(posixpath.join(posixpath.dirname(path), unquote(parts.path)))
                    if parts.path
                    else path
                )
            if target.endswith("/") or target in ("", "."):
                target = posixpath.join(target, "index.html").lstrip("./") or "index.html"
            if target.startswith("../") or target not in files:
                problems.append(
                    ContentError(Location(path, 1), f"broken link '{link}': {target} does not exist")
                )
            elif parts.fragment and target in ids and unquote(parts.fragment) not in ids[target]:
                problems.append(
                    ContentError(
                        Location(path, 1), f"broken link '{link}': {target} has no id '{parts.fragment}'"
                    )
                )
    return problems
