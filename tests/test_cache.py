"""The build cache (.cache/explainer): a build with nothing to do does nothing, any change is
seen, unchanged files are not rewritten, and the cache is safe to delete or damage."""

from __future__ import annotations

import os
import shutil

from conftest import Project
from test_build import tree_digest


def test_nothing_changed_means_nothing_done(project: Project) -> None:
    assert project.cli().code == 0
    before = {p: p.stat().st_mtime_ns for p in project.out.rglob("*") if p.is_file()}
    run = project.cli()
    assert run.code == 0 and run.out.strip().endswith("nothing had changed")
    assert {p: p.stat().st_mtime_ns for p in project.out.rglob("*") if p.is_file()} == before


def test_every_kind_of_change_is_seen(project: Project) -> None:
    assert project.cli().code == 0
    event = project.src / "events/doha-round.md"
    for change in (
        lambda: event.write_text(event.read_text().replace("For two days", "Over two days")),
        lambda: project.template("quotes.html").write_text(
            project.template("quotes.html").read_text() + "\n"
        ),
        lambda: project.write(
            "events/brand-new.md", "---\ntitle: New\ndate: 2024\nsources: [ap-2024-08-19]\n---\n"
        ),
        lambda: (project.out / "index.html").write_text("tampered"),
    ):
        change()
        run = project.cli()
        assert run.code == 0 and "nothing had changed" not in run.out
    assert "Over two days" in (project.out / "timeline/doha-round/index.html").read_text()
    assert (project.out / "index.html").read_text() != "tampered"
    assert project.cli("--base-url", "https://other.example/").out.strip().endswith("s")  # options count too


def test_unchanged_files_are_linked_not_rewritten(project: Project) -> None:
    assert project.cli().code == 0
    untouched = project.out / "glossary/index.html"
    inode = untouched.stat().st_ino
    event = project.src / "events/doha-round.md"
    event.write_text(event.read_text().replace("For two days", "Over two days"))
    assert project.cli().code == 0
    assert untouched.stat().st_ino == inode  # the same file, linked into the new output
    assert (project.out / "timeline/doha-round/index.html").stat().st_ino != inode


def test_the_cache_is_safe_to_delete_or_damage(project: Project) -> None:
    assert project.cli().code == 0
    reference = tree_digest(project.out)
    cache = project.root / ".cache/explainer"
    for damage in (
        lambda: shutil.rmtree(cache),
        lambda: [p.write_bytes(os.urandom(200)) for p in cache.glob("*") if p.is_file()],
        lambda: [p.write_text("{}") for p in cache.glob("*") if p.is_file()],
    ):
        project.write("events/doha-round.md", (project.src / "events/doha-round.md").read_text() + "\n")
        damage()
        run = project.cli()
        assert run.code == 0, run.err
        event = project.src / "events/doha-round.md"
        event.write_text(event.read_text().rstrip("\n") + "\n")
    assert project.cli().code == 0
    assert tree_digest(project.out) == reference


def test_a_two_process_build_keeps_the_same_texts(project: Project, monkeypatch) -> None:
    """Split between two processes, a build saves its converted texts as a part of the pages
    (schedule.Job.saving_texts), not after them: the cache holds what one process keeps."""
    import marshal

    import explainer.schedule
    from explainer.cache import digest

    cache = project.root / ".cache/explainer/markdown.marshal"
    assert project.cli("--quiet").code == 0
    serial = marshal.loads(cache.read_bytes())
    shutil.rmtree(project.root / ".cache")
    monkeypatch.setattr(explainer.schedule, "PARALLEL_FROM", 1)
    assert project.cli("--quiet", "--out", "parallel").code == 0
    parallel = marshal.loads(cache.read_bytes())
    assert parallel["texts"] == serial["texts"]
    # (an empty body is never kept: whether it had been made before the save would depend on
    # which process rendered a page asking for it first, so the test failed now and then)
    empty = digest(b"")
    assert all(key[0] != empty for key in [*serial["texts"], *parallel["texts"]])
    assert parallel["signature"] == serial["signature"] and len(parallel["texts"]) > 100
