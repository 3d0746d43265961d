"""The build runs where there is no fork (as on Windows) and with any number of jobs, to the
same bytes: proved here by a build in a process whose `os` has no fork and whose
multiprocessing offers only spawn (a sitecustomize.py on PYTHONPATH), on a synthetic site large
enough for every helper (ahead conversion, a second renderer, template precompiling)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO
from test_build import tree_digest

from explainer.ahead import AHEAD_FROM
from explainer.render import PARALLEL_FROM

NO_FORK = '''
"""Make this interpreter look like Windows' to the build: no os.fork, only 'spawn'."""
import os

for name in ("fork", "forkpty", "register_at_fork"):
    if hasattr(os, name):
        delattr(os, name)

import multiprocessing
import multiprocessing.context as context

spawn = context._concrete_contexts["spawn"]
context._concrete_contexts.clear()
context._concrete_contexts["spawn"] = spawn
context._default_context._actual_context = spawn
context.DefaultContext.get_all_start_methods = lambda self: ["spawn"]
multiprocessing.get_all_start_methods = context._default_context.get_all_start_methods
'''
EVENTS = 1500


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("portable")
    subprocess.run(
        [
            sys.executable,
            str(REPO / "bench/synth.py"),
            "--events",
            str(EVENTS),
            "--out",
            str(root / "site_src"),
        ],
        check=True,
        capture_output=True,
    )
    shutil.copytree(REPO / "templates", root / "templates")
    (root / "nofork").mkdir()
    (root / "nofork/sitecustomize.py").write_text(NO_FORK, encoding="utf-8")
    return root


def build(root: Path, out: str, *options: str, no_fork: bool = False) -> Path:
    env = dict(os.environ)
    if no_fork:
        env["PYTHONPATH"] = os.pathsep.join([str(root / "nofork"), env.get("PYTHONPATH", "")])
    done = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "--out", out, "--quiet", *options],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    shutil.rmtree(root / ".cache", ignore_errors=True)  # each build from scratch
    return root / out


def test_the_site_is_large_enough_for_every_helper(synthetic: Path) -> None:
    assert len(list((synthetic / "site_src/events").iterdir())) >= AHEAD_FROM
    assert EVENTS >= PARALLEL_FROM


def test_the_simulation_removes_fork(synthetic: Path) -> None:
    probe = "import os, multiprocessing as m; print(hasattr(os, 'fork'), m.get_all_start_methods())"
    env = {**os.environ, "PYTHONPATH": str(synthetic / "nofork")}
    shown = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True)
    assert shown.stdout.split() == ["False", "['spawn']"]
    asked = subprocess.run(
        [sys.executable, "-c", "import multiprocessing as m; m.get_context('fork')"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert "cannot find context for 'fork'" in asked.stderr, "as on Windows"


def test_without_fork_and_with_any_jobs_the_output_is_the_same(synthetic: Path) -> None:
    reference = tree_digest(build(synthetic, "out-default"))
    assert tree_digest(build(synthetic, "out-nofork", no_fork=True)) == reference
    assert tree_digest(build(synthetic, "out-one", "--jobs", "1")) == reference
    assert tree_digest(build(synthetic, "out-four", "--jobs", "4")) == reference
