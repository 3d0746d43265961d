"""Errors as values with a location, so every stage can collect them all and stop once.

An editor fixes content faster from `site_src/events/x.md:7: what is wrong (what would be right)`
than from a traceback, so every problem the tool can attribute to a file is a `ContentError`.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Location:
    """A place in a file, as editors' tools understand it (1-based line)."""

    file: str
    line: int = 1

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True, order=True)
class ContentError:
    """One problem with the content or templates, printed as `path:line: message`."""

    location: Location
    message: str

    def __post_init__(self) -> None:
        # One line per problem, whatever the message quotes from the file (tabs, newlines,
        # control characters): editors' tools and the overlay read errors line by line.
        flat = " ".join(self.message.split())
        flat = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in flat)
        object.__setattr__(self, "message", flat)

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


class BuildFailed(Exception):
    """Raised once a stage has collected every problem it can find."""

    def __init__(self, errors: Iterable[ContentError]):
        self.errors: list[ContentError] = sorted(set(errors))
        super().__init__(f"{len(self.errors)} problem(s)")

    def report(self) -> str:
        """All problems, one per line, then a count (what the CLI prints)."""
        lines = [str(error) for error in self.errors]
        count = len(self.errors)
        lines.append(f"{count} problem{'s' if count != 1 else ''} found; nothing was written.")
        return "\n".join(lines)


class OutputError(Exception):
    """The output location cannot be written (read-only, full, ...): not a content problem."""


class ScaffoldError(Exception):
    """`new` or `templates` cannot create a file (it exists already); nothing was written."""


class UsageError(Exception):
    """The command cannot run as asked (a missing folder, a busy port): exit code 2, as for a
    mistyped option, with what to do instead."""


def display_path(path: Path) -> str:
    """Path as printed in messages: relative to the working directory when inside it."""
    if not path.is_absolute():
        return path.as_posix()
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return path.as_posix()
    return path.as_posix() if relative.startswith("..") else Path(relative).as_posix()


def did_you_mean(word: str, choices: Iterable[str], shown: Callable[[str], str] = str) -> str:
    """` (did you mean 'x'?)` for the closest choice (as `shown` writes it), or an empty string."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{shown(close[0])}'?)" if close else ""
