"""What makes the site easy to read and scan, checked in the built pages (the browser tests
check the same in Chromium): citations that never start a line, typographic quotes in every
headline, and a first timeline page that lists every event under its month."""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup

from explainer.pagedata import TIMELINE_LINES_LIMIT, TIMELINE_PAGE_LIMIT


def _pages(built_site: Path) -> list[Path]:
    return sorted(built_site.rglob("*.html"))


def test_a_citation_is_joined_to_the_word_before_it(built_site: Path) -> None:
    joined = 0
    for path in _pages(built_site):
        html = path.read_text(encoding="utf-8")
        assert not re.search(r'[ \t\n]<sup class="cite">', html), f"{path}: a citation may start a line"
        joined += html.count('\u00a0<sup class="cite">')
    assert joined > 500


def test_headlines_have_typographic_quotes(built_site: Path) -> None:
    with_quotes = 0
    for path in _pages(built_site):
        for heading in BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").select(
            "h1, h2, h3, title"
        ):
            text = heading.get_text()
            assert "'" not in text and '"' not in text, f"{path}: {text}"
            with_quotes += "\u2019" in text or "\u201c" in text
    assert with_quotes > 10, "the real titles have apostrophes and quotes"


def test_the_first_timeline_page_lists_every_event_under_its_month(built_site: Path) -> None:
    page = BeautifulSoup((built_site / "timeline/index.html").read_text(encoding="utf-8"), "html.parser")
    event_pages = [
        p for p in (built_site / "timeline").iterdir() if p.is_dir() and not p.name.startswith("by-")
    ]
    lines = page.select(".month li.event-brief")
    assert len(lines) == len(event_pages), "every event, a line each"
    assert TIMELINE_PAGE_LIMIT < len(lines) <= TIMELINE_LINES_LIMIT, "the real timeline is paged"
    jump = page.select(".jump a")
    months = page.select("section.month")
    assert len(jump) == len(months) > 5
    for link, month in zip(jump, months, strict=True):
        assert link["href"] == f"#{month.h2['id']}"
        month_page = month.h2.a["href"]
        assert (built_site / "timeline" / month_page).is_file(), "each month heading leads to its page"


def test_each_month_page_marks_itself_in_its_list_of_months(built_site: Path) -> None:
    month_pages = sorted((built_site / "timeline/by-month").glob("*/index.html"))
    assert len(month_pages) > 5
    for path in month_pages:
        page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        links = page.select(".jump a")
        assert len(links) == len(month_pages)
        current = [a for a in links if a.get("aria-current") == "page"]
        assert len(current) == 1 and current[0]["href"] == "index.html", path
