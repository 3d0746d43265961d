"""Text on which Markdown's cost explodes is refused at its line, before any conversion, in a
one-off build and in a preview's prose-only rebuild alike (see explainer/limits.py)."""

from __future__ import annotations

import pytest
from conftest import Project

from explainer.errors import BuildFailed
from explainer.limits import MAX_BRACKETS, MAX_INDENT, explosive_shapes
from explainer.pipeline import Builder
from explainer.pipeline import Project as Paths

HEAD = "---\ntitle: Pasted\ndate: 2024-06-20\nsources: [ap-2024-08-19]\n---\n"
SHAPES = {
    "a run of '['": "[" * 20_000,
    "a run of '[['": "[[" * 10_000,
    "a run of '[@'": "[@" * 10_000,
    "a run of '[^'": "[^" * 10_000,
    "a run of '[a]('": "[a](" * 5_000,
}


@pytest.mark.parametrize("text", SHAPES.values(), ids=SHAPES.keys())
def test_a_paste_that_would_take_minutes_is_a_located_error(project: Project, text: str) -> None:
    project.write("events/pasted.md", HEAD + "Fine paragraph [@ap-2024-08-19].\n\n" + text + "\n")
    run = project.cli()
    assert run.code == 1 and not project.out.exists()
    assert len(run.errors) == 1, run.errors
    assert run.errors[0].startswith("site_src/events/pasted.md:8: this paragraph has ")
    assert "split it into paragraphs" in run.errors[0]


def test_deep_indentation_is_a_located_error(project: Project) -> None:
    nested = "".join(" " * (2 * depth) + "- item\n" for depth in range(2_000))
    project.write("events/pasted.md", HEAD + "Fine [@ap-2024-08-19].\n\n" + nested)
    run = project.cli()
    assert run.code == 1
    first_deep = 8 + MAX_INDENT // 2
    assert run.errors == [
        f"site_src/events/pasted.md:{first_deep}: this line is indented {MAX_INDENT} characters deep, "
        f"more than the {MAX_INDENT} Markdown can nest in reasonable time; indent it less"
    ]


def test_a_preview_refuses_it_too_when_only_prose_changed(project: Project) -> None:
    """A prose-only edit skips resolving (resolve._with_prose_edits) but not this check."""
    builder = Builder(Paths(project.src, project.root / "templates", project.out))
    builder.assemble()
    event = project.src / "events/doha-round.md"
    event.write_text(event.read_text(encoding="utf-8") + "\n" + "[" * 20_000 + "\n", encoding="utf-8")
    with pytest.raises(BuildFailed) as failed:
        builder.assemble()
    assert any("'[' characters" in error.message for error in failed.value.errors)


def test_limits_leave_room_for_prose() -> None:
    """Just under each limit is allowed (and converts in well under a second: see limits.py)."""
    paragraph = " ".join(f"[@source-{n}]" for n in range(MAX_BRACKETS))
    assert list(explosive_shapes(paragraph + "\n\n" + paragraph)) == []
    assert list(explosive_shapes(" " * (MAX_INDENT - 1) + "- deep item\n")) == []
    assert [line for line, _ in explosive_shapes("a\n\n" + paragraph + " [x]\n")] == [2]
