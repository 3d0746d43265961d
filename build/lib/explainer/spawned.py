"""A second renderer for platforms where the build cannot be forked (Windows, macOS).

Where a fork is safe, the second renderer is forked and shares the loaded site (schedule.Job).
Elsewhere it is started by spawn or forkserver and gets its work explicitly: where the project
is, which pages to render, and the staging folder to put them in. It builds the same site from
the same files itself, checks that it is the same (a fingerprint of every item and setting:
an editor may save a file meanwhile) and renders only its pages. Anything else (a different
site, a failure, a helper that cannot start) and the build renders those pages itself: the
output is the same either way.
"""

from __future__ import annotations

import signal
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .load import fingerprint
from .workers import interrupts_held

if TYPE_CHECKING:
    from .pipeline import Project
    from .resolve import Site


class SiteChanged(Exception):
    """A spawned renderer found other content than the build's (its files changed since)."""


@dataclass(frozen=True)
class SpawnSpec:
    """What a spawned renderer needs to build the same site into the same staging folder."""

    project: Project
    compiled: Path | None  # where compiled templates are kept, if anywhere
    out: Path
    folder: Path  # the staging folder (see write.Staging)
    previous: dict[str, list[Any]]  # the last build's files, to link unchanged ones


def site_fingerprint(site: Site) -> str:
    """Every item and setting of a site, in one digest: two processes that read the same
    files have the same one."""
    return fingerprint(repr((site.config, sorted(site.fingerprints.items()))))


class SpawnedRenderer:
    """The helper, started at once; result() waits for it."""

    def __init__(self, method: str, spec: SpawnSpec, paths: list[str], expected: str):
        import multiprocessing

        context = multiprocessing.get_context(method)
        self._connection, theirs = context.Pipe(duplex=False)
        self._process = context.Process(target=_render, args=(spec, paths, expected, theirs), daemon=True)
        with interrupts_held():
            self._process.start()
        theirs.close()

    def result(self) -> dict[str, str] | None:
        """The digest of each page it staged, or None when the build must render them."""
        try:
            outcome = self._connection.recv()
        except (OSError, EOFError):
            outcome = None
        finally:
            self._connection.close()
            self._process.join()
        return outcome


def _render(spec: SpawnSpec, paths: list[str], expected: str, connection: Connection) -> None:
    """In the helper: build the site, and stage just `paths` if it is the expected one."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the build's to handle: it ends this
    digests: dict[str, str] | None = None
    try:
        from .pipeline import Builder
        from .write import Staging

        builder = Builder(replace(spec.project, jobs=1), compiled=spec.compiled, once=True)
        builder.renderer.only = set(paths)
        builder.renderer.expected_site = expected
        result = builder.assemble(Staging.joining(spec.out, spec.folder, spec.previous))
        if set(result.rendered.digests) == set(paths):
            digests = result.rendered.digests
    except BaseException:  # (a different site, or any failure: the build renders them itself)
        digests = None
    try:
        connection.send(digests)
    finally:
        connection.close()
