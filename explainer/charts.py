"""Pictures computed at build time: the timeline overview's geometry.

The overview is drawn vertically (time runs down the page), so it keeps a readable text size on
a 360 px phone instead of shrinking a wide chart. Positions are linear in time; labels of key
events are pushed down just enough not to overlap, with a leader line to their true date.
Templates only draw what is computed here; there is no script and no external request.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .dates import MONTHS
from .model import Event

WIDTH = 360
AXIS_X = 78
LABEL_X = 104
TOP = 24
PIXELS_PER_DAY = 2.6
LABEL_GAP = 17  # one line of 13 px text plus leading
MAX_LABEL_CHARS = 34
BACKGROUND_GAP = dt.timedelta(days=365)  # a longer pause starts the period the overview shows


@dataclass(frozen=True)
class Mark:
    """One event on the axis; key events carry a label placed at `label_y`."""

    event: Event
    y: float
    label: str = ""
    label_y: float = 0.0


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class Overview:
    width: int
    height: int
    axis_x: int
    label_x: int
    axis_top: float
    axis_bottom: float
    ticks: list[Tick]
    marks: list[Mark]
    start: dt.date
    end: dt.date
    background: list[Event]  # earlier events, listed in text rather than drawn

    @property
    def key_marks(self) -> list[Mark]:
        return [mark for mark in self.marks if mark.label]


def _label(event: Event) -> str:
    text = event.short_title or event.title
    if len(text) > MAX_LABEL_CHARS:
        text = text[: MAX_LABEL_CHARS - 1].rsplit(" ", 1)[0] + "…"
    day = event.date.first_day()
    prefix = f"{day.day} {MONTHS[day.month][:3]}" if event.date.precision == "day" else event.date.human()
    return f"{prefix} · {text}"


def _period_start(events: list[Event]) -> int:
    """Index of the first event after the last long pause: what came before is background."""
    start = 0
    for index in range(1, len(events)):
        if events[index].date.first_day() - events[index - 1].date.first_day() > BACKGROUND_GAP:
            start = index
    return start


def overview(events: list[Event]) -> Overview | None:
    """Layout for events in time order; None when there is nothing to draw."""
    if not events:
        return None
    first = _period_start(events)
    shown = events[first:]
    start = shown[0].date.first_day()
    end = max((e.end_date or e.date).first_day() for e in shown)

    def y_of(day: dt.date) -> float:
        return round(TOP + (day - start).days * PIXELS_PER_DAY, 1)

    ticks = []
    month = dt.date(start.year, start.month, 1)
    while month <= end:
        if month >= start:
            ticks.append(Tick(y_of(month), MONTHS[month.month]))
        month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)

    marks = []
    next_free = 0.0
    for event in shown:
        y = y_of(event.date.first_day())
        if event.importance == "key":
            label_y = max(y, next_free)
            next_free = label_y + LABEL_GAP
            marks.append(Mark(event, y, _label(event), round(label_y, 1)))
        else:
            marks.append(Mark(event, y))
    axis_bottom = y_of(end)
    height = int(max(axis_bottom, next_free) + TOP)
    return Overview(
        WIDTH, height, AXIS_X, LABEL_X, TOP, axis_bottom, ticks, marks, start, end, events[:first]
    )
