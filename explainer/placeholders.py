"""Placeholders left in content: example.org and example.com addresses, TODO and TK marks,
Lorem ipsum, and headings with nothing under them. `check` warns about each (at its file and
line) and `build --strict` refuses to publish them; a plain build leaves them be, so drafts
in progress still preview. Items marked `draft: true` are not published, so not checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from .errors import ContentError
from .load import Record

# (TK: "to come", the newsroom's mark for a fact still to be filled in)
_MARKS = re.compile(
    r"(?P<address>\bhttps?://(?:[\w-]+\.)*example\.(?:org|com|net)\b[^\s)\]>\"']*)"
    r"|(?P<mark>\b(?:TODO|TK|FIXME)\b)"
    r"|(?P<lorem>\blorem ipsum\b)",
    re.IGNORECASE,
)
_HEADING = re.compile(r"^(#{1,6})\s+\S")
_FENCE = re.compile(r"^\s*(```|~~~)")


def _texts(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Every text in a record's fields, with its key path."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _texts(item, (*path, index))


REAL_ADDRESS = "replace it with the real one"
PUBLISHED_ADDRESS = "set where the site will be published, or pass --base-url"  # (site.yaml's base_url)


def _marks(text: str, address_fix: str = REAL_ADDRESS) -> Iterator[tuple[int, str]]:
    """(line offset, what is wrong) for every placeholder mark in a text."""
    for offset, line in enumerate(text.splitlines()):
        for found in _MARKS.finditer(line):
            if found["address"]:
                what = f"placeholder address {found['address'].rstrip('.,;:')}: {address_fix}"
            elif found["mark"] and found["mark"].isupper():
                what = f"'{found['mark']}' left in the text: fill in what it marks, then remove it"
            elif found["lorem"]:
                what = "Lorem ipsum placeholder text: write the real text"
            else:
                continue  # ('todo' in lowercase is a word, not a mark)
            yield offset, what


def _empty_sections(text: str) -> Iterator[tuple[int, str]]:
    """Headings with nothing under them (no text, no subsection) before the next heading of
    the same level or higher, or the end."""
    open_headings: list[list[Any]] = []  # [line offset, level, title, has content], outermost first
    in_fence = ""  # the fence that opened the code block we are in, if any

    def close(level: int) -> Iterator[tuple[int, str]]:
        while open_headings and open_headings[-1][1] >= level:
            offset, _, title, filled = open_headings.pop()
            if not filled:
                yield offset, f"the section '{title}' is empty: write it, or remove the heading"

    for offset, line in enumerate(text.splitlines()):
        fence = _FENCE.match(line)
        if fence and (not in_fence or fence.group(1) == in_fence):
            in_fence = "" if in_fence else fence.group(1)  # (a fence closes only with its own kind)
        heading = None if in_fence else _HEADING.match(line)
        if heading:
            level = len(heading.group(1))
            yield from close(level)
            for outer in open_headings:
                outer[3] = True  # (a subsection is content)
            open_headings.append([offset, level, line.lstrip("#").strip(), False])
        elif line.strip():
            for outer in open_headings:
                outer[3] = True
    yield from close(1)


def placeholders(records: list[Record], base_url_given: bool) -> list[ContentError]:
    """Every placeholder in the records that are published, in file order.
    `base_url_given`: --base-url replaces site.yaml's, so a placeholder there does not count."""
    found: list[ContentError] = []
    for record in records:
        if record.data.get("draft") is True:
            continue
        for path, text in _texts(record.data):
            base_url = record.kind == "site" and path == ("base_url",)
            if base_url and base_url_given:
                continue
            for offset, what in _marks(text, PUBLISHED_ADDRESS if base_url else REAL_ADDRESS):
                found.append(
                    ContentError(record.text_at(path, offset if path in record.text_lines else 0), what)
                )
        if record.body:
            for offset, what in [*_marks(record.body), *_empty_sections(record.body)]:
                found.append(ContentError(record.text_at((), offset), what))
    return sorted(found, key=lambda error: (error.location.file, error.location.line))
