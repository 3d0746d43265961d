"""Markdown converted ahead: a second process converts the texts of the Markdown files while
the first one loads, validates and resolves the site.

Those stages run in one process and need nothing converted; at 10,000 events they keep one
core busy for seconds while the other waits. The helper reads only what it needs (each file's
text after its front matter, and the glossary, whose names change the HTML) and converts text
after text until the renderer asks for what is ready; the renderer converts the rest itself.

Nothing here decides what the site shows. A converted text is kept under the same key the
renderer would look it up by (text, item id, block), so a text that turned out different (a
validation that changed it, a file edited meanwhile) is simply never looked up; and all of it
is dropped unless the glossary the helper used is the one the renderer uses.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import TYPE_CHECKING

from markupsafe import Markup

from .glossary import glossary_names
from .kinds import KINDS
from .load import BY_FOLDER, content_files, decode, load_file, split_front_matter
from .markup import MarkdownRenderer, TextKey
from .validate import validate
from .workers import interrupts_held

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

_STOP = "stop"
AHEAD_FROM = 300  # Markdown files below which a helper costs more than it saves


def pays_off(src: Path) -> bool:
    """Whether the site has enough Markdown files for a helper to be worth starting (for the
    sixty of this explainer, the fork costs about what the helper saves)."""
    count = 0
    for folder in BY_FOLDER:
        try:
            count += len(os.listdir(src / folder))
        except OSError:
            continue
    return count >= AHEAD_FROM


class AheadConversion:
    """A helper process converting the Markdown files of `src`; take() ends it. It gets its
    work as arguments, so it starts however the platform can (`method`: see workers.py)."""

    def __init__(self, src: Path, method: str):
        import multiprocessing  # (only here: most builds start no helper, and it takes 20 ms to import)

        context = multiprocessing.get_context(method)
        self._connection, theirs = context.Pipe()
        self._process = context.Process(target=_convert, args=(src, theirs), daemon=True)
        with interrupts_held():
            self._process.start()
        theirs.close()

    def take(self, glossary: dict[str, str]) -> dict[TextKey, Markup]:
        """Stop the helper; what it converted, if with this glossary (else nothing)."""
        try:
            self._connection.send(_STOP)
            used, converted = self._connection.recv()
        except (OSError, EOFError, ValueError):  # the helper died: the renderer converts all
            return {}
        finally:
            self.close()
        if used != glossary:
            return {}
        return {key: Markup(html) for key, html in converted}

    def close(self) -> None:
        """End the helper now (a build that failed before rendering needs nothing from it)."""
        if self._process.is_alive():
            self._process.kill()
        self._process.join()
        self._connection.close()


def _convert(src: Path, connection: Connection) -> None:
    """In the helper: convert until asked to stop, then send what is done."""
    # Ctrl-C is the build's to handle: it ends this helper, which must not print a traceback
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    converted: list[tuple[TextKey, str]] = []
    glossary: dict[str, str] | None = None
    try:
        files, _ = content_files(src)
        glossary = _glossary(src)
        renderer = MarkdownRenderer()
        renderer.set_terms(glossary)
        for path, collection in files:
            if connection.poll():
                break
            if collection is None or not collection.folder:
                continue
            try:
                text, item_id = _text_of(path), Path(path).stem
                converted.append(((text, item_id, False), str(renderer.block(text, item_id))))
            except Exception:  # a file validation will report: nothing to convert ahead
                continue
    except Exception:  # whatever went wrong, the renderer converts the rest
        pass
    try:
        if not connection.poll():
            connection.recv()  # wait for take(): the results go only to a renderer asking
        connection.send((glossary, converted))
    except (OSError, EOFError):
        pass


def _glossary(src: Path) -> dict[str, str]:
    """The glossary as the renderer will have it: read and validated the same way."""
    glossary = KINDS["term"]
    assert glossary.list_file is not None
    records, _ = load_file(src / glossary.list_file, glossary)
    content, _ = validate(records)
    return glossary_names(content.items["term"].values())


def _text_of(path: str) -> str:
    """A Markdown file's text after its front matter, as the loader gives it."""
    with open(path, "rb") as file:
        text = decode(file.read(), path)
    return split_front_matter(text, "")[2]
