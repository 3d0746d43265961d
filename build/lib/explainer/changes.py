"""The published record of what changed: every item's dated `updates:` notes, site-wide.

Readers are told of every change to what the site states. Each item shows its own notes; this
module gathers them for the changes page, the start page's "last changed" line, the Atom feed
(one entry per note, so subscribers learn of corrections) and the feed's own date, which is
the newest note or event date and never the build time (builds stay byte-reproducible).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .dates import PartialDate
from .kinds import KINDS

if TYPE_CHECKING:
    from .resolve import Site


@dataclass(frozen=True)
class ChangeNote:
    """One update or correction note, with the item it is on."""

    kind: str  # the item's kind ('event', ...)
    item_id: str
    item_title: str
    number: int  # its place among the item's notes, from 1: part of its permanent id
    date: PartialDate
    change: str  # 'correction' or 'update'
    note: str  # Markdown
    path: str  # where the note is shown: its item's page, at the note
    # the item itself: so a page listing the note is among those an edit of the item rebuilds
    item: Any = field(compare=False, repr=False)

    @property
    def kind_label(self) -> str:
        kind = KINDS[self.kind]
        return kind.changes_label or kind.group


def change_notes(site: Site, note_path: Callable[[str, str, int], str]) -> list[ChangeNote]:
    """Every note of every published item, newest first (then by item title: stable).
    `note_path(kind, id, number)`: where the item's page shows that note."""
    notes = [
        ChangeNote(
            kind,
            item.id,
            site.title(kind, item.id),
            number,
            update.date,
            update.kind,
            update.note,
            note_path(kind, item.id, number),
            item,
        )
        for kind in [name for name, kind in KINDS.items() if kind.noted]
        for item in site.by_kind[kind].values()
        for number, update in enumerate(item.updates, 1)
    ]
    notes.sort(key=lambda n: (n.item_title.casefold(), n.kind, n.number))
    notes.sort(key=lambda n: n.date, reverse=True)
    return notes


def feed_updated(site: Site, notes: list[ChangeNote]) -> PartialDate:
    """The Atom feed's `updated`: its newest entry's date (a note's, or an event's last day)."""
    dates = [note.date for note in notes[:1]]
    dates += [event.end_date or event.date for event in site.events.values()]
    return max(dates, default=site.config.as_of)
