"""Search: a build indexes its pages with Pagefind (the same pages, the same index, whatever
order they were written in), `--no-search` skips it, only the pages worth finding are
indexed, and the search page lists every page for readers without JavaScript."""

from __future__ import annotations

import shutil
from pathlib import Path

from bs4 import BeautifulSoup
from conftest import REPO, Project
from test_build import tree_digest

from explainer.search import MIRROR, SEARCH_FOLDER, _pagefind, index


def _searchable(project: Project) -> Project:
    return Project(project.root, search=True)  # (cards stay off: test_cards.py)


def test_a_build_indexes_its_pages_and_a_second_build_has_nothing_to_do(project: Project) -> None:
    searching = _searchable(project)
    run = searching.cli()
    assert run.code == 0, run.err
    index = project.out / SEARCH_FOLDER
    assert (index / "pagefind.js").is_file() and (index / "pagefind-entry.json").is_file()
    assert any((index / "fragment").iterdir())
    assert not (project.out / MIRROR).exists(), "the mirror it read is gone"
    assert "nothing had changed" in searching.cli().out, "the index is part of what the build wrote"


def test_no_search_leaves_the_index_out(project: Project) -> None:
    assert project.cli("--quiet").code == 0  # (the test project builds with --no-search)
    assert not (project.out / SEARCH_FOLDER).exists()
    assert (project.out / "search/index.html").is_file()


def test_the_index_is_the_same_whatever_order_the_pages_were_written_in(tmp_path: Path) -> None:
    """Pagefind alone numbers pages in the order the file system lists them; through the
    sorted mirror, two copies written in opposite orders give the same index."""
    built = tmp_path / "built"
    shutil.copytree(REPO / "site_src", built / "site_src")
    assert Project(built).cli("--quiet").code == 0
    pages = sorted(p for p in (built / "output").rglob("*") if p.is_file())
    indexes = []
    for name, order in (("forwards", pages), ("backwards", pages[::-1])):
        copy = tmp_path / name
        for page in order:
            target = copy / page.relative_to(built / "output")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(page, target)
        index(copy)
        indexes.append(tree_digest(copy / SEARCH_FOLDER))
    assert indexes[0] == indexes[1] and len(indexes[0]) > 10


def test_pagefind_is_run_on_what_it_is_given(tmp_path: Path) -> None:
    """The search module's own call of Pagefind (a check that the binary is there and works)."""
    (tmp_path / "site").mkdir()
    (tmp_path / "site/index.html").write_text(
        "<!doctype html><html lang=en><title>t</title><main data-pagefind-body><h1>Rafah</h1><p>crossing</p></main>"
    )
    _pagefind(tmp_path / "site", tmp_path / "index")
    assert (tmp_path / "index/pagefind-entry.json").is_file()


def test_only_the_pages_worth_finding_are_indexed(built_site: Path) -> None:
    def body(path: str) -> BeautifulSoup | None:
        soup = BeautifulSoup((built_site / path).read_text(encoding="utf-8"), "html.parser")
        return soup.find("main", attrs={"data-pagefind-body": True})

    event = body("timeline/doha-round/index.html")
    assert event is not None and event["data-pagefind-meta"] == "kind:Event"
    assert event.find(attrs={"data-pagefind-meta": "date"}).get_text() == "15–16 August 2024"
    assert body("actors/hamas/index.html")["data-pagefind-meta"] == "kind:Actor"
    assert (
        body("sticking-points/philadelphi-corridor/index.html")["data-pagefind-meta"] == "kind:Sticking point"
    )
    for left_out in (
        "sources/index.html",
        "timeline/by-actor/hamas/index.html",
        "404.html",
        "search/index.html",
    ):
        assert body(left_out) is None, left_out
    notes = event.find("section", class_="notes")
    assert notes is not None and notes.has_attr("data-pagefind-ignore"), "the sources cited are not searched"
    assert event.find("nav", class_="site-nav") is None, "navigation lies outside what is searched"


def test_the_search_page_lists_every_page_without_javascript(built_site: Path) -> None:
    page = BeautifulSoup((built_site / "search/index.html").read_text(encoding="utf-8"), "html.parser")
    form = page.select_one("form.search-form")
    assert form is not None and form["action"] == "index.html" and form.select_one("input[name=q]")
    listed = {a["href"] for a in page.select(".site-index a")}
    events = [
        p.name for p in (built_site / "timeline").iterdir() if p.is_dir() and not p.name.startswith("by-")
    ]
    assert all(f"../timeline/{name}/index.html" in listed for name in events)
    assert "../actors/hamas/index.html" in listed and "../deal/phase-1/index.html" in listed
    header = BeautifulSoup((built_site / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert header.select_one("header form[role=search]")["action"] == "search/index.html"
    for path in ("index.html", "search/index.html"):
        soup = BeautifulSoup((built_site / path).read_text(encoding="utf-8"), "html.parser")
        loaded = [tag.get("src") or tag.get("href") for tag in soup.select("script[src], link[href]")]
        assert not any("pagefind" in str(url) for url in loaded), "nothing of the index loads before a search"
