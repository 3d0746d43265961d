"""Whole builds of the real site_src: every page exists, links resolve, output is atomic."""

from __future__ import annotations

import hashlib
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from conftest import REPO, Project

SECTIONS = ["timeline", "actors", "deal", "sticking-points", "quotes", "glossary", "sources", "about"]


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def html_pages(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.html"))


def test_every_page_type_exists(built_site: Path) -> None:
    for name in [
        "index.html",
        "404.html",
        "sitemap.xml",
        "robots.txt",
        "feed.xml",
        "_headers",
        "data/events.json",
    ]:
        assert (built_site / name).is_file(), name
    assert len(list((built_site / "assets").glob("style.*.css"))) == 1
    for section in SECTIONS:
        assert (built_site / section / "index.html").is_file(), section
    src = REPO / "site_src"
    for folder, section in [
        ("events", "timeline"),
        ("actors", "actors"),
        ("phases", "deal"),
        ("sticking_points", "sticking-points"),
    ]:
        for item in (src / folder).glob("*.md"):
            if "draft: true" not in item.read_text():
                assert (built_site / section / item.stem / "index.html").is_file(), item


def test_pages_are_semantic(built_site: Path) -> None:
    for page in html_pages(built_site):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        assert soup.html["lang"] == "en", page
        assert len(soup.find_all("h1")) == 1, page
        assert soup.find("main", id="main") and soup.find("nav") and soup.title.string, page
        ids = [tag["id"] for tag in soup.find_all(id=True)]
        assert len(ids) == len(set(ids)), (page, [i for i in ids if ids.count(i) > 1])


def test_every_internal_link_and_fragment_resolves(built_site: Path) -> None:
    """Links are relative and point at files that exist, so the site works under any path."""
    ids_by_page: dict[Path, set[str]] = {}
    links: list[tuple[Path, str]] = []
    for page in html_pages(built_site):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        ids_by_page[page] = {tag["id"] for tag in soup.find_all(id=True)}
        if page.name == "404.html":  # root-relative on purpose; checked in its own test
            continue
        links += [
            (page, tag.get("href") or tag.get("src"))
            for tag in soup.find_all(["a", "link", "script"])
            if tag.get("href") or tag.get("src")
        ]
    checked = 0
    for page, href in links:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc:
            assert parts.scheme == "https" or page.name == "404.html" or parts.scheme == "http", href
            continue
        assert not href.startswith("/"), f"{page}: root-relative link {href}"
        target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
        assert target.is_file(), f"{page.relative_to(built_site)}: broken link {href}"
        if parts.fragment and target.suffix == ".html":
            assert parts.fragment in ids_by_page[target], (
                f"{page.relative_to(built_site)}: missing #{parts.fragment}"
            )
        checked += 1
    assert checked > 500


def test_every_citation_has_its_note(built_site: Path) -> None:
    for page in html_pages(built_site):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        notes = [li["id"] for li in soup.select("section.notes li")]
        cited = []
        for link in soup.select("sup.cite a"):
            if link["href"][1:] not in cited:
                cited.append(link["href"][1:])
        assert cited == notes, page


def test_sitemap_and_feed(built_site: Path) -> None:
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "a": "http://www.w3.org/2005/Atom"}
    sitemap = ElementTree.parse(built_site / "sitemap.xml")
    locations = [loc.text or "" for loc in sitemap.iterfind("s:url/s:loc", ns)]
    assert "https://example.org/gaza-talks/" in locations
    assert "https://example.org/gaza-talks/timeline/doha-round/" in locations
    assert all(loc.startswith("https://example.org/gaza-talks/") for loc in locations)
    feed = ElementTree.parse(built_site / "feed.xml")
    ids = [entry.findtext("a:id", namespaces=ns) or "" for entry in feed.findall("a:entry", ns)]
    events = [i for i in ids if "update-" not in i]
    assert len(events) == len(list((REPO / "site_src/events").glob("*.md")))
    assert len(ids) > len(events), "update and correction notes are entries too"
    assert "Sitemap: https://example.org/gaza-talks/sitemap.xml" in (built_site / "robots.txt").read_text()


def test_404_links_start_at_the_site_root_so_they_work_at_any_depth(built_site: Path) -> None:
    soup = BeautifulSoup((built_site / "404.html").read_text(), "html.parser")
    for tag in soup.find_all(["a", "link"], href=True):
        if tag.get("rel") != ["canonical"] and not tag["href"].startswith("#"):
            assert tag["href"].startswith("/gaza-talks/"), tag


