"""Updates and corrections are published: on the item, on a changes page, on the start page,
in the Atom feed and in the open data; a malformed note is an error at its line."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from bs4 import BeautifulSoup
from conftest import Project

ATOM = "{http://www.w3.org/2005/Atom}"
# New items with notes (on days no real note uses): two on an event, one on a page and a term.
NOTED_EVENT = """
---
title: A noted event
date: 2024-06-20
sources: [ap-2024-08-19]
updates:
  - date: 2030-01-02
    kind: correction
    note: An earlier version gave the *wrong* city.
  - date: 2030-01-05
    kind: update
    note: Added the location.
---
It happened [@ap-2024-08-19].
"""
NOTED_PAGE = """
---
title: A noted page
updates:
  - date: 2030-01-03
    kind: update
    note: Explained the corrections policy.
---
Text [@ap-2024-08-19].
"""
NOTED_TERM = """
- id: zz-noted
  term: Zz noted term
  definition: A term [@ap-2024-08-19].
  sources: [ap-2024-08-19]
  updates:
    - date: 2030-01-04
      kind: correction
      note: The definition was wrong.
"""


def page(project: Project, path: str) -> BeautifulSoup:
    return BeautifulSoup((project.out / path).read_text(encoding="utf-8"), "html.parser")


def with_notes(project: Project) -> Project:
    project.write("events/zz-noted.md", NOTED_EVENT)
    project.write("pages/zz-noted.md", NOTED_PAGE)
    glossary = project.src / "glossary.yaml"
    glossary.write_text(glossary.read_text(encoding="utf-8") + NOTED_TERM, encoding="utf-8")
    run = project.cli("--quiet")
    assert run.code == 0, run.err
    return project


def test_an_items_page_shows_updated_and_its_notes(project: Project) -> None:
    with_notes(project)
    event = page(project, "timeline/zz-noted/index.html")
    updated = event.select_one("h1 + p.updated")
    assert updated is not None, "the Updated line sits right under the title"
    assert updated.time["datetime"] == "2030-01-05"
    assert "includes a correction" in updated.get_text()
    notes = event.select("#updates li")
    assert [li["id"] for li in notes] == ["update-2", "update-1"], "newest first, ids stable"
    assert "Correction" in notes[1].get_text() and notes[1].em.get_text() == "wrong"


def test_the_changes_page_lists_every_note_newest_first(project: Project) -> None:
    with_notes(project)
    changes = page(project, "changes/index.html")
    items = changes.select(".change-list > li")
    dates = [li.time["datetime"] for li in items]
    assert dates[:4] == ["2030-01-05", "2030-01-04", "2030-01-03", "2030-01-02"]
    links = [li.select("a")[0]["href"] for li in items[:4]]
    assert links == [
        "../timeline/zz-noted/index.html#update-2",
        "../glossary/index.html#term-zz-noted-update-1",
        "../zz-noted/index.html#update-1",
        "../timeline/zz-noted/index.html#update-1",
    ]
    # every link lands on an element that exists
    assert page(project, "glossary/index.html").find(id="term-zz-noted-update-1")
    assert page(project, "zz-noted/index.html").find(id="update-1")
    home = page(project, "index.html")
    last = home.select_one(".as-of")
    assert "Last changed" in last.get_text() and last.select("time")[-1]["datetime"] == "2030-01-05"
    assert last.a["href"] == "changes/index.html"


def test_the_feed_carries_each_note_and_is_dated_by_the_newest(project: Project) -> None:
    with_notes(project)
    feed = ET.parse(project.out / "feed.xml").getroot()
    assert feed.findtext(f"{ATOM}updated") == "2030-01-05T00:00:00Z"
    entries = {e.findtext(f"{ATOM}id"): e for e in feed.findall(f"{ATOM}entry")}
    note = entries["https://example.org/gaza-talks/timeline/zz-noted/#update-1"]
    assert note.findtext(f"{ATOM}updated") == "2030-01-02T00:00:00Z"
    assert note.findtext(f"{ATOM}title").startswith("Correction: ")
    assert "<em>wrong</em>" in note.findtext(f"{ATOM}content")
    assert len(entries) == len(feed.findall(f"{ATOM}entry")), "entry ids are unique"


def test_the_feed_is_dated_by_content_not_by_the_build(project: Project) -> None:
    """Without notes newer than the events, the feed's date is the newest note or event."""
    assert project.cli("--quiet").code == 0
    feed = ET.parse(project.out / "feed.xml").getroot()
    entry_dates = [e.findtext(f"{ATOM}updated") for e in feed.findall(f"{ATOM}entry")]
    assert feed.findtext(f"{ATOM}updated") == max(entry_dates)


def test_open_data_holds_the_notes(project: Project) -> None:
    with_notes(project)
    lines = (project.out / "data/events.json").read_text(encoding="utf-8").splitlines()
    noted = next(json.loads(line.rstrip(",")) for line in lines if '"id":"zz-noted"' in line)
    assert noted["updates"][0] == {
        "date": "2030-01-02",
        "kind": "correction",
        "note": "An earlier version gave the *wrong* city.",
        "note_html": "An earlier version gave the <em>wrong</em> city.",
    }
    pages = (project.out / "data/pages.json").read_text(encoding="utf-8")
    assert "Explained the corrections policy." in pages


def test_malformed_notes_are_located_errors(project: Project) -> None:
    project.write(
        "events/zz-bad-notes.md",
        "---\ntitle: Bad notes\ndate: 2024-06-20\nsources: [ap-2024-08-19]\nupdates:\n"
        "  - kind: correction\n    note: No date.\n"
        "  - date: 2030-01-02\n    kind: fix\n    note: Odd kind.\n"
        "  - date: 2030-01\n    kind: update\n---\n",
    )
    run = project.cli()
    assert run.code == 1 and "Traceback" not in run.err
    assert not project.out.exists()
    assert sorted(run.errors) == [
        "site_src/events/zz-bad-notes.md:11: updates[2].date: '2030-01' is not a whole date: write the day too, e.g. 2026-12-05",
        "site_src/events/zz-bad-notes.md:11: updates[2]: missing required field 'note' (what changed; a correction says what was wrong)",
        "site_src/events/zz-bad-notes.md:6: updates[0]: missing required field 'date' (the day of the change, YYYY-MM-DD)",
        "site_src/events/zz-bad-notes.md:9: updates[1].kind: 'fix' is not allowed; use one of: correction, update",
    ]
