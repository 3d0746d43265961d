"""Pictures computed at build time: the timeline overview's geometry.

The overview is drawn vertically (time runs down the page), so it keeps a readable text size on
a 360 px phone instead of shrinking a wide chart. Positions are linear in time, squeezed to fit
a fixed height when the period is long; labels of key events are pushed down just enough not to
overlap, with a leader line to their true date. With many events, each month becomes a bar
whose length counts its events, and only the latest key events are labelled, so the picture
stays small at any scale. Templates only draw what is computed here.
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
MAX_AXIS = 640  # longer periods are squeezed into this height
LABEL_GAP = 17  # one line of 13 px text plus leading
MAX_LABEL_CHARS = 34
MAX_DOTS = 150  # beyond this, months are drawn as bars
MAX_LABELS = 12
BAR_LENGTH = 18
BACKGROUND_GAP = dt.timedelta(days=365)  # a longer pause starts the period the overview shows


@dataclass(frozen=True)
class Mark:
    """One event on the axis; labelled key events carry a label placed at `label_y`."""

    event_id: str
    y: float
    key: bool
    label: str = ""
    label_y: float = 0.0


@dataclass(frozen=True)
class Bar:
    """A month with many events: a bar beside the axis, as long as it has events."""

    y: float
    height: float
    length: float
    count: int
    month: str


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
    marks: list[Mark]  # dots, when there are few events
    bars: list[Bar]  # month bars, when there are many
    labels: list[Mark]  # the key events that carry a label
    start: dt.date
    end: dt.date
    background: list[Event]  # earlier events, listed in text rather than drawn
    key_events: int  # how many key events the period has (labels may show fewer)


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


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def overview(events: list[Event]) -> Overview | None:
    """Layout for events in time order; None when there is nothing to draw."""
    if not events:
        return None
    first = _period_start(events)
    shown = events[first:]
    start = shown[0].date.first_day()
    end = max((e.end_date or e.date).first_day() for e in shown)
    scale = min(PIXELS_PER_DAY, MAX_AXIS / max((end - start).days, 1))

    def y_of(day: dt.date) -> float:
        return round(TOP + (day - start).days * scale, 1)

    ticks = []
    yearly = (end.year - start.year) * 12 + end.month - start.month > 24
    month = dt.date(start.year, start.month, 1)
    while month <= end:
        if month >= start and (not yearly or month.month == 1):
            ticks.append(Tick(y_of(month), str(month.year) if yearly else MONTHS[month.month]))
        month = _next_month(month)

    marks: list[Mark] = []
    bars: list[Bar] = []
    if len(shown) <= MAX_DOTS:
        marks = [Mark(e.id, y_of(e.date.first_day()), e.importance == "key") for e in shown]
    else:
        counts: dict[dt.date, int] = {}
        for event in shown:
            day = event.date.first_day()
            counts[dt.date(day.year, day.month, 1)] = counts.get(dt.date(day.year, day.month, 1), 0) + 1
        most = max(counts.values())
        for month_start, count in sorted(counts.items()):
            top, bottom = y_of(max(month_start, start)), y_of(min(_next_month(month_start), end))
            bars.append(
                Bar(
                    top,
                    max(bottom - top, 1.0),
                    round(BAR_LENGTH * count / most, 1),
                    count,
                    month_start.strftime("%B %Y"),
                )
            )

    key = [event for event in shown if event.importance == "key"]
    labels = []
    next_free = 0.0
    for event in key[-MAX_LABELS:]:
        y = y_of(event.date.first_day())
        label_y = max(y, next_free)
        next_free = label_y + LABEL_GAP
        labels.append(Mark(event.id, y, True, _label(event), round(label_y, 1)))
    axis_bottom = y_of(end)
    height = int(max(axis_bottom, next_free) + TOP)
    return Overview(
        WIDTH,
        height,
        AXIS_X,
        LABEL_X,
        TOP,
        axis_bottom,
        ticks,
        marks,
        bars,
        labels,
        start,
        end,
        events[:first],
        len(key),
    )
