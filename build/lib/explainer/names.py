"""The rules for names and addresses: ids are lowercase slugs, web addresses are http(s).

Kept apart from the schemas so the command line and `new` can use them without loading
pydantic.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def slugify(text: str) -> str:
    """Lowercase-hyphen id for a title: 'Talks resume in Cairo!' -> 'talks-resume-in-cairo'."""
    return "-".join(re.findall(r"[a-z0-9]+", text.lower())) or "item"


def web_url_problem(text: str) -> str | None:
    """What is wrong with an address as a web URL, or None when it is one."""
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in text):
        return f"'{text[:80]}' is not a web address: use a full http:// or https:// URL"
    return None
