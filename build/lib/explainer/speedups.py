"""Speedups: every place the build changes another library's behaviour or leans on its internals.

Each one is declared in SPEEDUPS: what it does, what it saved on the 10,000-event cold build
(bench/speedups_bench.py; figures in bench/README.md), and the library versions its output
was tested with (tests/test_speedups.py builds with and without them and compares bytes). On
any other version of a library it leans on, a speedup stays off and the plain path runs.
`EXPLAINER_SPEEDUPS=0` turns them all off; `EXPLAINER_SPEEDUPS=-fork,-gc-paused` only those
named. `--debug` says which are off and why.

The code of each speedup lives here too, except the forked second renderer (schedule.py), whose
gate is here: `fork` decides whether helpers may share the build's memory by being forked.
Speedups that saved less than 3 % when measured this way were removed (bench/README.md).
"""

from __future__ import annotations

import functools
import gc
import os
import re
import sys
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass
from importlib import metadata
from types import BuiltinMethodType, FunctionType, MethodType
from typing import TYPE_CHECKING, Any, ClassVar

import jinja2
import jinja2.runtime
import markupsafe
from markupsafe import Markup

if TYPE_CHECKING:
    import markdown

ENV_SWITCH = "EXPLAINER_SPEEDUPS"


@dataclass(frozen=True)
class Speedup:
    name: str
    what: str
    saves: str  # of the 10,000-event cold build: median without it -> with all (bench/README.md)
    tested: dict[str, tuple[str, ...]]  # distribution -> the versions its output was tested with


_MARKDOWN = {"markdown": ("3.11.3",)}
SPEEDUPS = (
    Speedup(
        "jinja-calls",
        "jinja2's Context.call asks once per function, not on every call, whether it wants the "
        "context; compiled templates get their globals as a plain dict, not a ChainMap, and "
        "escape output with markupsafe's inner escape, without wrapping each piece in Markup",
        "12.6 % (14.87 -> 13.21 s, seven runs)",
        {"jinja2": ("3.1.6",), "markupsafe": ("3.0.4",)},
    ),
    Speedup(
        "markdown-prefilters",
        "Python-Markdown's compiled patterns are not tried on text without a character their "
        "matches must contain (links need `[`, headings `#`...)",
        "6.8 % (13.87 -> 13.00 s)",
        _MARKDOWN,
    ),
    Speedup(
        "gc-paused",
        "Python's cycle collector is off while a build runs (builds make next to no cycles)",
        "9.7 % (14.26 -> 13.00 s)",
        {},
    ),
    Speedup(
        "exit-at-once",
        "a build process ends with os._exit once the site is written, without freeing the site object by object",
        "3.2 % (13.42 -> 13.00 s)",
        {},
    ),
    Speedup(
        "fork",
        "on Linux, in a process with no other thread, the second renderer is forked and shares "
        "the loaded site instead of building it again",
        "35.7 % (17.63 -> 13.00 s, against a spawned second renderer)",
        {},
    ),
)
_BY_NAME = {speedup.name: speedup for speedup in SPEEDUPS}


