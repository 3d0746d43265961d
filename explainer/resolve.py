"""Stage 3, resolve: check every reference, then link the site both ways, once.

Which fields hold references and which hold Markdown is declared in model.py (with fields.py's `Ref` and
`Markdown`), so this module walks every item generically: a reference to a missing id, in a
field or inside Markdown (`[@source]`, `[[actor]]`), is an error at its line. While walking it
records who refers to what, so every backlink (actor -> events, source -> citing items, ...) is
a dictionary lookup later, never a search over all items.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple

from .errors import ContentError, did_you_mean
from .kinds import KINDS
from .limits import explosive_shapes
from .load import KeyPath, Record, fingerprint
from .model import (
    Actor,
    Event,
    MapFeature,
    Page,
    Phase,
    Position,
    Quote,
    SiteConfig,
    Source,
    StickingPoint,
    Strict,
    Term,
    field_roles,
)
from .references import SPLIT_MARKUP_RE, XREF_KINDS, references
from .urls import RESERVED_PAGE_IDS
from .validate import Content

_KIND_OF_TYPE: dict[type, str] = {kind.schema: kind.name for kind in KINDS.values()}


class Referrer(NamedTuple):
    """An item that refers to another, and the field where it does. (A tuple: a site holds
    one for every reference, 260,000 at 10,000 events, and tuples are made fastest.)"""

    kind: str
    id: str
    path: KeyPath


ItemKey = tuple[str, str]  # (kind, id)
_GENERATIONS = itertools.count(1)


@dataclass(frozen=True)
class Delta:
    """How a site differs from the one resolved before it (generation `since`) when only the
    prose of some items changed: every reference, title, date and order is as it was."""

    since: int
    changed: frozenset[ItemKey]


@dataclass
class Site:
    """The linked site: items by kind in display order, and who refers to whom."""

    config: SiteConfig
    by_kind: dict[str, dict[str, Any]]  # every kind of kinds.py: items by id, in display order
    referrers: dict[tuple[str, str], list[Referrer]] = field(default_factory=dict)
    fingerprints: dict[tuple[str, str], str] = field(default_factory=dict)  # changes with the item
    drafts: int = 0
    generation: int = field(default_factory=lambda: next(_GENERATIONS))
    delta: Delta | None = None  # set when this site is an earlier one with prose edits
    titles_key: str = ""  # see titles_fingerprint(); carried over by prose edits

    # the kinds the pages are made of, by name (routes and templates ask for them)
    events: dict[str, Event] = field(init=False, repr=False)
    actors: dict[str, Actor] = field(init=False, repr=False)
    phases: dict[str, Phase] = field(init=False, repr=False)
    sticking_points: dict[str, StickingPoint] = field(init=False, repr=False)
    quotes: dict[str, Quote] = field(init=False, repr=False)
    sources: dict[str, Source] = field(init=False, repr=False)
    terms: dict[str, Term] = field(init=False, repr=False)
    pages: dict[str, Page] = field(init=False, repr=False)
    map_features: dict[str, MapFeature] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        by_kind = self.by_kind
        self.events, self.actors, self.phases = by_kind["event"], by_kind["actor"], by_kind["phase"]
        self.sticking_points, self.quotes = by_kind["sticking_point"], by_kind["quote"]
        self.sources, self.terms, self.pages = by_kind["source"], by_kind["term"], by_kind["page"]
        self.map_features = by_kind["map_feature"]

    def titles_fingerprint(self) -> str:
        """A fingerprint of every title (page descriptions show linked titles), worked out
        once: a prose edit changes no title, so its site keeps the earlier one's."""
        if not self.titles_key:
            self.titles_key = fingerprint("\0".join(self.title(kind, i) for kind, i in self.fingerprints))
        return self.titles_key

    def kind_of(self, item: Any) -> str | None:
        """The kind of a published item ('event', ...), or None for anything else."""
        kind = _KIND_OF_TYPE.get(type(item))
        return kind if kind and self.by_kind[kind].get(item.id) is item else None

    def get(self, kind: str, item_id: str) -> Any:
        return self.by_kind[kind][item_id]

    def owner_of(self, value: Any) -> ItemKey | None:
        """The item a nested object (a position, a provision...) is part of."""
        return self._owners.get(id(value))

    @cached_property
    def _owners(self) -> dict[int, ItemKey]:
        owners: dict[int, ItemKey] = {}

        def claim(owner: ItemKey, model: Strict) -> None:
            for role in field_roles(type(model)):
                if role.nested:
                    for child in getattr(model, role.name):
                        owners[id(child)] = owner
                        claim(owner, child)

        for kind, items in self.by_kind.items():
            for item in items.values():
                claim((kind, item.id), item)
        return owners

    def title(self, kind: str, item_id: str) -> str:
        """How an item is named in links."""
        item = self.get(kind, item_id)
        if kind == "source":
            return item.label
        if kind == "quote":
            return f"Quote from {self.title('actor', item.speaker)}, {item.date.human()}"
        return getattr(item, KINDS[kind].title_field)

    def referring(self, kind: str, item_id: str, owner_kind: str, field_name: str) -> list[Any]:
        """Items of `owner_kind` whose field `field_name` names (kind, item_id), once each, in
        display order. Backlinks follow these tags, never a mention in prose: an event that
        names Israel in its text is not thereby an event Israel took part in."""
        seen: dict[str, Any] = {}
        for ref in self.referrers.get((kind, item_id), ()):
            if ref.kind == owner_kind and ref.id not in seen and ref.path and ref.path[0] == field_name:
                seen[ref.id] = self.get(owner_kind, ref.id)
        return list(seen.values())

    def citing(self, source_id: str) -> list[tuple[str, str]]:
        """Everything that cites a source, as (kind, id) pairs, once each."""
        return list(
            dict.fromkeys((ref.kind, ref.id) for ref in self.referrers.get(("source", source_id), ()))
        )

    def positions_of(self, actor_id: str) -> list[tuple[StickingPoint, Position]]:
        """The stances an actor takes, with the sticking point each is on."""
        pairs = []
        for ref in self.referrers.get(("actor", actor_id), ()):
            if ref.kind == "sticking_point" and ref.path[:1] == ("positions",) and ref.path[-1] == "actor":
                point = self.sticking_points[ref.id]
                pairs.append((point, point.positions[int(ref.path[1])]))
        return pairs


