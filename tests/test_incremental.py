"""Incremental rebuilds give exactly what a fresh build gives.

The live preview keeps one Builder. When only prose changed, it reuses the resolved site and
rebuilds just the pages that hold an edited item (resolve._with_prose_edits and
PageRenderer.render); any other edit takes the full path. Each test here edits the real
content, one edit after another, and compares every incremental result with a fresh build of
the same files, byte for byte.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Project

from explainer.cache import BuildState
from explainer.errors import BuildFailed
from explainer.pipeline import Builder, BuildResult
from explainer.pipeline import Project as Paths


def replace(relative: str, old: str, new: str, folder: str = "site_src") -> Callable[[Project], None]:
    def edit(project: Project) -> None:
        path = project.template(relative) if folder == "templates" else project.src / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{relative} no longer holds {old!r}: update this test"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return edit


def append(relative: str, text: str) -> Callable[[Project], None]:
    def edit(project: Project) -> None:
        path = project.src / relative
        path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")

    return edit


# (what, the edit, whether only prose changed)
EDITS: list[tuple[str, Callable[[Project], None], bool]] = [
    ("an event's text", append("events/doha-round.md", "\nThe talks went on.\n"), True),
    ("an actor's text", append("actors/blinken.md", "\nHe travelled again.\n"), True),
    (
        "a phase's summary",
        replace("phases/phase-1.md", "bring a\n  cease-fire", "bring\n  a cease-fire"),
        True,
    ),
    (
        "a provision of a phase",
        replace(
            "phases/phase-1.md", "Aid deliveries would rise to 600 trucks", "Aid would rise to 600 trucks"
        ),
        True,
    ),
    (
        "a position on a sticking point",
        replace(
            "sticking_points/philadelphi-corridor.md",
            "Hamas had\n      named",
            "Hamas had\n      listed",
        ),
        True,
    ),
    (
        "a quote's context",
        replace("quotes.yaml", "On the state of the talks after the Doha round.", "After the Doha round."),
        True,
    ),
    (
        "a glossary definition",
        replace("glossary.yaml", "with Egypt and Qatar\n    behind it", "backed by Egypt and Qatar"),
        True,
    ),
    ("a page's text", append("pages/about.md", "\nWe update it as the talks go on.\n"), True),
    ("a citation added to a text", append("events/doha-round.md", "\nAgain [@biden-2024-05-31].\n"), False),
    ("an event's title", replace("events/doha-round.md", "title: ", "title: The "), False),
    (
        "an actor's name",
        replace("actors/blinken.md", "name: Antony J. Blinken", "name: Antony Blinken"),
        False,
    ),
    (
        "a source's note",
        replace("sources.yaml", "The article this explainer", "The report this explainer"),
        False,
    ),
    (
        "a new event",
        lambda project: project.write(
            "events/a-new-event.md",
            "---\ntitle: A new event\ndate: 2024-06-21\nsources: [ap-2024-08-19]\n---\nIt happened [@ap-2024-08-19].\n",
        ),
        False,
    ),
    ("the new event's text", append("events/a-new-event.md", "\nAnd more.\n"), True),
    ("the new event removed", lambda project: (project.src / "events/a-new-event.md").unlink(), False),
    ("an event's text once more", append("events/doha-round.md", "\nStill talking.\n"), True),
    (
        "the notes at the foot of every page",
        replace("partials/notes.html", "Sources cited on this page", "Sources cited here", "templates"),
        True,
    ),
    (
        "one entry of the notes",
        replace("partials/note.html", ">Read it", ">Read the source", "templates"),
        True,
    ),
]


def fresh_build(project: Project) -> BuildResult:
    """A build from nothing but the compiled templates (which jinja2 checks against their source)."""
    compiled = BuildState(project.root).compiled_templates()
    return Builder(Paths(project.src, project.root / "templates", project.out), compiled=compiled).assemble()


def test_every_edit_rebuilds_what_a_fresh_build_would(project: Project) -> None:
    builder = Builder(Paths(project.src, project.root / "templates", project.out))
    first = builder.assemble()
    assert first.site.delta is None
    for what, edit, prose_only in EDITS:
        edit(project)
        result = builder.assemble()
        assert (result.site.delta is not None) == prose_only, what
        expected = fresh_build(project).rendered.files
        assert result.rendered.files.keys() == expected.keys(), what
        different = [path for path, data in expected.items() if result.rendered.files[path] != data]
        assert not different, f"after {what}, these differ from a fresh build: {different}"


def test_a_preview_produces_open_data_after_the_pages_and_still_matches(project: Project) -> None:
    """serve's Builder leaves the open data files for after the pages (render_deferred):
    until then the previous files stand; once produced, everything matches a fresh build,
    also when a second edit comes before the first one's data files were produced."""
    paths = Paths(project.src, project.root / "templates", project.out)
    builder = Builder(paths, preview=True)
    before = builder.assemble().rendered.files
    append("events/doha-round.md", "\nThe talks went on.\n")(project)
    pages_first = builder.assemble().rendered.files
    assert pages_first["data/events.json"] == before["data/events.json"]  # not yet
    assert pages_first["timeline/doha-round/index.html"] != before["timeline/doha-round/index.html"]
    append("actors/blinken.md", "\nHe travelled again.\n")(project)  # before the data came
    pages_second = builder.assemble().rendered.files
    generation, data = builder.finish_deferred()
    assert generation and {"data/events.json", "data/timeline.json", "data/actors.json"} <= data.keys()
    assert builder.finish_deferred() == (0, {})  # nothing left
    expected = Builder(paths, preview=True).assemble().rendered.files
    assert {**pages_second, **data} == expected


