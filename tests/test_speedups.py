"""The speedups (speedups.py) change no output, stay off on untested library versions, and
do what they claim to the libraries they tune."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator

import pytest
from conftest import REPO, Project
from test_build import tree_digest

from explainer import speedups


def _build(project: Project, out: str, setting: str) -> dict[str, str]:
    """A cold build as its own process (the collector, the exit and the fork are process-wide)."""
    shutil.rmtree(project.root / ".cache", ignore_errors=True)
    done = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "--out", out, "--quiet"],
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
        [sys.executable, str(REPO / "build.py"), "--debug", "--quiet"],
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
