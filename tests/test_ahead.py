"""Markdown converted ahead (ahead.py): a helper process converts the Markdown files' texts
while the build loads and resolves. What it hands over must be exactly what the renderer
would have converted, under the keys the renderer looks texts up by; anything else is dropped.
"""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest
from conftest import Project

from explainer import ahead, pipeline
from explainer.ahead import AheadConversion
from explainer.errors import BuildFailed
from explainer.glossary import glossary_names
from explainer.load import BY_FOLDER
from explainer.markup import MarkdownRenderer
from explainer.pipeline import Builder
from explainer.pipeline import Project as Paths
from explainer.resolve import walk

FORK = pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="no fork here")


@FORK
def test_the_helper_converts_every_text_of_a_file_as_the_renderer_would(project: Project) -> None:
    # (started by fork, so it is done before take(); started by spawn, as on Windows, it may
    # be stopped part-way, which changes no output: see test_portable.py)
    helper = AheadConversion(project.src, "fork")
    site = Builder(Paths(project.src, project.root / "templates", project.out), once=True).assemble().site
    glossary = glossary_names(site.terms.values())
    taken = helper.take(glossary)
    bodies = {
        (value, item.id, False)
        for kind in (collection.name for collection in BY_FOLDER.values())  # one file an item
        for item in site.by_kind[kind].values()
        for what, path, value in walk(item)
        if what == "text" and path == ()
    }
    assert bodies and bodies <= taken.keys()  # under the renderer's own keys: all of them
    renderer = MarkdownRenderer()
    renderer.set_terms(glossary)
    different = [key[1] for key in bodies if taken[key] != renderer.block(key[0], key[1])]
    assert not different, f"converted ahead, these differ from the renderer's HTML: {different}"


@FORK
def test_nothing_is_taken_when_the_glossary_differs(project: Project) -> None:
    same, other = AheadConversion(project.src, "fork"), AheadConversion(project.src, "fork")
    # (take() stops a helper at once: they convert while the site is built)
    site = Builder(Paths(project.src, project.root / "templates", project.out), once=True).assemble().site
    glossary = glossary_names(site.terms.values())
    assert same.take(glossary), "with the same glossary, texts come back"
    assert other.take({**glossary, "a made-up term": "made-up"}) == {}


def test_a_build_that_fails_before_rendering_ends_the_helper(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[AheadConversion] = []

    class Noted(AheadConversion):  # the real helper, noted when started
        def __init__(self, src: Path, method: str):
            super().__init__(src, method)
            started.append(self)

    monkeypatch.setattr(pipeline, "AheadConversion", Noted)
    monkeypatch.setattr(ahead, "AHEAD_FROM", 1)  # (this site is small: start one anyway)
    project.write("events/broken.md", "---\ntitle: [unclosed\n---\nText.\n")
    builder = Builder(
        Paths(project.src, project.root / "templates", project.out), once=True, convert_ahead=True
    )
    builder.renderer.workers = 2  # (a helper is started only where there are two cores)
    with pytest.raises(BuildFailed):
        builder.assemble()
    assert len(started) == 1
    assert not started[0]._process.is_alive()
    assert builder.renderer.ahead is None
    assert not multiprocessing.active_children()