def _display_order(kind: str, items: dict[str, Any]) -> dict[str, Any]:
    """The order readers see (kinds.py: time for events and quotes, sequence for phases...)."""
    return {item.id: item for item in sorted(items.values(), key=KINDS[kind].order)}


def walk(item: Strict, path: KeyPath = ()) -> Iterator[tuple[str, KeyPath, Any]]:
    """Yield ('ref', path, (kind, id)) and ('text', path, markdown) for every field that needs it."""
    for role in field_roles(type(item)):
        value = getattr(item, role.name)
        here = (*path, role.name)
        if role.nested:
            for index, child in enumerate(value):
                yield from walk(child, (*here, index))
        elif role.ref and isinstance(value, list):
            for index, target in enumerate(value):
                yield "ref", (*here, index), (role.ref, target)
        elif role.ref and value is not None:
            yield "ref", here, (role.ref, value)
        elif role.markdown and value:
            yield "text", (() if role.name == "body" else here), value


class _Resolver:
    def __init__(self, content: Content):
        self.content = content
        self.errors: list[ContentError] = []
        self.referrers: dict[tuple[str, str], list[Referrer]] = defaultdict(list)

    def missing(self, kind: str, target: str) -> str:
        """Why an id does not resolve, and what to write instead."""
        label = KINDS[kind].label if kind in KINDS else kind
        if (kind, target) in self.content.drafts:
            draft = self.content.drafts[(kind, target)]
            return f"{label} '{target}' is a draft ({draft.file}); publish it (remove 'draft: true') or drop this reference"
        known = self.content.items[kind]
        hint = did_you_mean(target, known) or f"; {label}s are listed in site_src/{KINDS[kind].home}"
        return f"unknown {label} '{target}'{hint}"

    def refer(self, owner: Referrer, kind: str, target: str) -> str | None:
        """Record a reference; what is wrong with it, if anything (the caller locates that:
        a location is worked out only for a reference that is wrong)."""
        if target in self.content.items[kind]:
            self.referrers[(kind, target)].append(owner)
        elif (kind, target) not in self.content.failed and kind not in self.content.unavailable:
            return self.missing(kind, target)
        return None

    def item(self, kind: str, item: Any, record: Record) -> None:
        for what, path, value in walk(item):
            owner = Referrer(kind, item.id, path)
            if what == "ref":
                problem = self.refer(owner, *value)
                if problem:
                    self.errors.append(ContentError(record.at(path), problem))
                continue
            explosive = list(explosive_shapes(value))
            for line, problem in explosive or split_markup(value):
                self.errors.append(ContentError(record.text_at(path, line), problem))
            if explosive:
                continue
            for ref in references(value):
                if not ref.kind:
                    choices = ", ".join(XREF_KINDS)
                    problem = f"unknown link type '{ref.written}:'{did_you_mean(ref.written, XREF_KINDS)}; use one of {choices}"
                else:
                    problem = self.refer(owner, ref.kind, ref.id)
                if problem:
                    line = value.count("\n", 0, ref.position)
                    self.errors.append(ContentError(record.text_at(path, line), problem))

    def checks(self, kind: str, item: Any, record: Record) -> None:
        """Rules that involve more than one field or item."""
        if kind == "actor" and item.affiliation == item.id:
            self.errors.append(
                ContentError(
                    record.at(("affiliation",)),
                    "an actor cannot be affiliated with itself; name the organisation or state it belongs to",
                )
            )
        if kind == "page" and item.id in RESERVED_PAGE_IDS:
            self.errors.append(
                ContentError(
                    record.at(), f"the page id '{item.id}' is taken by a section of the site; rename the file"
                )
            )