def test_rebuilds_are_byte_identical(project: Project) -> None:
    assert project.cli().code == 0
    first = tree_digest(project.out)
    assert project.cli("--out", "second").code == 0
    assert tree_digest(project.root / "second") == first
    assert project.cli().code == 0
    assert tree_digest(project.out) == first


def test_base_url_override(project: Project) -> None:
    assert project.cli("--base-url", "https://news.example.com/talks").code == 0
    page = (project.out / "timeline/index.html").read_text()
    assert '<link rel="canonical" href="https://news.example.com/talks/timeline/">' in page
    assert 'href="../assets/style.' in page


def test_failed_build_leaves_the_previous_output_untouched(project: Project) -> None:
    assert project.cli().code == 0
    before = tree_digest(project.out)
    project.write("events/broken.md", "---\ntitle: [unclosed\n---\n")
    run = project.cli()
    assert run.code == 1 and "Traceback" not in run.err
    assert run.err.strip().endswith("1 problem found; nothing was written.")
    assert tree_digest(project.out) == before
    assert not list(project.root.glob(".output.*"))


def test_template_error_is_located_and_leaves_output(project: Project) -> None:
    assert project.cli().code == 0
    before = tree_digest(project.out)
    template = project.template("event.html")
    template.write_text(template.read_text().replace("{{ event.title }}", "{{ event.titel }}", 1))
    run = project.cli()
    assert run.code == 1
    assert run.errors and all(e.startswith("templates/event.html:") and "titel" in e for e in run.errors)
    assert tree_digest(project.out) == before


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="no SIGKILL (Windows)")
def test_killed_builds_leave_a_complete_site(project: Project) -> None:
    """SIGKILL at random moments: output/ is always the old or the new site, never a mix."""
    assert project.cli().code == 0
    old = tree_digest(project.out)
    project.write(
        "events/new-one.md", "---\ntitle: New\ndate: 2024-06-25\nsources: [ap-2024-08-19]\n---\nNew.\n"
    )
    random.seed(7)
    outcomes = set()
    for _ in range(12):
        process = subprocess.Popen(
            [sys.executable, str(REPO / "build.py"), "--quiet", "--no-search", "--no-cards"], cwd=project.root
        )
        time.sleep(random.uniform(0.05, 0.6))
        process.send_signal(signal.SIGKILL)
        process.wait()
        now = tree_digest(project.out)
        assert now == old or "timeline/new-one/index.html" in now
        outcomes.add(now == old)
        if now != old:
            project.write(
                "events/new-one.md", f"---\ntitle: New {_}\ndate: 2024-06-25\nsources: [ap-2024-08-19]\n---\n"
            )
            old = now
    assert project.cli().code == 0
    assert not list(project.root.glob(".output.*")), "stale temporary folders were not removed"


def test_refuses_to_replace_a_folder_it_did_not_build(project: Project) -> None:
    keep = project.root / "precious"
    keep.mkdir()
    (keep / "notes.txt").write_text("mine")
    run = project.cli("--out", "precious")
    assert run.code == 1 and "not a site built by this tool" in run.err
    assert (keep / "notes.txt").read_text() == "mine"
    run = project.cli("--out", "site_src/out")
    assert run.code == 1 and "must be outside" in run.err


def test_drafts_are_validated_but_not_published(project: Project) -> None:
    project.write(
        "events/wip.md", "---\ntitle: Work in progress\ndate: 2024\nsources: [anything]\ndraft: true\n---\n"
    )
    run = project.cli()
    assert run.code == 0 and "1 draft(s) skipped" in run.out
    assert not (project.out / "timeline/wip").exists()
    project.write(
        "events/wip.md", "---\ntitle: Work in progress\ndate: someday\nsources: [x]\ndraft: true\n---\n"
    )
    assert project.cli().code == 1


def test_a_build_leaves_next_to_no_cyclic_garbage() -> None:
    """Builds run with the cycle collector paused (pipeline._collector_paused), which is only
    right while they leave little in reference cycles: Python-Markdown's thirteen small objects
    a text (two closures of its own), and the route planner of the build. A nested function of ours that calls
    itself (a cycle a page or a text) must not come back."""
    import gc

    from explainer.pipeline import Builder, Project

    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        builder = Builder(Project(REPO / "site_src", REPO / "templates", REPO / "unused"), once=True)
        builder.assemble()
        found = gc.collect()
        ours = [o for o in gc.garbage if callable(o) and getattr(o, "__module__", "").startswith("explainer")]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if was_enabled:
            gc.enable()
    assert ours == []
    assert found <= 14 * len(builder.renderer.markdown) + 100