def test_a_prose_edit_renders_only_the_pages_that_show_it(project: Project) -> None:
    builder = Builder(Paths(project.src, project.root / "templates", project.out))
    before = builder.assemble()
    append("events/doha-round.md", "\nThe talks went on.\n")(project)
    after = builder.assemble()
    assert after.site.delta is not None and after.site.delta.changed == {("event", "doha-round")}
    changed = sorted(p for p, data in after.rendered.files.items() if before.rendered.files[p] != data)
    # the event's page, the feed and the open data (the timeline has a page per month, whose
    # lines show no event's text)
    assert changed == [
        "data/events.json",
        "data/timeline.json",
        "feed.xml",
        "timeline/doha-round/index.html",
    ]
    # the event's page, and the changes page, which lists the event's correction note (it is
    # rendered again whenever the item changes, and its bytes stay the same here)
    assert after.rendered.pages_rendered == 2


@pytest.mark.parametrize("broken", ["a reference to a missing source", "a template error"])
def test_after_a_failed_build_the_next_one_is_complete(project: Project, broken: str) -> None:
    builder = Builder(Paths(project.src, project.root / "templates", project.out))
    builder.assemble()
    event = project.src / "events/doha-round.md"
    good = event.read_text(encoding="utf-8")
    template: Path = project.template("event.html")
    good_template = template.read_text(encoding="utf-8")
    if broken == "a template error":
        template.write_text(good_template.replace("{% block content %}", "{% block content %}{{ nope }}", 1))
    else:
        event.write_text(good + "\nSee [@no-such-source].\n", encoding="utf-8")
    with pytest.raises(BuildFailed):
        builder.assemble()
    template.write_text(good_template, encoding="utf-8")
    event.write_text(good + "\nFixed.\n", encoding="utf-8")
    result = builder.assemble()
    expected = fresh_build(project).rendered.files
    assert result.rendered.files == expected


def test_edits_on_a_long_timeline_match_fresh_builds(tmp_path: Path) -> None:
    """A synthetic site long enough for month pages, with many actors and filter pages."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    from synth import synthesize

    project = Project(tmp_path)
    synthesize(project.src, 120, seed=3)
    builder = Builder(Paths(project.src, project.root / "templates", project.out))
    builder.assemble()
    edits = [
        ("an event's text", append("events/event-00042.md", "\nOne more sentence.\n"), True),
        ("an actor's text", append("actors/actor-00003.md", "\nOne more sentence.\n"), True),
        # (shown in cached() event lines on pages that do not show the actor otherwise)
        ("an actor's name", replace("actors/actor-00003.md", 'name: "', 'name: "Renamed '), False),
        ("an event's date", replace("events/event-00042.md", "date: ", "date: 1999-01-01\n# "), False),
        ("the date fixed", replace("events/event-00042.md", "date: 1999-01-01\n# ", "date: "), False),
        (
            "an event's importance",
            replace("events/event-00007.md", "importance: normal", "importance: key"),
            False,
        ),
        ("another event's text", append("events/event-00099.md", "\nAnd another.\n"), True),
    ]
    for what, edit, prose_only in edits:
        edit(project)
        result = builder.assemble()
        assert (result.site.delta is not None) == prose_only, what
        assert result.rendered.files == fresh_build(project).rendered.files, what