def _installed(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


@functools.cache
def switched_off() -> dict[str, str]:
    """Each speedup that is off -> why (read once per process, from the environment and the
    installed versions)."""
    setting = os.environ.get(ENV_SWITCH, "").strip()
    named = {part.strip().lstrip("-") for part in setting.split(",") if part.strip().startswith("-")}
    off: dict[str, str] = {}
    for speedup in SPEEDUPS:
        if setting == "0":
            off[speedup.name] = f"{ENV_SWITCH}=0"
        elif speedup.name in named:
            off[speedup.name] = f"{ENV_SWITCH} names it"
        else:
            for distribution, versions in speedup.tested.items():
                version = _installed(distribution)
                if version not in versions:
                    off[speedup.name] = (
                        f"{distribution} {version or '(not installed)'} is not a tested version "
                        f"({', '.join(versions)})"
                    )
                    break
    return off


def on(name: str) -> bool:
    assert name in _BY_NAME, name
    return name not in switched_off()


def setting_problem() -> str | None:
    """What is wrong with EXPLAINER_SPEEDUPS, for a usage error (None: nothing)."""
    setting = os.environ.get(ENV_SWITCH, "").strip()
    if setting in ("", "0", "1"):
        return None
    parts = [part.strip() for part in setting.split(",") if part.strip()]
    unknown = [part for part in parts if not part.startswith("-") or part[1:] not in _BY_NAME]
    if not unknown:
        return None
    return (
        f"{ENV_SWITCH}={setting}: expected 0, 1, or names to turn off, each led by '-' "
        f"(-{', -'.join(_BY_NAME)}); not {', '.join(dict.fromkeys(unknown))}"
    )


def report() -> list[str]:
    """One line per speedup, for --debug."""
    off = switched_off()
    return [
        f"speedup {speedup.name}: " + (f"off: {off[speedup.name]}" if speedup.name in off else "on")
        for speedup in SPEEDUPS
    ]


# ---- gc-paused, exit-at-once: the process ----


def pause_collector() -> bool:
    """Turn the cycle collector off for a build; whether it was on (to turn it back on).
    Builds make little cyclic garbage (Python-Markdown leaves about thirteen small objects a
    text, in two closures; nothing of ours may add any: a test counts), yet with a growing heap
    the collector kept making full passes over it, in both processes. `serve` collects after each rebuild."""
    was_enabled = gc.isenabled()
    if on("gc-paused"):
        gc.disable()
    return was_enabled


def exit_now(code: int) -> None:
    """End a build process at once, without freeing what the build holds object by object
    (mypy ends the same way; nothing is left to flush but the standard streams). Returns,
    doing nothing, where the speedup is off."""
    if not on("exit-at-once"):
        return None
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


# ---- markdown-prefilters: Python-Markdown ----


class _Prefiltered:
    """A compiled pattern of Python-Markdown that is not even tried on text without one of the
    characters (or strings) its matches must contain. Python-Markdown tries every block
    pattern on every block and every inline pattern on every stretch of text, and a regex
    that starts with a lookbehind or with `(^|\\n)` is tried at each position."""

    def __init__(self, pattern: re.Pattern[str], needs: str | tuple[str, ...]) -> None:
        self.pattern, self.needs = pattern, needs

    # (each test is one C call, no bytecode per character: these run on every block and text)
    def finditer(self, data: str, pos: int = 0) -> Iterator[re.Match[str]]:
        return self.pattern.finditer(data, pos) if any(map(data.__contains__, self.needs)) else iter(())

    def search(self, data: str, pos: int = 0) -> re.Match[str] | None:
        return self.pattern.search(data, pos) if any(map(data.__contains__, self.needs)) else None

    def match(self, data: str, pos: int = 0) -> re.Match[str] | None:
        return self.pattern.match(data, pos) if any(map(data.__contains__, self.needs)) else None

    def __getattr__(self, name: str) -> Any:  # anything else a processor asks of its pattern
        return getattr(self.pattern, name)


# (processors, name, the attribute holding its regex, what a match must contain: one of these)
_PREFILTERS = (
    ("inline", "backtick", "compiled_re", "`\\"),
    ("inline", "reference", "compiled_re", "["),
    ("inline", "link", "compiled_re", "["),
    ("inline", "short_reference", "compiled_re", "["),
    ("block", "hashheader", "RE", "#"),
    ("block", "setextheader", "RE", "\n"),  # (a heading line, then a line of = or -)
    # (a rule is three -, _ or * with at most two spaces between them)
    ("block", "hr", "SEARCH_RE", tuple(f"{c}{gap}{c}" for c in "-_*" for gap in ("", " ", "  "))),
    ("block", "quote", "RE", ">"),
    ("block", "reference", "RE", "["),
    ("block", "footnote", "RE", "^"),
)


def prefilter(md: markdown.Markdown) -> None:
    """Wrap the patterns of `md` that _PREFILTERS names (where the speedup is on)."""
    if not on("markdown-prefilters"):
        return
    for kind, name, attribute, needs in _PREFILTERS:
        processors = md.inlinePatterns if kind == "inline" else md.parser.blockprocessors
        if name in processors:
            processor = processors[name]
            setattr(processor, attribute, _Prefiltered(getattr(processor, attribute), needs))


# ---- jinja-calls: jinja2 and markupsafe ----


class _Context(jinja2.runtime.Context):
    """jinja2's context with a shorter way to call a plain function, method, built-in or macro.
    Every call in a template goes through `call`, which looks on each callee for jinja2's
    pass-context marker; whether a function carries it is asked once per function here."""

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


def escape(value: Any) -> str:
    """What a template outputs for `{{ value }}`: escaped as markupsafe.escape escapes it, but
    text stays plain text (jinja2 only joins these pieces into the page or a macro's Markup),
    and Markup is given back as it is, not copied."""
    kind = type(value)
    if kind is str:
        return markupsafe._escape_inner(value)  # type: ignore[attr-defined]
    return value if kind is Markup else markupsafe.escape(value)


class _Template(jinja2.Template):
    """A template whose output goes through `escape`, with its globals in a plain dict.
    jinja2 gives each template a ChainMap over the environment's globals, so that globals
    added later still show; the renderer adds all of ours before the first template loads,
    and a dict copies into each new context and compares names on each import in C.
    (`_from_namespace` is where jinja2 binds what a compiled template imported.)"""

    @classmethod
    def _from_namespace(
        cls,
        environment: jinja2.Environment,
        namespace: MutableMapping[str, Any],
        globals: MutableMapping[str, Any],
    ) -> jinja2.Template:
        namespace["escape"] = escape  # (what the compiled code imported from jinja2.runtime)
        return super()._from_namespace(environment, namespace, dict(globals))


def tune_jinja(env: jinja2.Environment) -> None:
    """Use the shorter call path and plain globals in `env` (where the speedup is on)."""
    if on("jinja-calls"):
        env.context_class = _Context
        env.template_class = _Template
