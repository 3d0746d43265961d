"""Every kind of content problem is reported at its exact file:line, all at once, exit code 1."""

from __future__ import annotations

import pytest
from conftest import Project

GOOD_EVENT = """
---
title: A test event
date: 2024-08-15
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


# --- reading files -------------------------------------------------------------------------


def test_yaml_syntax_error_points_at_the_line(project: Project) -> None:
    project.write(
        "events/bad.md",
        """
        ---
        title: A test event
        date: 2024-08-15
        sources: [ap-2024-08-19
        ---
        Body
        """,
    )
    error = only_error(project)
    assert error.startswith("site_src/events/bad.md:")
    assert "YAML syntax error" in error
    assert int(error.split(":")[1]) in (4, 5)


def test_tab_indentation_is_explained(project: Project) -> None:
    project.write("events/tabs.md", "---\ntitle: x\ndate: 2024\nsources:\n\t- ap-2024-08-19\n---\n")
    error = only_error(project)
    assert error.startswith("site_src/events/tabs.md:5: YAML syntax error")
    assert "spaces, not tabs" in error


def test_non_utf8_bytes(project: Project) -> None:
    project.write_bytes(
        "events/latin1.md", b"---\ntitle: caf\xe9\ndate: 2024\nsources: [ap-2024-08-19]\n---\n"
    )
    assert only_error(project) == (
        "site_src/events/latin1.md:2: the file is not UTF-8 (byte 0xE9 cannot be read); save it as UTF-8"
    )


def test_empty_file(project: Project) -> None:
    project.write("actors/empty.md", "")
    assert only_error(project).startswith("site_src/actors/empty.md:1: the file is empty")


def test_missing_front_matter(project: Project) -> None:
    project.write("events/plain.md", "Just some text\n")
    assert only_error(project).startswith("site_src/events/plain.md:1: missing front matter")


def test_unclosed_front_matter(project: Project) -> None:
    project.write("events/open.md", "---\ntitle: x\n")
    assert only_error(project) == (
        "site_src/events/open.md:1: the front matter is not closed: add a '---' line after the fields"
    )


def test_front_matter_that_is_not_a_mapping(project: Project) -> None:
    project.write("events/list.md", "---\n- a\n- b\n---\n")
    assert only_error(project).startswith("site_src/events/list.md:2: the front matter must be fields")


def test_duplicate_key(project: Project) -> None:
    project.write("events/dup.md", "---\ntitle: a\ndate: 2024\ntitle: b\nsources: [ap-2024-08-19]\n---\n")
    assert (
        only_error(project)
        == "site_src/events/dup.md:4: duplicate key 'title' (first at line 2); keep only one"
    )


def test_yaml_aliases_are_refused(project: Project) -> None:
    project.write(
        "events/alias.md", "---\ntitle: &t a\ndate: 2024\nlocation: *t\nsources: [ap-2024-08-19]\n---\n"
    )
    assert "aliases" in only_error(project)


def test_list_file_that_is_not_a_list(project: Project) -> None:
    project.write("quotes.yaml", "id: x\n")
    assert only_error(project).startswith("site_src/quotes.yaml:1: this file should be a list of quotes")


def test_unknown_top_level_file_suggests_the_right_name(project: Project) -> None:
    project.write("quote.yaml", "[]\n")
    assert only_error(project).startswith(
        "site_src/quote.yaml:1: unknown file 'quote.yaml' (did you mean 'quotes.yaml'?)"
    )


def test_unexpected_file_in_a_folder(project: Project) -> None:
    project.write("events/notes.txt", "x")
    assert only_error(project).startswith("site_src/events/notes.txt:1: unexpected file in events/")


def test_bom_and_crlf_build_fine(project: Project) -> None:
    text = GOOD_EVENT.strip().replace("\n", "\r\n")
    project.write_bytes("events/windows.md", b"\xef\xbb\xbf" + text.encode("utf-8"))
    run = project.cli()
    assert run.code == 0, run.err
    assert "A test event" in (project.out / "timeline/windows/index.html").read_text()


# --- schema ---------------------------------------------------------------------------------


def test_missing_required_field_names_it_with_a_hint(project: Project) -> None:
    project.write("events/no-date.md", "---\ntitle: x\nsources: [ap-2024-08-19]\n---\n")
    assert only_error(project) == (
        "site_src/events/no-date.md:1: missing required field 'date' (when it happened: YYYY, YYYY-MM or YYYY-MM-DD)"
    )


def test_unknown_field_suggests_the_near_miss(project: Project) -> None:
    project.write("events/typo.md", "---\ntitel: x\ntitle: x\ndate: 2024\nsources: [ap-2024-08-19]\n---\n")
    assert only_error(project) == "site_src/events/typo.md:2: unknown field 'titel' (did you mean 'title'?)"


def test_unknown_field_without_near_miss_lists_the_allowed(project: Project) -> None:
    project.write("events/extra.md", "---\ntitle: x\ndate: 2024\nmood: calm\nsources: [ap-2024-08-19]\n---\n")
    error = only_error(project)
    assert error.startswith("site_src/events/extra.md:4: unknown field 'mood'; allowed fields are: ")
    assert "sticking_points" in error and "body" not in error


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2024-13", "date: '2024-13' has month 13: months run from 01 to 12"),
        ("2024-02-30", "date: '2024-02-30' has day 30: February 2024 has days 01 to 29"),
        (
            "15 August 2024",
            "date: '15 August 2024' is not a date: write YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2024-08-15",
        ),
        ("[2024]", "date: expected a date like 2024-08-15, 2024-08 or 2024, found a list"),
    ],
)
def test_bad_dates(project: Project, value: str, message: str) -> None:
    project.write("events/when.md", f"---\ntitle: x\ndate: {value}\nsources: [ap-2024-08-19]\n---\n")
    assert only_error(project) == f"site_src/events/when.md:3: {message}"


def test_date_precision_is_kept(project: Project) -> None:
    project.write(
        "events/month.md", "---\ntitle: A month-long event\ndate: 2024-07\nsources: [ap-2024-08-19]\n---\n"
    )
    assert project.cli().code == 0
    page = (project.out / "timeline/month/index.html").read_text()
    assert '<time datetime="2024-07">July 2024</time>' in page


def test_end_date_before_start(project: Project) -> None:
    project.write(
        "events/backwards.md",
        "---\ntitle: x\ndate: 2024-08-16\nend_date: 2024-08-15\nsources: [ap-2024-08-19]\n---\n",
    )
    assert only_error(project) == (
        "site_src/events/backwards.md:4: end_date: 2024-08-15 is before the start date 2024-08-16; the end date comes after it"
    )


def test_enum_lists_the_choices(project: Project) -> None:
    project.write(
        "actors/someone.md",
        "---\nname: X\nkind: persn\nrole: r\npart: party\nsources: [ap-2024-08-19]\n---\n",
    )
    assert only_error(project) == (
        "site_src/actors/someone.md:3: kind: 'persn' is not allowed; use one of: person, organisation, state"
    )


def test_at_least_one_source(project: Project) -> None:
    project.write("events/unsourced.md", "---\ntitle: x\ndate: 2024\nsources: []\n---\n")
    assert only_error(project).startswith("site_src/events/unsourced.md:4: sources: needs at least 1 entry")


def test_wrong_type_for_a_text(project: Project) -> None:
    project.write("events/number.md", "---\ntitle: 2735\ndate: 2024\nsources: [ap-2024-08-19]\n---\n")
    assert only_error(project) == (
        "site_src/events/number.md:2: title: expected text, found the number 2735; put it in quotes if it is meant as text"
    )


def test_non_http_url(project: Project) -> None:
    text = (project.src / "sources.yaml").read_text()
    project.write(
        "sources.yaml", text + "\n- id: bad-link\n  publisher: P\n  title: T\n  url: javascript:alert(1)\n"
    )
    line = text.count("\n") + 5
    assert only_error(project) == (
        f"site_src/sources.yaml:{line}: url: 'javascript:alert(1)' is not a web address: use a full http:// or https:// URL"
    )


def test_id_must_be_a_slug(project: Project) -> None:
    text = (project.src / "glossary.yaml").read_text()
    project.write(
        "glossary.yaml",
        text + "\n- id: Hostage Deal\n  term: T\n  definition: D\n  sources: [ap-2024-08-19]\n",
    )
    line = text.count("\n") + 2
    assert only_error(project) == (
        f"site_src/glossary.yaml:{line}: id: 'Hostage Deal' is not a valid id: use lowercase letters, "
        "digits and single hyphens, like 'hostage-deal'"
    )


def test_file_name_must_be_a_slug(project: Project) -> None:
    project.write("events/Doha Talks.md", GOOD_EVENT)
    assert only_error(project) == (
        "site_src/events/Doha Talks.md:1: the file name 'Doha Talks.md' is not a valid id: rename it to "
        "'doha-talks.md' (lowercase letters, digits and hyphens)"
    )


def test_id_field_in_a_markdown_file(project: Project) -> None:
    project.write(
        "events/with-id.md", "---\nid: other\ntitle: x\ndate: 2024\nsources: [ap-2024-08-19]\n---\n"
    )
    assert (
        only_error(project)
        == "site_src/events/with-id.md:2: 'id' is not a field here: it comes from the file name"
    )


def test_list_item_of_the_wrong_type(project: Project) -> None:
    project.write(
        "events/items.md",
        "---\ntitle: x\ndate: 2024\nactors:\n  - hamas\n  - 42\nsources: [ap-2024-08-19]\n---\n",
    )
    assert (
        only_error(project)
        == "site_src/events/items.md:6: actors[1]: expected an id like 'william-burns', found the number 42"
    )


def test_nested_missing_field_points_at_the_item(project: Project) -> None:
    project.write(
        "sticking_points/open.md",
        "---\ntitle: t\nsummary: s\npositions:\n  - actor: hamas\n    sources: [ap-2024-08-19]\n---\n",
    )
    assert only_error(project) == (
        "site_src/sticking_points/open.md:5: positions[0]: missing required field 'stance' (their position, in your own words)"
    )


def test_duplicate_ids_in_a_list_file(project: Project) -> None:
    text = (project.src / "quotes.yaml").read_text()
    project.write(
        "quotes.yaml",
        text
        + "\n- id: biden-closer-than-ever\n  speaker: biden\n  date: 2024-08-16\n  text: x\n  source: ap-2024-08-16\n",
    )
    first = text[: text.index("- id: biden-closer-than-ever")].count("\n") + 1
    line = text.count("\n") + 2
    assert only_error(project) == (
        f"site_src/quotes.yaml:{line}: duplicate id 'biden-closer-than-ever' (first used at site_src/quotes.yaml:{first}); "
        "give each quote its own id"
    )


def test_site_yaml_problem(project: Project) -> None:
    text = (project.src / "site.yaml").read_text().replace("language: en", "language: English")
    project.write("site.yaml", text)
    line = text[: text.index("language:")].count("\n") + 1
    assert only_error(project) == (
        f"site_src/site.yaml:{line}: language: 'English' is not a language tag: use one like 'en' or 'en-GB'"
    )


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