def split_markup(text: str) -> Iterator[tuple[int, str]]:
    """(line within the text, what is wrong) for each citation or link split across lines,
    which Markdown would show as typed."""
    for split in SPLIT_MARKUP_RE.finditer(text):
        what = "citation" if split.group().startswith("[@") else "link"
        written = split.group().strip()
        yield (
            text.count("\n", 0, split.start()),
            f"this {what} is split across lines ('{written[:40]}{'…' if len(written) > 40 else ''}'); "
            f"keep it on one line, from '{split.group()[:2]}' to its closing bracket",
        )


def text_problems(text: str) -> Iterator[tuple[int, str]]:
    """Why a text cannot be converted as it is: a shape Markdown would take minutes on (see
    limits.py; nothing else is read from such a text, as even finding its links would crawl),
    or split citations and links."""
    explosive = list(explosive_shapes(text))
    yield from explosive or split_markup(text)


def _same_day_problems(events: dict[str, Event], content: Content) -> list[ContentError]:
    """Events that share a date must say which came first: the timeline and the Earlier/Later
    links would otherwise order them by file name, which tells the reader something untrue."""
    by_date: dict[Any, list[Event]] = defaultdict(list)
    for event in events.values():
        by_date[event.date].append(event)
    errors = []
    for date, group in by_date.items():
        if len(group) < 2:
            continue
        orders = [event.order for event in group]
        for event in group:
            if event.order is not None and orders.count(event.order) == 1:
                continue
            others = ", ".join(e.id for e in group if e is not event)
            said = (
                "has no 'order'"
                if event.order is None
                else f"has the same 'order' ({event.order}) as another"
            )
            record = content.origins[("event", event.id)]
            errors.append(
                ContentError(
                    record.at(("order",) if event.order is not None else ("date",)),
                    f"this event shares the date {date.human()} with {others} and {said}; "
                    f"give each of them a different 'order' (1, 2, ...) in the order they happened",
                )
            )
    return errors


