"""What search engines and link previews read: schema.org JSON-LD for each page.

Types are chosen to be accurate: the site is a WebSite, an event page describes an Event, an
actor page a Person or an Organization (a GovernmentOrganization for a state), and every other page is a
WebPage of the site. The JSON is escaped so that no text from content can close the <script>
element that carries it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from .dates import human_range
from .kinds import KINDS
from .model import Actor, Event
from .resolve import Site
from .routes import Route

# A state acts in the talks through its government: an Organization of that kind.
_ACTOR_TYPES = {"person": "Person", "organisation": "Organization", "state": "GovernmentOrganization"}


def json_ld(route: Route, site: Site, absolute: Callable[[str], str]) -> dict[str, Any]:
    """The structured data for one page; `absolute` turns an output path into a full URL."""
    url = absolute(route.path)
    website = {"@type": "WebSite", "name": site.config.title, "url": absolute("index.html")}
    event: Event | None = route.context.get("event")
    actor: Actor | None = route.context.get("actor")
    if route.path == "index.html":
        data: dict[str, Any] = {
            **website,
            "description": site.config.description,
            "inLanguage": site.config.language,
        }
    elif event is not None:
        data = {"@type": "Event", "name": event.title, "startDate": event.date.iso(), "url": url}
        if event.end_date:
            data["endDate"] = event.end_date.iso()
        if event.location:
            data["location"] = {"@type": "Place", "name": event.location}
    elif actor is not None:
        data = {"@type": _ACTOR_TYPES[actor.kind], "name": actor.name, "url": url}
        if actor.kind == "person":
            data["jobTitle"] = actor.role
        if actor.affiliation:
            affiliation = site.actors[actor.affiliation]
            key = "affiliation" if actor.kind == "person" else "parentOrganization"
            data[key] = {"@type": _ACTOR_TYPES[affiliation.kind], "name": affiliation.name}
    else:
        data = {"@type": "WebPage", "name": route.title, "url": url, "isPartOf": website}
    if route.description and "description" not in data:
        data["description"] = route.description
    return {"@context": "https://schema.org", **data}


def script_json(data: Any) -> str:
    """JSON safe inside <script>: '<', '>' and '&' escaped, so '</script>' cannot appear."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def kind_and_date(route: Route) -> tuple[str, str]:
    """What a page is ('Event', 'Actor', ... 'Overview' for the rest) and, for an event, when."""
    kind = KINDS[route.kind].label.capitalize() if route.kind else "Overview"
    event = route.context.get("event") if route.kind == "event" else None
    return kind, human_range(event.date, event.end_date) if event is not None else ""


def page_kind(route: Route) -> str:
    """What a page is, and when for an event, in one line: 'Event · 15–16 August 2024'."""
    return " · ".join(part for part in kind_and_date(route) if part)
