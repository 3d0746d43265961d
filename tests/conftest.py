"""Shared fixtures: a throwaway copy of the real project, and ways to run the real CLI on it."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from explainer.cache import CACHE_DIR
from explainer.cli import main

REPO = Path(__file__).resolve().parents[1]
# a build as a process, without the costly extras (tested on their own: test_search, test_cards)
LEAN_BUILD = ("--quiet", "--no-search", "--no-cards")
MEMORY = Path("/dev/shm")  # a RAM-backed folder, where the system has one (Linux)
MEMORY_NEEDED = 4 * 2**30  # what the suite's temp folders may take, with room to spare


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """Temp folders in memory when the system offers enough of it, unless --basetemp says
    where: some 150 tests build the site (4 MB in 236 files each), and on a virtual disk the
    kernel's share of that was a third of the fast suite's time. Removed when the run ends."""
    if config.option.basetemp or hasattr(config, "workerinput"):  # (workers get theirs from here)
        return
    if MEMORY.is_dir() and os.access(MEMORY, os.W_OK) and shutil.disk_usage(MEMORY).free > MEMORY_NEEDED:
        folder = tempfile.mkdtemp(prefix="explainer-tests-", dir=MEMORY)
        config.option.basetemp = folder
        config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))


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
    search: bool = False  # builds index the site for search only when a test asks (test_search.py)
    cards: bool = False  # and make social cards only when a test asks (test_cards.py)

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
        args = self._options(args)
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

    def _options(self, args: tuple[str, ...]) -> tuple[str, ...]:
        """The command line, with the costly extras off unless the test asked for them."""
        return (*args, *(() if self.search else ("--no-search",)), *(() if self.cards else ("--no-cards",)))

    def template(self, name: str) -> Path:
        """The project's own copy of a default template, made on first use (an override)."""
        path = self.root / "templates" / name
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(REPO / "templates" / name, path)
        return path

    def process(self, *args: str, timeout: float = 60) -> Run:
        """`python build.py ARGS` as a separate process, exactly as an editor runs it."""
        args = self._options(args)
        done = subprocess.run(
            [sys.executable, str(REPO / "build.py"), *args],
            cwd=self.root,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        return Run(done.returncode, done.stdout, done.stderr)


@pytest.fixture
def project(tmp_path: Path, compiled_templates: Path) -> Project:
    """A copy of the real site_src, with no templates folder of its own: the package's
    default templates (the repository's templates/) render it, already compiled, as after
    any earlier build on this machine (compiled templates are kept by their path)."""
    shutil.copytree(REPO / "site_src", tmp_path / "site_src")
    shutil.copytree(compiled_templates, tmp_path / CACHE_DIR / "templates")
    return Project(tmp_path)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real site_src built once into a temp folder, for tests that only read pages."""
    root = tmp_path_factory.mktemp("built")
    shutil.copytree(REPO / "site_src", root / "site_src")
    run = Project(root, search=True).cli("--quiet")  # (cards: test_cards.py builds its own)
    assert run.code == 0, run.err
    return root / "output"


@pytest.fixture(scope="session")
def compiled_templates(built_site: Path) -> Path:
    """The default templates as the first build compiled them."""
    folder = built_site.parent / CACHE_DIR / "templates"
    assert any(folder.iterdir())
    return folder


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
        run = Project(root, search=True, cards=True).cli("--quiet", "--base-url", url)
        assert run.code == 0, run.err
        yield url, root / "output"


@pytest.fixture(scope="session")
def site_url(served_site: tuple[str, Path]) -> str:
    return served_site[0]