def shape(item: Strict) -> tuple[Any, ...]:
    """An item as the rest of the site sees it: every field but its prose, and the references
    its prose makes, in order. Two versions of an item with the same shape differ only in text
    that is shown where the item itself is."""
    roles = {role.name: role for role in field_roles(type(item))}
    parts: list[Any] = [type(item).__name__]
    for name in type(item).model_fields:
        value = getattr(item, name)
        role = roles.get(name)
        if role and role.nested:
            parts.append(tuple(shape(child) for child in value))
        elif role and role.markdown:
            parts.append(tuple((ref.kind, ref.id, ref.written) for ref in references(value or "")))
        else:
            parts.append(tuple(value) if isinstance(value, list) else value)
    return tuple(parts)


def _with_prose_edits(content: Content, previous: Site) -> Site | None:
    """`previous` with the changed items swapped in, when only their prose changed (the usual
    edit while writing): then every reference, backlink and order is what resolving again
    would find, and the site records which items changed. None when anything else changed."""
    if content.site is None or content.site != previous.config or content.failed or content.unavailable:
        return None
    fingerprints = {key: record.fingerprint for key, record in content.origins.items()}
    if fingerprints.keys() != previous.fingerprints.keys() or len(content.drafts) != previous.drafts:
        return None
    changed = [key for key, value in fingerprints.items() if previous.fingerprints[key] != value]
    # a text that must not be converted as it is: resolving in full reports it at its line
    for kind, item_id in changed:
        for what, _, value in walk(content.items[kind][item_id]):
            if what == "text" and next(text_problems(value), None):
                return None
    if any(shape(content.items[kind][i]) != shape(previous.get(kind, i)) for kind, i in changed):
        return None
    ordered = dict(previous.by_kind)
    for kind in {kind for kind, _ in changed}:
        ordered[kind] = {item_id: content.items[kind][item_id] for item_id in previous.by_kind[kind]}
    return _site(
        content.site,
        ordered,
        referrers=previous.referrers,
        fingerprints=fingerprints,
        drafts=previous.drafts,
        delta=Delta(previous.generation, frozenset(changed)),
        titles_key=previous.titles_fingerprint(),
    )


def _site(config: SiteConfig, ordered: dict[str, dict[str, Any]], **rest: Any) -> Site:
    """A Site from its items by kind, in display order (in the order kinds.py declares them)."""
    return Site(config=config, by_kind={kind: ordered[kind] for kind in KINDS}, **rest)


def resolve(content: Content, previous: Site | None = None) -> tuple[Site | None, list[ContentError]]:
    """Check references and build the linked Site (None when site.yaml itself is invalid).

    `previous`: the last site resolved without errors; when the content differs from it only
    in prose, it is reused (see _with_prose_edits) instead of walking every item again."""
    if previous is not None and (site := _with_prose_edits(content, previous)) is not None:
        return site, []
    resolver = _Resolver(content)
    ordered = {kind: _display_order(kind, items) for kind, items in content.items.items()}
    numbers: dict[int, Record] = {}
    for kind, items in ordered.items():
        for item in items.values():
            record = content.origins[(kind, item.id)]
            resolver.item(kind, item, record)
            resolver.checks(kind, item, record)
            if kind == "phase":
                if item.number in numbers:
                    first = numbers[item.number]
                    resolver.errors.append(
                        ContentError(
                            record.at(("number",)),
                            f"phase number {item.number} is already used by {first.file}; number phases 1, 2, 3...",
                        )
                    )
                numbers[item.number] = record
    resolver.errors += _same_day_problems(ordered["event"], content)
    if content.site is None:
        return None, resolver.errors
    site = _site(
        content.site,
        ordered,
        referrers=dict(resolver.referrers),
        fingerprints={key: record.fingerprint for key, record in content.origins.items()},
        drafts=len(content.drafts),
    )
    return site, resolver.errors
