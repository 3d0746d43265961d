"""Pictures computed at build time: the timeline overview's geometry.

The overview is drawn vertically (time runs down the page), so it keeps a readable text size on
a 360 px phone instead of shrinking a wide chart. Events of one day are one marker; the space
between markers follows the time between them, but a quiet stretch is shortened and a busy
week given room, so every label sits beside its own marker, with no leader line and no
overlap at any width (the picture scales as a whole). Months are ticked where they begin,
events over several days (a round of talks) are drawn as labelled spans, and every marker
links to its events. With many events, each month becomes a bar whose length counts its
events, and only the latest key events are labelled, so the picture stays small at any
scale. Templates only draw what is computed here.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
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
TICK_GAP = 15  # between the names of two month ticks, at least
MAX_LABEL_CHARS = 34
MIN_STEP = 7  # between markers of different days, at least
MAX_STEP = 48  # and at most (a quiet month is shortened to this)
MAX_DOTS = 150  # beyond this, months are drawn as bars
MAX_LABELS = 12
BAR_LENGTH = 18
BACKGROUND_GAP = dt.timedelta(days=365)  # a longer pause starts the period the overview shows


@dataclass(frozen=True)
class Mark:
    """The events of one day on the axis, as one marker linking to the first of them; a
    marker with a key event carries a label beside it (`label_y`, its own height)."""

    event_id: str
    y: float
    key: bool
    label: str = ""
    label_y: float = 0.0
    name: str = ""  # what the link says: the date and every event's title


@dataclass(frozen=True)
class Span:
    """An event over several days (a round of talks), drawn beside the axis from start to end."""

    event_id: str
    y: float
    height: float
    label: str
    name: str  # what the link says: its label first (WCAG 2.5.3), then the event's title


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
    spans: list[Span]  # events over several days, when there are few events
    start: dt.date
    end: dt.date
    background: list[Event]  # earlier events, listed in text rather than drawn
    key_events: int  # how many key events the period has (labels may show fewer)


def _day_text(event: Event) -> str:
    day = event.date.first_day()
    return f"{day.day} {MONTHS[day.month][:3]}" if event.date.precision == "day" else event.date.human()


def _label(group: list[Event], labelled: bool) -> str:
    """A day's label: its date and its first key event's short title."""
    if not labelled:
        return ""
    event = next((e for e in group if e.importance == "key"), group[0])
    text = event.short_title or event.title
    if len(text) > MAX_LABEL_CHARS:
        text = text[: MAX_LABEL_CHARS - 1].rsplit(" ", 1)[0] + "…"
    return f"{_day_text(event)} · {text}"  # (the link names every event of the day)


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
    if len(shown) > MAX_DOTS:
        return _month_bars(events, first, start, end)
    days = _days(shown)
    y_of = _axis(days, start, end)
    marks, labels = [], []
    labelled = {day for day, group in days.items() if any(e.importance == "key" for e in group)}
    labelled = set(sorted(labelled)[-MAX_LABELS:])
    for day, group in days.items():
        key = any(e.importance == "key" for e in group)
        label = _label(group, day in labelled)
        # (a link's name starts with what it shows, so speech input can say it: WCAG 2.5.3)
        name = f"{label or _day_text(group[0])}: " + "; ".join(e.title for e in group)
        mark = Mark(group[0].id, y_of(day), key, label, y_of(day), name)
        marks.append(mark)
        if label:
            labels.append(mark)
    spans = []
    for e in shown:
        if e.end_date is not None:
            shown_label = e.date.first_day() not in labelled  # (else its day's label names it)
            label = (e.short_title or e.title) if shown_label else ""
            top, bottom = y_of(e.date.first_day()), y_of(e.end_date.first_day())
            name = f"{label}: {e.title}" if label else e.title
            spans.append(Span(e.id, top, round(bottom - top, 1), label, name))
    axis_bottom = y_of(end)
    key_events = sum(e.importance == "key" for e in shown)
    return Overview(
        WIDTH,
        int(axis_bottom + TOP),
        AXIS_X,
        LABEL_X,
        TOP,
        axis_bottom,
        _ticks(start, end, y_of),
        marks,
        [],
        labels,
        spans,
        start,
        end,
        events[:first],
        key_events,
    )


def _days(events: list[Event]) -> dict[dt.date, list[Event]]:
    """The events by day, in time order (same-day events are one marker)."""
    days: dict[dt.date, list[Event]] = {}
    for event in events:
        days.setdefault(event.date.first_day(), []).append(event)
    return days


def _axis(days: dict[dt.date, list[Event]], start: dt.date, end: dt.date) -> Callable[[dt.date], float]:
    """Where a day falls: markers spaced by the time between them, each step kept between
    MIN_STEP and MAX_STEP, and a labelled marker LABEL_GAP from the next; days between
    markers (month starts, ends of spans) placed in proportion."""
    stops: list[tuple[dt.date, float]] = []
    y = float(TOP)
    previous: dt.date | None = None
    for day, group in days.items():
        if previous is not None:
            step = min(max((day - previous).days * PIXELS_PER_DAY, MIN_STEP), MAX_STEP)
            if any(e.importance == "key" for e in days[previous]) or any(
                e.importance == "key" for e in group
            ):
                step = max(step, LABEL_GAP)
            y += step
        stops.append((day, y))
        previous = day
    if end > stops[-1][0]:
        stops.append((end, y + min(max((end - stops[-1][0]).days * PIXELS_PER_DAY, MIN_STEP), MAX_STEP)))

    def y_of(day: dt.date) -> float:
        if day <= stops[0][0]:
            return round(stops[0][1], 1)
        for (day_a, y_a), (day_b, y_b) in itertools.pairwise(stops):
            if day <= day_b:
                return round(y_a + (y_b - y_a) * (day - day_a).days / max((day_b - day_a).days, 1), 1)
        return round(stops[-1][1], 1)

    return y_of


def _ticks(start: dt.date, end: dt.date, y_of: Callable[[dt.date], float]) -> list[Tick]:
    """A tick where each month begins (each year, over more than two years)."""
    ticks: list[Tick] = []
    yearly = (end.year - start.year) * 12 + end.month - start.month > 24
    month = dt.date(start.year, start.month, 1)
    last_label = -LABEL_GAP
    while month <= end:
        if month >= start and (not yearly or month.month == 1):
            y = y_of(month)
            # (a quiet stretch is shortened: its months keep their ticks, not all their names)
            label = (str(month.year) if yearly else MONTHS[month.month]) if y - last_label >= TICK_GAP else ""
            last_label = y if label else last_label
            ticks.append(Tick(y, label))
        month = _next_month(month)
    return ticks


def _month_bars(events: list[Event], first: int, start: dt.date, end: dt.date) -> Overview:
    """Many events: a bar a month, and labels for the latest key events only."""
    shown = events[first:]
    scale = min(PIXELS_PER_DAY, MAX_AXIS / max((end - start).days, 1))

    def y_of(day: dt.date) -> float:
        return round(TOP + (day - start).days * scale, 1)

    counts: dict[dt.date, int] = {}
    for event in shown:
        day = event.date.first_day()
        counts[dt.date(day.year, day.month, 1)] = counts.get(dt.date(day.year, day.month, 1), 0) + 1
    most = max(counts.values())
    bars = []
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
        label = _label([event], True)
        labels.append(Mark(event.id, y, True, label, round(label_y, 1), f"{label}: {event.title}"))
    axis_bottom = y_of(end)
    height = int(max(axis_bottom, next_free) + TOP)
    return Overview(
        WIDTH,
        height,
        AXIS_X,
        LABEL_X,
        TOP,
        axis_bottom,
        _ticks(start, end, y_of),
        [],
        bars,
        labels,
        [],
        start,
        end,
        events[:first],
        len(key),
    )
