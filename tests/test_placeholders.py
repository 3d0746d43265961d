"""Placeholders are caught: `check` warns at file:line, `build --strict` fails and writes
nothing, a plain build and drafts are left be."""

from __future__ import annotations

from pathlib import Path

from conftest import Project
from test_build import tree_digest

PLACEHOLDER_URL = "site_src/site.yaml:{line}: warning: placeholder address https://example.org/gaza-talks/"


def _line_of(path: Path, text: str) -> int:
    return next(number for number, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_the_real_site_has_only_its_placeholder_address(project: Project) -> None:
    run = project.cli("check")
    assert run.code == 0, run.err
    line = _line_of(project.src / "site.yaml", "base_url:")
    assert run.err.splitlines() == [
        PLACEHOLDER_URL.format(line=line) + ": set where the site will be published, or pass --base-url"
    ]
    assert "1 placeholder left (build --strict refuses them)" in run.out
    given = project.cli("check", "--base-url", "https://news.test/talks/")
    assert given.code == 0 and not given.err, "--base-url replaces it"
    assert project.cli("--strict", "--base-url", "https://news.test/talks/", "--quiet").code == 0


def test_strict_fails_on_each_kind_of_placeholder_and_writes_nothing(project: Project) -> None:
    assert project.cli("--quiet").code == 0
    before = tree_digest(project.out)
    project.write(
        "pages/to-do.md",
        """
        ---
        title: Still to write
        description: A page with placeholders
        ---
        The talks began on TK in Doha.

        ## What each side wants

        ## What happened

        Lorem ipsum dolor sit amet. See https://www.example.com/report.
        """,
    )
    event = project.src / "events/doha-round.md"
    event.write_text(event.read_text().replace("location: Doha, Qatar", "location: TODO"), encoding="utf-8")
    run = project.cli("--strict", "--base-url", "https://news.test/talks/")
    assert run.code == 1
    page = "site_src/pages/to-do.md"
    assert run.errors == [
        f"site_src/events/doha-round.md:{_line_of(event, 'location:')}: 'TODO' left in the text: "
        "fill in what it marks, then remove it",
        f"{page}:5: 'TK' left in the text: fill in what it marks, then remove it",
        f"{page}:7: the section 'What each side wants' is empty: write it, or remove the heading",
        f"{page}:11: Lorem ipsum placeholder text: write the real text",
        f"{page}:11: placeholder address https://www.example.com/report: replace it with the real one",
    ]
    assert tree_digest(project.out) == before
    plain = project.cli("--quiet", "--base-url", "https://news.test/talks/")
    assert plain.code == 0 and not plain.err, "a plain build leaves them be"


def test_words_that_only_look_like_marks_and_drafts_are_not_flagged(project: Project) -> None:
    project.write(
        "pages/words.md",
        """
        ---
        title: Words
        ---
        A todo list, a tk sound, and example.org written without an address.
        """,
    )
    project.write(
        "pages/draft.md",
        """
        ---
        title: A draft
        draft: true
        ---
        TODO: all of it.
        """,
    )
    assert project.cli("--strict", "--base-url", "https://news.test/talks/", "--quiet").code == 0
