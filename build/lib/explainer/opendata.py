"""Open data: the content as JSON under data/, for other newsrooms to reuse.

Each collection is one file (data/events.json, ...) holding a list of its items with every
field, dates as written (YYYY, YYYY-MM or YYYY-MM-DD), the Markdown as the editors wrote it,
the same text as HTML (links absolute, citations pointing at the sources page), and the URL of
the item's page. data/timeline.json is the timeline in TimelineJS's format, and data/index.json
lists the files. The format is documented in the README.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from .dates import PartialDate
from .model import Strict, field_roles, text_key
from .resolve import Site
from .routes import DATA_FILES
from .urls import item_path

HtmlOf = Callable[[str, str, bool], str]  # (markdown, id prefix, inline) -> standalone HTML
# What stands for a text's HTML in an item until fragment() puts it in, already escaped: a
# character the loader strips from content, so no text holds one.
_STAND_IN = "\ue00f"


def _plain(value: Any, html_of: HtmlOf, prefix: str) -> Any:
    """A field as JSON: dates as strings, nested items as objects, Markdown with its HTML."""
    if isinstance(value, PartialDate):
        return value.iso()
    if isinstance(value, Strict):
        return _item(value, html_of, prefix)
    if isinstance(value, list):
        return [_plain(element, html_of, prefix) for element in value]
    return value


def _item(item: Strict, html_of: HtmlOf, prefix: str) -> dict[str, Any]:
    data: dict[str, Any] = {}
    markdown = _markdown_fields(type(item))
    for name in type(item).model_fields:
        value = getattr(item, name)
        if name == "draft" or value is None or value == [] or value == "":
            continue
        data[name] = _plain(value, html_of, prefix)
        if name in markdown:
            data[f"{name}_html"] = html_of(
                value, *text_key(prefix, () if name == "body" else (name,), type(item))
            )
    return data


@functools.cache
def _markdown_fields(schema: type[Strict]) -> frozenset[str]:
    """The fields the schema declares Markdown (a quote's `text` is the exact words, not Markdown)."""
    return frozenset(role.name for role in field_roles(schema) if role.markdown)


def item(kind: str, value: Any, html_of: HtmlOf, absolute: Callable[[str], str]) -> dict[str, Any]:
    """One published item as open data, with the URL of its page."""
    data = _item(value, html_of, value.id)
    data["url"] = absolute(item_path(kind, value.id))
    return data


def _timeline_date(date: PartialDate) -> dict[str, int]:
    parts = {"year": date.year}
    if date.month:
        parts["month"] = date.month
    if date.day:
        parts["day"] = date.day
    return parts


def timeline_event(event: Any, html_of: HtmlOf, absolute: Callable[[str], str]) -> dict[str, Any]:
    """One event in TimelineJS's JSON format (https://timeline.knightlab.com/docs/json-format.html)."""
    entry: dict[str, Any] = {
        "unique_id": event.id,
        "start_date": _timeline_date(event.date),
        "text": {
            "headline": event.title,
            "text": html_of(event.body, event.id, False)
            + f'<p><a href="{absolute(item_path("event", event.id))}">Full account and sources</a></p>',
        },
        "group": "Key events" if event.importance == "key" else "Other events",
    }
    if event.end_date:
        entry["end_date"] = _timeline_date(event.end_date)
    if event.display_date:
        entry["display_date"] = event.display_date
    return entry


def index(absolute: Callable[[str], str]) -> dict[str, Any]:
    """What data/ holds, for discovery."""
    return {
        "description": "Open data of this explainer; see the README of the generator for the format.",
        "files": {name: absolute(path) for name, path in DATA_FILES.items()},
    }


def dumps(data: Any) -> bytes:
    """Stable, readable JSON (same input, same bytes)."""
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def escaped(text: str) -> str:
    """`text` as it is inside a JSON string (fragment's escaping)."""
    return json.dumps(text, ensure_ascii=False)[1:-1]


def stand_in(number: int) -> str:
    """The `number`th stand-in of an item (see fragment)."""
    return f"{_STAND_IN}{number}{_STAND_IN}"


def fragment(data: Any, stand_ins: dict[str, str]) -> bytes:
    """One element of a JSON list, on one line: lists are assembled from cached elements, one
    per line (easy to diff, and written by json's C encoder, several times faster than the
    indented form). Kept as UTF-8: joining bytes is all an edit then costs.

    `stand_ins`: stand-ins in `data`'s strings, and the escaped text each stands for. JSON
    escapes a string character by character, so a text escaped once can go into every
    string that holds it: an event's HTML is in two files, and escaping it the second time
    (about 11 ns a character here) was a tenth of producing them."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for placeholder, escaped_text in stand_ins.items():
        text = text.replace(placeholder, escaped_text)
    return text.encode("utf-8")


def _document(head: bytes, fragments: list[bytes], tail: bytes) -> bytes:
    """head + a JSON list of fragment() elements, one a line, + tail. One join makes the
    whole file (each `+` on a list of 10,000 events would copy it again)."""
    if not fragments:
        return head + b"[]" + tail
    if len(fragments) == 1:
        return head + b"[\n" + fragments[0] + b"\n]" + tail
    return b",\n".join([head + b"[\n" + fragments[0], *fragments[1:-1], fragments[-1] + b"\n]" + tail])


def collection_document(fragments: list[bytes]) -> bytes:
    """data/<collection>.json from its already serialised items."""
    return _document(b"", fragments, b"\n")


def timeline_document(site: Site, event_fragments: list[bytes]) -> bytes:
    """data/timeline.json from its title and already serialised events."""
    title = {"text": {"headline": site.config.title, "text": site.config.description}}
    head, _, tail = dumps({"title": title, "events": None}).partition(b'"events": null')
    return _document(head + b'"events": ', event_fragments, tail)
