"""Shapes of text on which Markdown's cost explodes, refused with a located error.

Python-Markdown's time grows much faster than the text on a few shapes, so one bad paste
could freeze `build` and `serve` for minutes. Timing generated inputs of growing size
(doubling the length) found these, each about four times slower per doubling:

- many '[' in one paragraph: a run of '[', '[[', '[@', '[^' or '[a](' (link, reference and
  footnote patterns each rescan the rest of the paragraph from every '['); 2,000 of them take
  seconds, 20,000 minutes;
- lines indented very deep (nested lists and quotes: each level re-parses what it holds).

Everything else tried ('*', '_', '`', '<', '&', '\\', quotes, tables, '> ' nesting) grows
about linearly. The limits are far beyond what prose needs, and a text within them converts
in well under a second, so the checks run on every text before any is converted.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

MAX_BRACKETS = 400  # '[' in one paragraph
MAX_INDENT = 100  # spaces or tabs before a line's text
_DEEP_INDENT = re.compile(rf"^[ \t]{{{MAX_INDENT},}}\S", re.MULTILINE)
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


def explosive_shapes(text: str) -> Iterator[tuple[int, str]]:
    """(line within the text, what is wrong) for each shape Markdown would take too long on."""
    if text.count("[") > MAX_BRACKETS:
        start = 0
        for paragraph in _PARAGRAPH_BREAK.split(text):
            brackets = paragraph.count("[")
            if brackets > MAX_BRACKETS:
                yield (
                    text.count("\n", 0, text.index(paragraph, start)),
                    f"this paragraph has {brackets:,} '[' characters, more than the {MAX_BRACKETS} "
                    "Markdown can read in reasonable time; split it into paragraphs, or write "
                    "brackets that are not links or citations as \\[",
                )
            start = text.index(paragraph, start) + len(paragraph)
    for match in _DEEP_INDENT.finditer(text):
        yield (
            text.count("\n", 0, match.start()),
            f"this line is indented {match.end() - match.start() - 1} characters deep, more than the "
            f"{MAX_INDENT} Markdown can nest in reasonable time; indent it less",
        )
        return  # one such line is enough to point at
