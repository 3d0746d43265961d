"""The jinja2 environment pages are rendered with, and templates compiled ahead of a build.

Compiling the 25 templates is a quarter of the real site's cold build. jinja2 keeps compiled
templates in `.cache/explainer/templates` and checks each against its source, so later builds
skip it; when some are missing or stale, `Precompiling` has a forked helper compile them
while the build imports its modules and loads the content, and the renderer then reads them
from that folder. The helper changes no output: the renderer compiles anything the helper
did not (a template with an error is reported by the renderer, as before).

This module imports only jinja2 and the standard library, so it can run before the rest.
"""

from __future__ import annotations

import contextlib
import os
import signal
from pathlib import Path
from typing import Any

import jinja2

from . import speedups
from .errors import ContentError, Location, display_path
from .load import fingerprint
from .workers import can_fork_safely, interrupts_held

ASSETS_DIR = "assets"  # static files beside the templates, copied as they are
# The filters PageRenderer gives templates. jinja2 checks filter names when it compiles, so
# the helper compiles with stand-ins of the same names (none takes jinja2's context).
FILTERS = ("md", "md_inline", "standalone", "cite", "date_range")


def environment(templates: Path, compiled: Path | None = None, once: bool = False) -> jinja2.Environment:
    """The environment for `templates` (autoescaped, undefined names are errors), without the
    filters and globals, which the renderer adds before loading any template (see speedups._Template).
    `compiled`: where compiled templates are kept between builds. `once`: one build only, so
    templates are not checked for changes."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates.resolve()),  # (compiled templates are kept by path)
        autoescape=jinja2.select_autoescape(("html", "xml"), default_for_string=True, default=False),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=not once,  # (a one-off build need not stat every template on every page)
        bytecode_cache=jinja2.FileSystemBytecodeCache(str(compiled)) if compiled else None,
    )
    speedups.tune_jinja(env)
    return env


def template_names(env: jinja2.Environment) -> list[str]:
    return env.list_templates(filter_func=lambda name: not name.startswith(f"{ASSETS_DIR}/"))


def _stale(env: jinja2.Environment) -> list[str]:
    """Templates with no compiled form in the cache, or one older than their source. (A guess
    that only decides whether to start the helper: jinja2 checks each compiled template
    against its source when it loads it. Reading the compiled code here would cost more.)"""
    loader, cache = env.loader, env.bytecode_cache
    assert isinstance(loader, jinja2.FileSystemLoader)
    assert isinstance(cache, jinja2.FileSystemBytecodeCache)
    stale = []
    for name in template_names(env):
        try:
            _, filename, _ = loader.get_source(env, name)
            source_changed = os.stat(filename).st_mtime_ns
            compiled = os.path.join(cache.directory, cache.pattern % cache.get_cache_key(name, filename))
            if os.stat(compiled).st_mtime_ns >= source_changed:
                continue
        except (jinja2.TemplateNotFound, OSError, UnicodeDecodeError):
            pass  # (the renderer reports a template it cannot read)
        stale.append(name)
    return stale


class Precompiling:
    """A forked helper compiling the stale templates of `templates` into `compiled`; the
    renderer waits for it before its first template. Where a fork is unsafe or impossible
    (see workers.py), or nothing is stale, there is no helper: the renderer compiles them."""

    def __init__(self, templates: Path, compiled: Path):
        self._pid = 0
        if not (can_fork_safely() and speedups.on("fork-compile")):
            return
        env = environment(templates, compiled, once=True)
        names = _stale(env)
        if names:
            with interrupts_held():
                self._pid = os.fork()
            if self._pid == 0:
                _compile_and_exit(env, names)

    def wait(self) -> None:
        """Until the helper is done (a fraction of a second; a build that failed early waits
        too, so the cache is left complete for the next one)."""
        if self._pid:
            # (already reaped where a host program ignores SIGCHLD)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self._pid, 0)
            self._pid = 0


def _compile_and_exit(env: jinja2.Environment, names: list[str]) -> None:
    """In the helper: compile each template (jinja2 stores it in the cache), then end without
    running anything of the build's own (no cleanup, no buffered output of the parent's)."""
    status = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the build's to handle
        env.filters.update(dict.fromkeys(FILTERS, _stand_in))
        for name in names:
            try:
                env.get_template(name)
            except Exception:  # the renderer meets the same error and reports it
                status = 1
    finally:
        os._exit(status)


def _stand_in(*args: Any) -> None:
    """A filter's place while compiling: only its name matters then."""


def assets(templates: Path, preview: bool) -> tuple[dict[str, bytes], dict[str, str]]:
    """Static files under templates/assets (plain names in a `preview`), and the output path of each by its name.

    Published names carry a hash of the content (style.3f9c2a7b.css), so hosts can let
    browsers cache them for a year and a change still reaches every reader at once.
    """
    folder = templates / ASSETS_DIR
    files: dict[str, bytes] = {}
    paths: dict[str, str] = {}
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                name = path.relative_to(folder).as_posix()
                data = path.read_bytes()
                stem, dot, suffix = name.rpartition(".")
                hashed = f"{stem}.{fingerprint(data)[:10]}.{suffix}" if dot and not preview else name
                paths[name] = f"{ASSETS_DIR}/{hashed}"
                files[paths[name]] = data
    return files, paths


def template_location(error: BaseException, templates: Path) -> Location:
    """Where in a template an error happened (jinja keeps template lines in tracebacks)."""
    if isinstance(error, jinja2.TemplateSyntaxError) and error.filename:
        return Location(display_path(Path(error.filename)), error.lineno)
    where = Location(display_path(templates), 1)
    traceback = error.__traceback__
    while traceback is not None:
        filename = traceback.tb_frame.f_code.co_filename
        if filename.startswith(str(templates)):
            where = Location(display_path(Path(filename)), traceback.tb_lineno)
        traceback = traceback.tb_next
    return where


def load_template(
    env: jinja2.Environment, templates: Path, name: str, errors: list[ContentError]
) -> jinja2.Template | None:
    """A template by name; None, with its problem in `errors`, if it is missing or broken."""
    try:
        return env.get_template(name)
    except jinja2.TemplateNotFound:
        errors.append(ContentError(Location(display_path(templates / name), 1), "template is missing"))
    except jinja2.TemplateSyntaxError as error:
        errors.append(
            ContentError(template_location(error, templates), f"template syntax error: {error.message}")
        )
    return None
