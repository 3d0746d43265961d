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
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import metadata
from typing import TYPE_CHECKING, Any

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
