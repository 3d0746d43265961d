"""The content kinds, each declared once: where its files are, its schema, where it is shown,
how it is named and ordered. Loading, validation, references, URLs, open data, update notes,
source pages and `new` all read this table; a kind with a page per item and no page builder
of its own in itempages.py gets the generic one (its template is `<name>.html`, given `item`).

To add a kind: a schema in model.py, a `Kind` here (or `declare()` before the build modules
are imported), and its templates. See docs/ARCHITECTURE.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .model import Actor, Event, MapFeature, Noted, Page, Phase, Quote, Source, StickingPoint, Strict, Term


def _by_title(item: Any) -> Any:
    return (item.title.casefold(), item.id)


@dataclass(frozen=True)
class Kind:
    name: str  # as code, references and open data name it: 'sticking_point'
    schema: type[Strict]
    label: str  # in messages: 'sticking point'
    group: str  # a heading over items of this kind: 'Sticking points'
    folder: str | None = None  # one Markdown file an item, in site_src/<folder>/
    list_file: str | None = None  # or one YAML list, site_src/<list_file>
    section: str | None = None  # a page an item, at <section>/<id>/index.html
    list_page: str | None = None  # or an entry an item on <list_page>/index.html
    anchor: str = ""  # such an entry's id, before the item's id
    data: str | None = None  # its open data file: data/<data>.json
    xref: str | None = None  # how Markdown links to it: [[<xref>:id]]
    title_field: str = "title"  # the field that names an item in links
    order: Callable[[Any], Any] = _by_title  # the order readers see (a sort key)
    changes_label: str = ""  # how the changes page names its section ('' = group)

    @property
    def noted(self) -> bool:
        """Whether its items carry update and correction notes."""
        return issubclass(self.schema, Noted)

    @property
    def home(self) -> str:
        """Where its files are, as an editor would look for them."""
        return self.folder or self.list_file or ""


KINDS: dict[str, Kind] = {}


def declare(kind: Kind) -> Kind:
    """Add a kind (in the order sections and lists show them)."""
    KINDS[kind.name] = kind
    return kind


for _kind in (
    Kind(
        "event",
        Event,
        "event",
        "Events",
        folder="events",
        section="timeline",
        data="events",
        xref="event",
        # a date known to the month sorts before the days of that month (PartialDate's
        # order); events of one date by their `order` (checked in resolve._same_day_problems)
        order=lambda i: (i.date, i.order or 0, i.end_date or i.date, i.id),
        changes_label="Event",
    ),
    Kind(
        "actor",
        Actor,
        "actor",
        "People, organisations and states",
        folder="actors",
        section="actors",
        data="actors",
        xref="actor",
        title_field="name",
        order=lambda i: (i.name.casefold(), i.id),
        changes_label="Who is who",
    ),
    Kind(
        "phase",
        Phase,
        "phase",
        "Phases of the deal",
        folder="phases",
        section="deal",
        data="phases",
        xref="phase",
        order=lambda i: (i.number, i.id),
        changes_label="The deal",
    ),
    Kind(
        "sticking_point",
        StickingPoint,
        "sticking point",
        "Sticking points",
        folder="sticking_points",
        section="sticking-points",
        data="sticking-points",
        xref="sticking-point",
        order=lambda i: (i.order is None, i.order or 0, i.title.casefold(), i.id),
        changes_label="Sticking point",
    ),
    Kind(
        "quote",
        Quote,
        "quote",
        "Quotes",
        list_file="quotes.yaml",
        list_page="quotes",
        anchor="quote-",
        data="quotes",
        order=lambda i: (i.date, i.id),
    ),
    Kind(
        "source",
        Source,
        "source",
        "Sources",
        list_file="sources.yaml",
        list_page="sources",
        anchor="source-",
        data="sources",
        order=lambda i: (i.publisher.casefold(), i.date.iso() if i.date else "", i.id),
    ),
    Kind(
        "term",
        Term,
        "glossary term",
        "Glossary terms",
        list_file="glossary.yaml",
        list_page="glossary",
        anchor="term-",
        data="glossary",
        xref="term",
        title_field="term",
        order=lambda i: (i.term.casefold(), i.id),
        changes_label="Glossary",
    ),
    Kind(
        "map_feature",
        MapFeature,
        "map feature",
        "The map",
        list_file="map.yaml",
        list_page="deal",  # the deal page shows the map, its notes anchored 'map-<id>'
        anchor="map-",
        data="map",
        title_field="name",
        order=lambda i: (i.name.casefold(), i.id),
        changes_label="Map",
    ),
    Kind(
        "page",
        Page,
        "page",
        "Pages",
        folder="pages",
        data="pages",
        order=lambda i: i.id,
        changes_label="Page",
    ),
):
    declare(_kind)
