"""The open data files (see opendata.py), produced item by item, each item kept serialised
until it, or something it shows, changes: editing one event does not serialise ten thousand.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import opendata, routes
from .finish import PageFinisher, absolute_url
from .markup import MarkdownRenderer, TextKey
from .pagecache import kept_lookups_key, lookups_key
from .resolve import ItemKey, Site


@dataclass(frozen=True)
class _Fragment:
    """One item of an open-data file, serialised, with what makes it stale."""

    valid: tuple[str, str]  # the item's fingerprint, the base URL
    lookups: frozenset[tuple[str, str]]
    lookups_key: str
    json: bytes
    texts: frozenset[TextKey]


class OpenDataProducer:
    """Makes the open data files of a site, reusing each item's JSON while it is valid. What the
    items looked up is checked here, item by item, so a file records no lookups of its own
    (the renderer produces it again whenever any item changed)."""

    def __init__(self, markdown: MarkdownRenderer, once: bool) -> None:
        self.markdown, self.once = markdown, once
        self._fragments: dict[tuple[str, str, str], _Fragment] = {}  # by (file, kind, id)
        # converted texts finished for open data (absolute links) and JSON-escaped, with what
        # finishing each looked up, while a render runs
        self._finished: dict[str, tuple[str, frozenset[tuple[str, str]]]] = {}
        self._changed: set[ItemKey] = set()

    def start(self, changed: set[ItemKey]) -> None:
        """A new render, after `changed` items changed."""
        self._changed, self._finished = changed, {}

    def done(self) -> None:
        self._finished = {}

    def keep_only(self, site: Site) -> None:
        """Forget the items the site no longer has."""
        self._fragments = {k: v for k, v in self._fragments.items() if (k[1], k[2]) in site.fingerprints}

    def produce(
        self, route: routes.Route, site: Site, base_url: str, finish: PageFinisher
    ) -> tuple[bytes, frozenset[TextKey]]:
        """The file of `route`, and the texts it shows."""
        texts: list[frozenset[TextKey]] = []

        def fragments(kind: str, make: Callable[..., dict[str, Any]]) -> list[bytes]:
            out = []
            known, fingerprints, changed = self._fragments, site.fingerprints, self._changed
            for item_id, item in site.by_kind[kind].items():  # (a loop over every item: kept tight)
                valid = (fingerprints[(kind, item_id)], base_url)
                cached = known.get((route.path, kind, item_id))
                if (
                    cached is None
                    or cached.valid != valid
                    or not (
                        cached.lookups.isdisjoint(changed)
                        or cached.lookups_key == lookups_key(cached.lookups, site)
                    )
                ):
                    cached = known[(route.path, kind, item_id)] = self._serialise(
                        item, make, valid, site, base_url, finish
                    )
                texts.append(cached.texts)
                out.append(cached.json)
            return out

        if route.producer == "collection":
            kind = route.context["kind"]
            content = opendata.collection_document(fragments(kind, functools.partial(opendata.item, kind)))
        elif route.producer == "timelinejs":
            content = opendata.timeline_document(site, fragments("event", opendata.timeline_event))
        else:
            content = opendata.dumps(opendata.index(functools.partial(absolute_url, base_url)))
        return content, frozenset().union(*texts)

    def _serialise(
        self,
        item: Any,
        make: Callable[..., dict[str, Any]],
        valid: tuple[str, str],
        site: Site,
        base_url: str,
        finish: PageFinisher,
    ) -> _Fragment:
        own: set[tuple[str, str]] = set()
        stand_ins: dict[str, str] = {}  # (see opendata.fragment)
        root = absolute_url(base_url)
        self.markdown.used = set()

        def html_of(text: str, prefix: str, inline: bool) -> str:
            rendered = self.markdown.inline(text) if inline else self.markdown.block(text, prefix)
            # (an event's text is in two files: finished and escaped once, with what it
            # looked up; the item gets a stand-in, which the fragment replaces)
            known = self._finished.get(rendered)
            if known is None:
                lookups: set[tuple[str, str]] = set()
                html = opendata.escaped(finish(rendered, root, lookups, standalone=True))
                known = self._finished[rendered] = (html, frozenset(lookups))
            own.update(known[1])
            stand_in = opendata.stand_in(len(stand_ins))
            stand_ins[stand_in] = known[0]
            return stand_in

        json_text = opendata.fragment(
            make(item, html_of, functools.partial(absolute_url, base_url)), stand_ins
        )
        return _Fragment(
            valid,
            frozenset(own),
            kept_lookups_key(own, site, self.once),
            json_text,
            frozenset(self.markdown.used),
        )
