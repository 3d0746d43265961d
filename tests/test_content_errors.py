"""Content problems beyond the catalogue (test_error_catalogue.py): several at once, odd files."""

from __future__ import annotations

from conftest import Project

GOOD_EVENT = """
---
title: A test event
date: 2024-06-15
sources: [ap-2024-08-19]
---
Body text [@ap-2024-08-19].
"""


def failing(project: Project) -> list[str]:
    """Run a build that must fail; return its located error lines."""
    run = project.cli()
    assert run.code == 1, run.out + run.err
    assert "Traceback" not in run.err
    assert not project.out.exists()
    return run.errors


def only_error(project: Project) -> str:
    errors = failing(project)
    assert len(errors) == 1, errors
    return errors[0]


def test_list_file_that_is_not_a_list(project: Project) -> None:
    project.write("quotes.yaml", "id: x\n")
    assert only_error(project).startswith("site_src/quotes.yaml:1: this file should be a list of quotes")


def test_unexpected_file_in_a_folder(project: Project) -> None:
    project.write("events/notes.txt", "x")
    assert only_error(project).startswith("site_src/events/notes.txt:1: unexpected file in events/")


def test_bom_and_crlf_build_fine(project: Project) -> None:
    text = GOOD_EVENT.strip().replace("\n", "\r\n")
    project.write_bytes("events/windows.md", b"\xef\xbb\xbf" + text.encode("utf-8"))
    run = project.cli()
    assert run.code == 0, run.err
    assert "A test event" in (project.out / "timeline/windows/index.html").read_text()


def test_unknown_field_without_near_miss_lists_the_allowed(project: Project) -> None:
    project.write("events/extra.md", "---\ntitle: x\ndate: 2024\nmood: calm\nsources: [ap-2024-08-19]\n---\n")
    error = only_error(project)
    assert error.startswith("site_src/events/extra.md:4: unknown field 'mood'; allowed fields are: ")
    assert "sticking_points" in error and "body" not in error


def test_date_precision_is_kept(project: Project) -> None:
    project.write(
        "events/month.md", "---\ntitle: A month-long event\ndate: 2024-07\nsources: [ap-2024-08-19]\n---\n"
    )
    assert project.cli().code == 0
    page = (project.out / "timeline/month/index.html").read_text()
    assert '<time datetime="2024-07">July 2024</time>' in page


def test_all_problems_are_reported_at_once(project: Project) -> None:
    project.write("events/one.md", "---\ntitle: x\n---\n")
    project.write("events/two.md", "---\ntitle: x\ndate: 2024-99\nsources: [nope]\n---\n")
    project.write("actors/three.md", "not front matter")
    errors = failing(project)
    assert [e.split(":")[0] for e in errors] == [
        "site_src/actors/three.md",
        "site_src/events/one.md",
        "site_src/events/one.md",
        "site_src/events/two.md",
    ]
