"""The command line as editors use it: commands, options, exit codes, scaffolding."""

from __future__ import annotations

import pytest
from conftest import Project


def test_build_prints_one_summary_line(project: Project) -> None:
    run = project.process()
    assert run.code == 0, run.err
    lines = run.out.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Built ") and " pages " in lines[0] and lines[0].endswith(" s")
    assert (project.out / "index.html").is_file()
    # the process ends itself once the site is written (cli._exit_now): the cache is kept
    again = project.process()
    assert again.code == 0 and again.out.strip().endswith("nothing had changed"), again.out


def test_build_is_the_default_command(project: Project) -> None:
    assert project.cli("build", "--out", "elsewhere", "--quiet").code == 0
    assert (project.root / "elsewhere/index.html").is_file()


def test_quiet_prints_nothing(project: Project) -> None:
    run = project.cli("--quiet")
    assert run.code == 0 and run.out == ""


def test_check_writes_nothing(project: Project) -> None:
    run = project.cli("check")
    assert run.code == 0 and run.out.startswith("OK: ")
    assert not project.out.exists()
    project.write("events/bad.md", "---\ntitle: x\n---\n")
    run = project.cli("check")
    assert run.code == 1 and "site_src/events/bad.md:1: missing required field 'date'" in run.err
    assert not project.out.exists()


@pytest.mark.parametrize("command", [[], ["build"], ["check"], ["serve"], ["new"]])
def test_help_everywhere(project: Project, command: list[str]) -> None:
    run = project.cli(*command, "--help")
    assert run.code == 0 and "usage:" in run.out


@pytest.mark.parametrize(
    "args",
    [
        ["--nope"],
        ["publish"],
        ["new", "widget", "X"],
        ["--base-url", "ftp://example.org/"],
        ["serve", "--port", "x"],
    ],
)
def test_usage_errors_exit_2(project: Project, args: list[str]) -> None:
    run = project.cli(*args)
    assert run.code == 2 and "usage:" in run.err and "Traceback" not in run.err


def test_content_errors_exit_1_without_traceback_unless_debug(project: Project) -> None:
    project.write("events/bad.md", "---\ntitle: x\n---\n")
    run = project.process()
    assert run.code == 1 and "Traceback" not in run.err
    assert run.err.splitlines()[0].startswith("site_src/events/bad.md:1: ")


@pytest.mark.parametrize(
    ("kind", "title", "path"),
    [
        ("event", "Talks resume in Cairo!", "site_src/events/talks-resume-in-cairo.md"),
        ("actor", "A New Envoy", "site_src/actors/a-new-envoy.md"),
        ("phase", "A fourth phase", "site_src/phases/a-fourth-phase.md"),
        ("sticking-point", "Rafah crossing", "site_src/sticking_points/rafah-crossing.md"),
    ],
)
def test_new_scaffolds_a_valid_draft(project: Project, kind: str, title: str, path: str) -> None:
    run = project.cli("new", kind, title)
    assert run.code == 0 and run.out.strip() == path
    text = (project.root / path).read_text()
    assert "draft: true" in text
    assert project.cli("check").code == 0
    # it never overwrites
    (project.root / path).write_text(text + "\nedited by hand\n")
    again = project.cli("new", kind, title)
    assert again.code == 1 and "exists already" in again.err
    assert (project.root / path).read_text().endswith("edited by hand\n")


def test_new_term_is_appended_and_keeps_the_glossary(project: Project) -> None:
    glossary = project.src / "glossary.yaml"
    before = glossary.read_text()
    run = project.cli("new", "term", "Hostage deal")
    assert run.code == 0
    assert run.out.strip() == f"site_src/glossary.yaml:{before.count(chr(10)) + 1}"
    after = glossary.read_text()
    assert after.startswith(before) and "- id: hostage-deal" in after
    assert project.cli("check").code == 0
    assert project.cli("new", "term", "Hostage deal").code == 1
    assert glossary.read_text() == after


def test_published_draft_with_placeholders_fails_loudly(project: Project) -> None:
    project.cli("new", "event", "Something happened")
    path = project.src / "events/something-happened.md"
    path.write_text(path.read_text().replace("draft: true", "draft: false"))
    run = project.cli("check")
    assert run.code == 1 and "unknown source 'todo-source-id'" in run.err


def test_console_script_entry_point_is_declared() -> None:
    import tomllib

    from conftest import REPO

    scripts = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts == {"explainer": "explainer.cli:entry"}
