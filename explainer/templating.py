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
from collections.abc import Callable, MutableMapping
from pathlib import Path
from types import BuiltinMethodType, FunctionType, MethodType
from typing import Any, ClassVar

import jinja2
import jinja2.runtime
import markupsafe
from markupsafe import Markup

from .workers import can_fork_safely, interrupts_held

ASSETS_DIR = "assets"  # static files beside the templates, copied as they are
# The filters PageRenderer gives templates. jinja2 checks filter names when it compiles, so
# the helper compiles with stand-ins of the same names (none takes jinja2's context).
FILTERS = ("md", "md_inline", "standalone", "cite", "date_range")


class _Context(jinja2.runtime.Context):
    """jinja2's context with a shorter way to call a plain function, method, built-in or macro.

    Every call in a template (`href(...)`, a macro, `date.iso()`) goes through `call`, which
    looks on each callee for jinja2's pass-context marker: a page makes a hundred such calls,
    and the checks were a tenth of the time pages took. Whether a function carries the
    marker is asked once per function here; anything else goes the usual way."""

    _plain: ClassVar[dict[Any, bool]] = {}  # function -> it takes no context (as jinja2 finds)

    def call(__self, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        kind = type(__obj)
        function = __obj.__func__ if kind is MethodType else __obj if kind is FunctionType else None
        if (
            kind is jinja2.runtime.Macro
            or kind is BuiltinMethodType  # (`path.startswith(...)`: nothing built in asks for a context)
            or (function is not None and _Context._takes_no_context(function))
        ):
            kwargs.pop("_block_vars", None)
            kwargs.pop("_loop_vars", None)
            try:
                return __obj(*args, **kwargs)
            except StopIteration:
                return __self.environment.undefined(
                    "value was undefined because a callable raised a StopIteration exception"
                )
        return super().call(__obj, *args, **kwargs)

    @staticmethod
    def _takes_no_context(function: Any) -> bool:
        plain = _Context._plain.get(function)
        if plain is None:
            plain = _Context._plain[function] = not hasattr(function, "jinja_pass_arg")
        return plain


def _escape(value: Any) -> str:
    """What a template outputs for `{{ value }}`: escaped as markupsafe.escape escapes it, but
    text stays plain text, since jinja2 only joins these pieces into the page (or into the
    Markup a macro returns). markupsafe.escape wraps every result in a new Markup through two
    calls in Python, and copies even what is Markup already (a quarter of the values: a
    macro's or filter's result): templates escape some 200 values a page, and this took 6 %
    of a build. Markup is given back as it is."""
    kind = type(value)
    if kind is str:
        return _escape_text(value)
    return value if kind is Markup else markupsafe.escape(value)


def _escape_text_in_python(text: str) -> str:
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("'", "&#39;")
        .replace('"', "&#34;")
    )


# markupsafe's own escaping of text, before it wraps the result in Markup (in C, where its
# compiled part is installed: four times as fast as five replace() calls, which is what
# markupsafe before 3.0, without it, leaves us)
_escape_text: Callable[[str], str] = getattr(markupsafe, "_escape_inner", _escape_text_in_python)


class _Template(jinja2.Template):
    """A template whose output goes through `_escape`, with its globals in a plain dict.
    (`_from_namespace` is where jinja2 binds the names a compiled template imported, and
    hands it its globals; a test checks that the binding took.)

    jinja2 gives each template a ChainMap over the environment's globals, so that globals
    added after the template loaded still show. The renderer adds all of ours before the
    first template loads, and the ChainMap cost on every render: jinja2 copies the globals
    into each new context (a page, its notes, each import) name by name in Python, and
    compares their names on each import through a Python set operation. A dict of the same
    names does both in C: an event page 2.23 -> 1.90 million instructions."""

    @classmethod
    def _from_namespace(
        cls,
        environment: jinja2.Environment,
        namespace: MutableMapping[str, Any],
        globals: MutableMapping[str, Any],
    ) -> jinja2.Template:
        namespace["escape"] = _escape  # (what the compiled code imported from jinja2.runtime)
        return super()._from_namespace(environment, namespace, dict(globals))


def environment(templates: Path, compiled: Path | None = None, once: bool = False) -> jinja2.Environment:
    """The environment for `templates` (autoescaped, undefined names are errors), without the
    filters and globals, which the renderer adds before loading any template (see _Template).
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
    env.context_class = _Context
    env.template_class = _Template
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
        if not can_fork_safely():
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
