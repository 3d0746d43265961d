"""The speedups (speedups.py) change no output, stay off on untested library versions, and
do what they claim to the libraries they tune."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator

import markupsafe
import pytest
from conftest import LEAN_BUILD, REPO, Project
from hypothesis import example, given
from hypothesis import strategies as st
from markupsafe import Markup
from test_build import tree_digest

from explainer import speedups


def _build(project: Project, out: str, setting: str) -> dict[str, str]:
    """A cold build as its own process (the collector, the exit and the fork are process-wide)."""
    shutil.rmtree(project.root / ".cache", ignore_errors=True)
    done = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "--out", out, *LEAN_BUILD],
        cwd=project.root,
        env={**os.environ, speedups.ENV_SWITCH: setting},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return tree_digest(project.root / out)


def test_the_real_site_is_the_same_without_any_and_without_each_speedup(project: Project) -> None:
    reference = _build(project, "fast", "")
    assert _build(project, "plain", "0") == reference
    for speedup in speedups.SPEEDUPS:
        assert _build(project, speedup.name, f"-{speedup.name}") == reference, speedup.name


@pytest.fixture
def fresh_switches() -> Iterator[None]:
    """The switches are read once per process: read them again in the test, and after it."""
    speedups.switched_off.cache_clear()
    yield
    speedups.switched_off.cache_clear()


def test_an_untested_library_version_turns_its_speedups_off(
    monkeypatch: pytest.MonkeyPatch, fresh_switches: None
) -> None:
    monkeypatch.delenv(speedups.ENV_SWITCH, raising=False)
    installed = speedups._installed
    monkeypatch.setattr(
        speedups, "_installed", lambda name: "99.0" if name == "markdown" else installed(name)
    )
    off = speedups.switched_off()
    leaning_on_markdown = {s.name for s in speedups.SPEEDUPS if "markdown" in s.tested}
    assert leaning_on_markdown and set(off) >= leaning_on_markdown
    assert "markdown 99.0 is not a tested version" in off["markdown-prefilters"]
    assert "gc-paused" not in off, "speedups leaning on no library stay on"
    assert (
        "speedup markdown-prefilters: off: markdown 99.0 is not a tested version (3.11.3)"
        in speedups.report()
    )


def test_the_switch_turns_all_or_named_speedups_off(
    monkeypatch: pytest.MonkeyPatch, fresh_switches: None
) -> None:
    monkeypatch.setenv(speedups.ENV_SWITCH, "0")
    assert set(speedups.switched_off()) == {s.name for s in speedups.SPEEDUPS}
    speedups.switched_off.cache_clear()
    monkeypatch.setenv(speedups.ENV_SWITCH, "-fork, -gc-paused")
    assert speedups.setting_problem() is None
    assert set(speedups.switched_off()) == {"fork", "gc-paused"}
    monkeypatch.setenv(speedups.ENV_SWITCH, "-forks,gc-paused")
    problem = speedups.setting_problem()
    assert problem and "not -forks, gc-paused" in problem


def test_debug_says_which_speedups_are_off_and_why(project: Project) -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "--debug", *LEAN_BUILD],
        cwd=project.root,
        env={**os.environ, speedups.ENV_SWITCH: "-fork"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert f"speedup fork: off: {speedups.ENV_SWITCH} names it" in done.stderr
    assert "speedup gc-paused: on" in done.stderr


def test_a_bad_switch_is_a_usage_error(project: Project) -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "build.py")],
        cwd=project.root,
        env={**os.environ, speedups.ENV_SWITCH: "fast"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and "expected 0, 1, or names to turn off" in done.stderr
    assert not (project.root / "output").exists()


def test_templates_call_functions_macros_and_methods_as_jinja2_does() -> None:
    """The renderer's shorter call path (speedups._Context) must not change what a call does:
    functions asking for the context still get it, in loops too; the rest get their arguments."""
    import jinja2

    from explainer.render import PageRenderer

    env = PageRenderer(REPO / "templates", once=True).env
    env.globals.update(
        where=jinja2.pass_context(lambda context, suffix: context["name"] + suffix),
        twice=lambda text, times=2: text * times,
        stop=lambda: next(iter(())),
    )
    template = env.from_string(
        "{% macro shout(text) %}{{ text.upper() }}!{% endmacro %}"
        "{{ where('?') }} {{ twice('a', times=3) }} {{ shout(name) }} {{ stop() is undefined }}"
        "{% for n in [1, 2] %} {{ where(n | string) }}{{ twice(n | string) }}{% endfor %}"
    )
    assert template.render(name="x") == "x? aaa X! True x111 x222"


def _untested(name: str) -> pytest.MarkDecorator:
    return pytest.mark.skipif(not speedups.on(name), reason=f"speedup {name} is off here")


@_untested("jinja-calls")
@given(st.text())
@example("<b> & 'q' \"r\" &amp;")
def test_templates_escape_text_as_markupsafe_does(text: str) -> None:
    """speedups.escape gives plain text where markupsafe gives Markup: the same characters."""
    escaped = speedups.escape(text)
    assert type(escaped) is str
    assert escaped == str(markupsafe.escape(text))
    assert type(speedups.escape(Markup(text))) is Markup


@_untested("jinja-calls")
def test_templates_escape_text_and_pass_markup_through_unchanged() -> None:
    """Output goes through speedups.escape: text escaped, Markup as it is (not copied),
    anything else as markupsafe does it; what a macro returns is Markup, so it is not escaped
    twice where it is output."""
    from explainer.render import PageRenderer

    markup = Markup("<em>kept</em>")
    assert speedups.escape(markup) is markup
    assert speedups.escape("<b> & 'q'") == "&lt;b&gt; &amp; &#39;q&#39;"
    assert speedups.escape(3) == Markup("3")
    template = PageRenderer(REPO / "templates", once=True).env.from_string(
        "{% macro wrap(x) %}<p>{{ x }}</p>{% endmacro %}{{ wrap(text) }}{{ html }}{{ n }}"
    )
    assert template.root_render_func.__globals__["escape"] is speedups.escape
    assert template.render(text="<i>", html=markup, n=1) == "<p>&lt;i&gt;</p><em>kept</em>1"
