"""Starting out: `init` makes a project that builds at once, from the package alone (a wheel in
a fresh virtual environment); `templates` copies a default to change it; and the first
mistakes a newcomer makes get an answer saying what to do (exit code 2)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, Project, Run

from explainer.kinds import KINDS


def in_folder(folder: Path, *args: str) -> Run:
    """The real command line, run in `folder` (which need not be a project)."""
    return Project(folder).cli(*args)


def test_init_makes_a_project_with_one_example_of_every_kind(tmp_path: Path) -> None:
    run = in_folder(tmp_path, "init", "mysite")
    assert run.code == 0, run.err
    assert "cd mysite && explainer serve" in run.out
    site = tmp_path / "mysite"
    assert (site / ".gitignore").read_text().startswith("# made by builds")
    assert [path.name for path in (site / "templates").iterdir()] == ["README.md"], "only what you change"
    for kind in KINDS.values():
        if kind.folder:
            assert len(list((site / "site_src" / kind.folder).glob("*.md"))) >= 1, kind.name
        else:
            assert (site / "site_src" / str(kind.list_file)).is_file(), kind.name
    for yaml_file in (site / "site_src").glob("*.yaml"):
        first = yaml_file.read_text().splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema=../schemas/"), yaml_file
        assert (yaml_file.parent / first.split("=", 1)[1]).is_file(), "the schema it names is there"
    built = in_folder(site, "--quiet")
    assert built.code == 0, built.err
    assert "Example" in (site / "output/index.html").read_text()
    assert 'class="locator"' not in (site / "output/deal/index.html").read_text(), "no Gaza map unless asked"
    checked = in_folder(site, "check")
    assert checked.code == 0 and "2 placeholders left" in checked.out
    assert [line.split(": warning: ")[0] for line in checked.err.splitlines()] == [
        "site_src/site.yaml:7",
        "site_src/sources.yaml:11",
    ], "the placeholder source is flagged until it is replaced"
    assert in_folder(site, "--strict").code == 1


def test_init_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "mysite").mkdir()
    (tmp_path / "mysite/notes.txt").write_text("mine")
    run = in_folder(tmp_path, "init", "mysite")
    assert run.code == 2
    assert "mysite is not empty" in run.err and "Traceback" not in run.err
    assert [path.name for path in (tmp_path / "mysite").iterdir()] == ["notes.txt"]


def test_templates_lists_and_copies_the_defaults_never_over_yours(project: Project) -> None:
    listed = project.cli("templates")
    assert listed.code == 0 and "base.html\n" in listed.out and "partials/nav.html" in listed.out
    copied = project.cli("templates", "base.html", "assets/style.css")
    assert copied.code == 0, copied.err
    assert (project.root / "templates/base.html").read_bytes() == (REPO / "templates/base.html").read_bytes()
    assert "base.html  (yours: templates/base.html)" in project.cli("templates").out
    (project.root / "templates/base.html").write_text("my own")
    again = project.cli("templates", "base.html")
    assert again.code == 1 and "not overwritten" in again.err
    assert (project.root / "templates/base.html").read_text() == "my own"
    unknown = project.cli("templates", "nav.htm")
    assert unknown.code == 2 and "did you mean 'partials/nav.html'" in unknown.err


def test_a_missing_content_folder_says_how_to_start(tmp_path: Path) -> None:
    run = in_folder(tmp_path)
    assert run.code == 2
    assert "the content folder site_src does not exist" in run.err and "explainer init" in run.err
    given = in_folder(tmp_path, "--src", "my_content")
    assert given.code == 2 and "check --src" in given.err


def test_inside_the_output_or_a_subfolder_says_where_to_run(project: Project) -> None:
    assert project.cli("--quiet").code == 0
    before = sorted(path.name for path in project.out.iterdir())
    inside_output = in_folder(project.out, "build")
    assert inside_output.code == 2 and "this is the output folder of the project in" in inside_output.err
    assert sorted(path.name for path in project.out.iterdir()) == before
    assert not (project.out / "output").exists()
    inside_src = in_folder(project.src / "events", "check")
    assert (
        inside_src.code == 2
        and f"inside the project in {project.root.resolve().as_posix()}" in inside_src.err
    )


def test_no_templates_anywhere_is_a_usage_error(project: Project, tmp_path: Path) -> None:
    """A copy of the package without its default templates (as a broken install would be)."""
    shutil.copytree(
        REPO / "explainer", tmp_path / "bare/explainer", ignore=shutil.ignore_patterns("__pycache__")
    )
    code = "import sys; from explainer.cli import main; sys.exit(main(sys.argv[1:]))"
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "bare")}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=project.root, env=env, capture_output=True, text=True
    )
    assert done.returncode == 2, done.stderr
    assert (
        "no templates: templates does not exist and this copy of explainer has no default templates"
        in done.stderr
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built from a copy of what the package is made of (setuptools builds in the source tree)."""
    folder = tmp_path_factory.mktemp("wheel")
    source = folder / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "explainer", "templates"):
        copy = shutil.copytree if (REPO / name).is_dir() else shutil.copyfile
        copy(
            REPO / name,
            source / name,
            **({"ignore": shutil.ignore_patterns("__pycache__")} if (REPO / name).is_dir() else {}),
        )
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(folder), str(source)],
        check=True,
        capture_output=True,
    )
    return next(folder.glob("explainer-*.whl"))


