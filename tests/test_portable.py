"""The build runs where there is no fork (as on Windows) and with any number of jobs, to the
same bytes: proved here by a build in a process whose `os` has no fork and whose
multiprocessing offers only spawn (a sitecustomize.py on PYTHONPATH), on a synthetic site large
enough for every helper (ahead conversion, a second renderer). The same
bytes, too, with the speedups of speedups.py off."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import LEAN_BUILD, REPO
from test_build import tree_digest

from explainer.ahead import AHEAD_FROM
from explainer.schedule import PARALLEL_FROM

NO_FORK = '''
"""Make this interpreter look like Windows' to the build: no os.fork, only 'spawn'."""
import os
import signal

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
EVENTS = 500  # just past both helpers' thresholds, so each one runs


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


def build(root: Path, out: str, *options: str, no_fork: bool = False, speedups: str = "") -> Path:
    env = {**os.environ, "EXPLAINER_SPEEDUPS": speedups}
    if no_fork:
        env["PYTHONPATH"] = os.pathsep.join([str(root / "nofork"), env.get("PYTHONPATH", "")])
    done = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "--out", out, *LEAN_BUILD, *options],
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


@pytest.fixture(scope="module")
def reference(synthetic: Path) -> dict[str, str]:
    """The digest of every file of the synthetic site built the usual way."""
    return tree_digest(build(synthetic, "out-default"))


@pytest.mark.parametrize(
    ("out", "options", "no_fork"),
    [("out-nofork", (), True), ("out-one", ("--jobs", "1"), False), ("out-four", ("--jobs", "4"), False)],
    ids=["no-fork", "one-job", "four-jobs"],
)
def test_without_fork_and_with_any_jobs_the_output_is_the_same(
    synthetic: Path, reference: dict[str, str], out: str, options: tuple[str, ...], no_fork: bool
) -> None:
    assert tree_digest(build(synthetic, out, *options, no_fork=no_fork)) == reference


def test_without_speedups_the_output_is_the_same(synthetic: Path, reference: dict[str, str]) -> None:
    """Every speedup (speedups.py) off: the same bytes as with all on (the real site is
    built with each one off in test_speedups.py)."""
    assert tree_digest(build(synthetic, "out-plain", speedups="0")) == reference


def test_windows_line_ends_and_a_path_with_spaces_build_the_same_site(tmp_path: Path) -> None:
    """Files saved with CRLF line ends (as Windows editors may), in a folder whose path has
    spaces, give the same bytes as the repository's own files."""
    plain, windows = tmp_path / "plain", tmp_path / "My Documents" / "the talks"
    for root in (plain, windows):
        shutil.copytree(REPO / "site_src", root / "site_src")
        shutil.copytree(REPO / "templates", root / "templates")
    converted = 0
    for path in (windows / "site_src").rglob("*"):
        if path.is_file():
            path.write_bytes(path.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
            converted += 1
    assert converted > 50
    assert tree_digest(build(plain, "output")) == tree_digest(build(windows, "output"))


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="lists processes through /proc")
def test_ctrl_c_stops_the_build_and_every_helper(synthetic: Path) -> None:
    """SIGINT once the build is writing (its staging folder exists): it ends with 130 (or 0,
    had it finished first), prints no traceback, leaves no process and no staging folder."""
    root = synthetic
    shutil.rmtree(root / ".cache", ignore_errors=True)
    build_script = str(REPO / "build.py")
    process = subprocess.Popen(
        [sys.executable, build_script, "--out", "out-interrupted"],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    while process.poll() is None and not list(root.glob(".out-interrupted.*")):
        time.sleep(0.01)  # (waiting for a state, not timing anything)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=120)
    assert process.returncode in (130, 0), out + err
    assert "Traceback" not in err
    assert not list(root.glob(".out-interrupted.*")), "the staging folder is removed"

    def ours(pid: str) -> bool:
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
            return build_script in command and Path(f"/proc/{pid}/cwd").resolve() == root.resolve()
        except OSError:
            return False

    assert [pid for pid in os.listdir("/proc") if pid.isdigit() and ours(pid)] == []