def test_two_processes_render_the_same_bytes_as_one(monkeypatch) -> None:
    import explainer.schedule
    from explainer.pipeline import Builder, Project

    project = Project(REPO / "site_src", REPO / "templates", REPO / "unused")
    serial = Builder(project)
    serial.renderer.workers = 1
    monkeypatch.setattr(explainer.schedule, "PARALLEL_FROM", 1)
    parallel = Builder(project)
    parallel.renderer.workers = 2
    assert parallel.assemble().rendered.files == serial.assemble().rendered.files


def test_a_two_process_build_writes_the_same_files(project: Project, monkeypatch) -> None:
    import explainer.schedule

    assert project.cli("--quiet").code == 0
    serial = tree_digest(project.out)
    monkeypatch.setattr(explainer.schedule, "PARALLEL_FROM", 1)
    assert project.cli("--quiet", "--out", "parallel").code == 0
    assert tree_digest(project.root / "parallel") == serial


def test_a_large_replaced_site_is_deleted_by_a_detached_process(project: Project, monkeypatch) -> None:
    """Beyond DELETE_APART_FROM files the old site is deleted apart, after the swap: the
    build does not wait for it, the new site is complete at once, and nothing is left."""
    import os

    import explainer.write

    monkeypatch.setattr(explainer.write, "DELETE_APART_FROM", 0)
    spawned: list[list[str]] = []  # the real posix_spawn runs; this only notes its arguments
    real_spawn = os.posix_spawn
    monkeypatch.setattr(
        os,
        "posix_spawn",
        lambda path, argv, *rest, **options: spawned.append(argv) or real_spawn(path, argv, *rest, **options),
    )
    assert project.cli("--quiet").code == 0
    first = tree_digest(project.out)
    assert not spawned  # nothing was replaced yet
    project.write("events/doha-round.md", (project.src / "events/doha-round.md").read_text() + "\nMore.\n")
    assert project.cli("--quiet").code == 0
    assert len(spawned) == 1 and Path(spawned[0][-1]).name.startswith(".output.tmp-")
    for _ in range(100):  # the detached deletion finishes on its own
        if not list(project.root.glob(".output.*")):
            break
        time.sleep(0.1)
    assert not list(project.root.glob(".output.*"))
    assert tree_digest(project.out).keys() == first.keys()


def test_cached_macros_give_every_page_what_a_direct_call_would(tmp_path: Path) -> None:
    """cached(macro, item) makes a macro's HTML once and gives it to other pages: on a long
    timeline (month, actor and sticking-point pages, events linked from other folders and
    from their own) the site is byte for byte the one the plain macro calls make; and a
    month page lists its events as lines, not their whole accounts."""
    import re

    from explainer.pipeline import Builder, Project

    sys.path.insert(0, str(REPO / "bench"))
    from synth import synthesize

    synthesize(tmp_path / "site_src", 120, seed=5)
    cached, direct = tmp_path / "cached", tmp_path / "direct"
    shutil.copytree(REPO / "templates", cached)
    # an event's line also on event pages, where its link is not the one actor pages have
    event = cached / "event.html"
    event.write_text(
        event.read_text(encoding="utf-8")
        .replace("import date_span,", "import event_line, date_span,")
        .replace("</article>", "{% if next %}<ol>{{ cached(event_line, next) }}</ol>{% endif %}</article>"),
        encoding="utf-8",
    )
    shutil.copytree(cached, direct)
    uses = 0
    for template in direct.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        plain, count = re.subn(r"cached\((\w+), ", r"\1(", text)
        uses += count
        template.write_text(plain, encoding="utf-8")
    assert uses >= 3
    built = Builder(Project(tmp_path / "site_src", cached, tmp_path / "out")).assemble()
    expected = Builder(Project(tmp_path / "site_src", direct, tmp_path / "out")).assemble()
    assert built.rendered.files == expected.rendered.files
    months = [path for path in built.rendered.files if path.startswith("timeline/by-month/")]
    assert months
    for path in months:
        page = BeautifulSoup(built.rendered.files[path], "html.parser")
        assert page.select("li.event-summary a[href]") and not page.select("article.event")
