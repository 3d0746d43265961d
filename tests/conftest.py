"""Shared fixtures: a throwaway copy of the real project, and ways to run the real CLI on it."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from explainer.cli import main

REPO = Path(__file__).resolve().parents[1]


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def errors(self) -> list[str]:
        """The `path:line: message` lines of a failed build."""
        return [line for line in self.err.splitlines() if line.startswith(("site_src/", "templates/"))]


@dataclass
class Project:
    """A copy of site_src and templates in a temp folder, where builds can break freely."""

    root: Path

    @property
    def src(self) -> Path:
        return self.root / "site_src"

    @property
    def out(self) -> Path:
        return self.root / "output"

    def write(self, relative: str, text: str) -> Path:
        path = self.src / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def write_bytes(self, relative: str, data: bytes) -> Path:
        path = self.src / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    def cli(self, *args: str) -> Run:
        """The real command line, in this process (fast): `build.py ARGS` run in the project."""
        out, err = io.StringIO(), io.StringIO()
        previous = Path.cwd()
        os.chdir(self.root)
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                try:
                    code = main(list(args))
                except SystemExit as exit_:  # argparse usage errors and --help
                    code = int(exit_.code or 0)
        finally:
            os.chdir(previous)
        return Run(code, out.getvalue(), err.getvalue())

    def process(self, *args: str, timeout: float = 60) -> Run:
        """`python build.py ARGS` as a separate process, exactly as an editor runs it."""
        done = subprocess.run(
            [sys.executable, str(REPO / "build.py"), *args],
            cwd=self.root,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        return Run(done.returncode, done.stdout, done.stderr)


@pytest.fixture
def project(tmp_path: Path) -> Project:
    shutil.copytree(REPO / "site_src", tmp_path / "site_src")
    shutil.copytree(REPO / "templates", tmp_path / "templates")
    return Project(tmp_path)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real site_src built once into a temp folder, for tests that only read pages."""
    root = tmp_path_factory.mktemp("built")
    shutil.copytree(REPO / "site_src", root / "site_src")
    shutil.copytree(REPO / "templates", root / "templates")
    run = Project(root).cli("--quiet")
    assert run.code == 0, run.err
    return root / "output"


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium for the session (Debian's binary; nothing is downloaded)."""
    from browser import CHROMIUM, CHROMIUM_ARGS
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def served_site(tmp_path_factory: pytest.TempPathFactory):
    """The real site built for, and served from, a free loopback port: (url, output folder)."""
    from browser import static_server

    root = tmp_path_factory.mktemp("served")
    shutil.copytree(REPO / "site_src", root / "site_src")
    shutil.copytree(REPO / "templates", root / "templates")
    with static_server(root / "output") as url:
        run = Project(root).cli("--quiet", "--base-url", url)
        assert run.code == 0, run.err
        yield url, root / "output"


@pytest.fixture(scope="session")
def site_url(served_site: tuple[str, Path]) -> str:
    return served_site[0]
