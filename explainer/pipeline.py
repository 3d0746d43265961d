"""The build, start to end: load -> validate -> resolve -> render -> write.

Each stage collects every problem it can find; the pipeline stops after the first stage that
found any (later stages would only repeat them), and nothing is written unless all succeeded.
`check` and `serve` run the same steps, so what an editor previews is what gets published.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from .errors import BuildFailed, ContentError
from .load import load
from .render import PageRenderer, Rendered
from .resolve import Site, resolve
from .validate import validate
from .write import write_site


@dataclass(frozen=True)
class Project:
    """Where a build reads and writes."""

    src: Path
    templates: Path
    out: Path
    base_url: str | None = None  # overrides site.yaml when given


@dataclass
class BuildResult:
    site: Site
    rendered: Rendered
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)


def assemble(project: Project, renderer: PageRenderer | None = None) -> BuildResult:
    """Everything but writing: the whole site in memory, or BuildFailed with every problem."""
    started = time.perf_counter()
    timings: dict[str, float] = {}

    def lap(stage: str) -> None:
        timings[stage] = time.perf_counter() - started - sum(timings.values())

    loaded = load(project.src)
    lap("load")
    content, validation_errors = validate(loaded.records)
    lap("validate")
    site, resolve_errors = resolve(content)
    lap("resolve")
    errors: list[ContentError] = loaded.errors + validation_errors + resolve_errors
    if errors or site is None:
        raise BuildFailed(errors)
    renderer = renderer or PageRenderer(project.templates)
    rendered, render_errors = renderer.render(site, project.base_url or site.config.base_url)
    lap("render")
    if render_errors:
        raise BuildFailed(render_errors)
    return BuildResult(site, rendered, time.perf_counter() - started, timings)


def build(project: Project, renderer: PageRenderer | None = None) -> BuildResult:
    """Assemble the site and swap it into the output folder."""
    started = time.perf_counter()
    result = assemble(project, renderer)
    write_site(result.rendered.files, project.out, protected=[project.src, project.templates])
    result.timings["write"] = time.perf_counter() - started - result.seconds
    result.seconds = time.perf_counter() - started
    return result
