"""The build, start to end: load -> validate -> resolve -> render -> write.

Each stage collects every problem it can find; the pipeline stops after the first stage that
found any (later stages would only repeat them), and nothing is written unless all succeeded.
A `Builder` keeps what the next build can reuse (files by stat, validated records, rendered
Markdown and pages), so `serve` rebuilds only what an edit touched; `build` and `check` run
the very same steps once.
"""

from __future__ import annotations

import contextlib
import gc
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from . import cards, metadata, search, speedups
from .ahead import AheadConversion, pays_off
from .cache import BuildState
from .errors import BuildFailed, ContentError
from .load import FileCache, load
from .placeholders import placeholders
from .render import PageRenderer, Rendered
from .resolve import Site, resolve
from .spawned import SpawnSpec
from .validate import ValidationCache, validate
from .workers import start_method
from .write import Staging


@dataclass(frozen=True)
class Project:
    """Where a build reads and writes."""

    src: Path
    templates: Path
    out: Path
    base_url: str | None = None  # overrides site.yaml when given
    jobs: int | None = None  # processes to build with (None: the usable cores; 1: this one only)
    placeholders: Literal["skip", "warn", "fail"] = "skip"  # what to do about them (placeholders.py)
    search: bool = False  # whether a build indexes its pages for search (search.py)
    cards: bool = False  # whether a build makes a social card for every page (cards.py)


@dataclass
class BuildResult:
    site: Site
    rendered: Rendered
    seconds: float = 0.0
    files_read: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    warnings: list[ContentError] = field(default_factory=list)  # placeholders, when asked to warn


class Builder:
    """Builds a project again and again, redoing only the work an edit invalidated."""

    def __init__(
        self,
        project: Project,
        preview: bool = False,
        compiled: Path | None = None,
        once: bool = False,
        convert_ahead: bool = False,
    ):
        """`once`: this builder builds one time only (see PageRenderer). `convert_ahead`: a
        helper process converts the Markdown while the first build loads (see ahead.py)."""
        self.project = project
        self.convert_ahead = convert_ahead
        self.files = FileCache()
        self.validated: ValidationCache = {}
        self.renderer = PageRenderer(
            project.templates,
            preview=preview,
            compiled=compiled,
            once=once,
            workers=project.jobs,
            cards=project.cards and not preview,
        )
        self.site: Site | None = None  # the last site resolved without errors

    def assemble(self, sink: Staging | None = None) -> BuildResult:
        """The whole site in memory (or staged in `sink`), or BuildFailed with every problem."""
        with _collector_paused():
            return self._assemble(sink)

    def finish_deferred(self) -> tuple[int, dict[str, bytes]]:
        """What a preview build left for after the pages (see PageRenderer.render_deferred)."""
        with _collector_paused():
            return self.renderer.render_deferred()

    def _assemble(self, sink: Staging | None) -> BuildResult:
        if (
            self.convert_ahead
            and self.site is None
            and self.renderer.workers > 1
            and pays_off(self.project.src)
            and (method := start_method()) is not None
        ):
            self.renderer.ahead = AheadConversion(self.project.src, method)
        try:
            return self._stages(sink)
        finally:
            if self.renderer.ahead is not None:  # the build stopped before rendering
                self.renderer.ahead.close()
                self.renderer.ahead = None

    def _stages(self, sink: Staging | None) -> BuildResult:
        started = time.perf_counter()
        timings: dict[str, float] = {}

        def lap(stage: str) -> None:
            timings[stage] = time.perf_counter() - started - sum(timings.values())

        loaded = load(self.project.src, self.files)
        lap("load")
        content, validation_errors = validate(loaded.records, self.validated)
        content.unavailable = loaded.unavailable  # its own error says why; no echo per reference
        lap("validate")
        site, resolve_errors = resolve(content, self.site)
        lap("resolve")
        errors: list[ContentError] = loaded.errors + validation_errors + resolve_errors
        left = (
            []
            if self.project.placeholders == "skip"
            else placeholders(loaded.records, bool(self.project.base_url))
        )
        if self.project.placeholders == "fail":
            errors += left
        if errors or site is None:
            raise BuildFailed(errors)
        self.site = site
        rendered, render_errors = self.renderer.render(
            site, self.project.base_url or site.config.base_url, sink
        )
        lap("render")
        if render_errors:
            raise BuildFailed(render_errors)
        return BuildResult(site, rendered, time.perf_counter() - started, loaded.files_read, timings, left)


def _stage_cards(builder: Builder, result: BuildResult, staging: Staging, state: BuildState | None) -> None:
    """A social card for every page (cards.py), kept in the cache between builds."""
    pages = {
        route.path: (route.title, metadata.page_kind(route))
        for route in builder.renderer.last.routes
        if route.path.endswith(".html")
    }
    folder = state.folder / "cards" if state else None
    result.rendered.digests.update(cards.make(pages, result.site.config.title, folder, staging.put))


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """The cycle collector stays off while a build runs (see speedups.pause_collector; a build
    process never turns it back on: see cli._build)."""
    was_enabled = speedups.pause_collector()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def assemble(project: Project, compiled: Path | None = None) -> BuildResult:
    """One build in memory (what `check` runs). `compiled`: where compiled templates are kept."""
    return Builder(project, compiled=compiled, once=True, convert_ahead=True).assemble()


def build(project: Project, state: BuildState | None = None) -> BuildResult:
    """Build the site into a staging folder, page by page, then swap it into the output
    folder; the digest of every file is in result.rendered.digests. With a state (see
    cache.py), Markdown converted by earlier builds is reused and unchanged files are linked
    from the previous output, not written again."""
    started = time.perf_counter()
    builder = Builder(
        project,
        compiled=state.compiled_templates() if state else None,
        once=True,
        convert_ahead=state is None or not state.has_markdown(),  # (else most are kept there)
    )
    builder.renderer.markdown.store = state
    staging = Staging(project.out, [project.src, project.templates], state.outputs() if state else None)
    builder.renderer.spawn_spec = SpawnSpec(
        project, state.compiled_templates() if state else None, staging.out, staging.folder, staging.previous
    )
    try:
        result = builder.assemble(staging)
        if project.search:
            indexed = time.perf_counter()
            result.rendered.digests.update(search.index(staging.folder))
            result.timings["search"] = time.perf_counter() - indexed
        if project.cards:
            drawn = time.perf_counter()
            _stage_cards(builder, result, staging, state)
            result.timings["cards"] = time.perf_counter() - drawn
        staging.commit()
    except BaseException:
        staging.abort()
        raise
    builder.renderer.markdown.save()
    result.timings["write"] = time.perf_counter() - started - result.seconds
    result.seconds = time.perf_counter() - started
    return result