def test_the_wheel_alone_starts_and_builds_a_project(wheel: Path, tmp_path: Path) -> None:
    """`pip install` the wheel into a fresh virtual environment (its dependencies are lent from
    this one, so nothing is downloaded), then `explainer init mysite && cd mysite && explainer
    build`, far from any checkout."""
    fresh = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(fresh)], check=True)
    python = fresh / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--quiet", str(wheel)],
        check=True,
        capture_output=True,
    )
    site_packages = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    lent = next(Path(p) for p in sys.path if p.endswith("site-packages") and Path(p, "jinja2").is_dir())
    Path(site_packages, "lent-dependencies.pth").write_text(str(lent) + "\n")
    explainer = fresh / ("Scripts/explainer.exe" if os.name == "nt" else "bin/explainer")
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    init = subprocess.run(
        [str(explainer), "init", "mysite"], cwd=work, env=env, capture_output=True, text=True
    )
    assert init.returncode == 0, init.stderr
    build = subprocess.run(
        [str(explainer), "build"], cwd=work / "mysite", env=env, capture_output=True, text=True
    )
    assert build.returncode == 0, build.stderr
    assert "Built 23 pages" in build.stdout
    where = subprocess.run(
        [str(python), "-c", "import explainer.theme as t; print(t.default_templates())"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert Path(where).is_relative_to(Path(site_packages)), "the templates came from the wheel"
    assert (work / "mysite/output/assets").is_dir()


def test_more_usage_mistakes_each_say_what_to_do(project: Project, tmp_path: Path) -> None:
    """A mistyped --templates, a file where a folder is wanted, a busy port at the top of the range."""
    typo = project.cli("--templates", "mytemplates")
    assert typo.code == 2 and "the templates folder mytemplates does not exist" in typo.err
    (project.root / "afile").write_text("mine")
    for command in (("init", "afile"), ("schema", "afile")):
        run = project.cli(*command)
        assert run.code == 2 and "afile is a file" in run.err, command
    assert (project.root / "afile").read_text() == "mine"
    with socket.socket() as busy:
        try:
            busy.bind(("127.0.0.1", 65535))
        except OSError:
            pytest.skip("port 65535 is taken already: this part needs it")
        busy.listen()
        run = project.cli("serve", "--port", "65535")
    assert run.code == 2 and "port 65535 on 127.0.0.1 is already in use" in run.err
    assert "Traceback" not in run.err and "internal error" not in run.err
