"""Dates known to a year, a month or a day, kept at the precision the sources give.

Journalism rule: never invent a date. "August 2024" must not silently become 2024-08-01, so a
date remembers its precision and is shown at it ("August 2024", "15–16 August 2024").
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

_DATE_RE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
MONTHS = tuple(calendar.month_name)  # locale-independent in the C locale the CLI runs with


@dataclass(frozen=True, order=True)
class PartialDate:
    """A calendar date whose month and day may be unknown; orders before finer dates in it."""

    year: int
    month: int = 0
    day: int = 0

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Parse YYYY, YYYY-MM or YYYY-MM-DD; raise ValueError with a message for editors."""
        match = _DATE_RE.fullmatch(text.strip())
        if not match:
            raise ValueError(f"'{text}' is not a date: write YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2024-08-15")
        year, month, day = (int(part) if part else 0 for part in match.groups())
        if match.group(2) and not 1 <= month <= 12:
            raise ValueError(f"'{text}' has month {month:02d}: months run from 01 to 12")
        if match.group(3):
            last = calendar.monthrange(year, month)[1]
            if not 1 <= day <= last:
                raise ValueError(f"'{text}' has day {day:02d}: {MONTHS[month]} {year} has days 01 to {last}")
        return cls(year, month, day)

    @property
    def precision(self) -> str:
        """'year', 'month' or 'day'."""
        return "day" if self.day else "month" if self.month else "year"

    @property
    def vagueness(self) -> str | None:
        """What a reader should know about a date less precise than a day (None for a day).
        Such a date sorts before the days it contains: 'August 2024' opens August."""
        if self.day:
            return None
        return "no exact day in the sources" if self.month else "no exact date in the sources"

    def iso(self) -> str:
        """The date as written by editors: 2024, 2024-08 or 2024-08-15."""
        if self.day:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    def first_day(self) -> dt.date:
        """Earliest calendar day the date can mean (for sitemaps and feeds, which need one)."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    def human(self) -> str:
        """'15 August 2024', 'August 2024' or '2024'."""
        if self.day:
            return f"{self.day} {MONTHS[self.month]} {self.year}"
        if self.month:
            return f"{MONTHS[self.month]} {self.year}"
        return str(self.year)

    def month_key(self) -> str:
        """Heading for grouping by month: 'August 2024' (or the year alone)."""
        return f"{MONTHS[self.month]} {self.year}" if self.month else str(self.year)

    def __str__(self) -> str:
        return self.iso()


def human_range(start: PartialDate, end: PartialDate | None) -> str:
    """A span written once where parts repeat: '15–16 August 2024', '31 July – 2 August 2024'."""
    if end is None or end == start:
        return start.human()
    if start.precision == end.precision == "day" and start.year == end.year:
        if start.month == end.month:
            return f"{start.day}–{end.day} {MONTHS[end.month]} {end.year}"
        return f"{start.day} {MONTHS[start.month]} – {end.human()}"
    return f"{start.human()} – {end.human()}"
