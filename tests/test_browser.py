"""Every page type in a real browser: accessible, error-free, usable at 360 px, without JS, by keyboard."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from conftest import REPO, Project

# Needs Debian's Chromium (through Playwright) and, for the Nu Html Checker, Java: run the rest
# alone with `python -m pytest -m "not browser"`.
pytestmark = pytest.mark.browser
Axe = pytest.importorskip(
    "axe_playwright_python.sync_playwright", reason="axe-playwright-python is not installed"
).Axe

PAGE_TYPES = [
    "index.html",
    "timeline/index.html",
    "timeline/by-actor/hamas/index.html",
    "timeline/by-month/2024-08/index.html",
    "timeline/doha-round/index.html",
    "actors/index.html",
    "actors/hamas/index.html",
    "deal/index.html",
    "deal/phase-1/index.html",
    "sticking-points/index.html",
    "sticking-points/netzarim-and-the-north/index.html",
    "quotes/index.html",
    "glossary/index.html",
    "sources/index.html",
    "sources/ap-2024-08-19/index.html",
    "changes/index.html",
    "where-things-stand/index.html",
    "search/index.html",
    "about/index.html",
    "404.html",
]
BUDGET_BYTES = 60 * 1024
SITE_PATH = "/gaza-talks/"  # the path of site.yaml's base_url, where 404.html's links start
axe = Axe()


@pytest.fixture
def page(chromium):
    """A fresh page that records console errors, page errors and every request it makes."""
    context = chromium.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.problems = []
    page.hosts = set()
    page.on("console", lambda message: message.type == "error" and page.problems.append(message.text))
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    page.on("request", lambda request: page.hosts.add(urlsplit(request.url).netloc))
    yield page
    context.close()


def violations(page) -> list[str]:
    results = axe.run(page)
    return [
        f"{v['id']}: {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
    ]


@pytest.mark.parametrize("path", PAGE_TYPES)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violations(page, site_url: str, path: str, scheme: str) -> None:
    page.emulate_media(color_scheme=scheme)
    page.goto(site_url + path)
    assert violations(page) == []


@pytest.mark.parametrize("path", PAGE_TYPES)
def test_no_console_errors_and_no_other_hosts(page, site_url: str, path: str) -> None:
    page.goto(site_url + path, wait_until="networkidle")
    assert page.problems == []
    assert page.hosts == {urlsplit(site_url).netloc}


@pytest.mark.parametrize("path", PAGE_TYPES)
def test_no_horizontal_scrolling_at_360px(page, site_url: str, path: str) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(site_url + path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


@pytest.mark.parametrize("path", PAGE_TYPES)
def test_content_is_there_without_javascript(chromium, site_url: str, path: str) -> None:
    """JavaScript only enhances: with it off, the main content reads exactly the same."""
    texts = []
    for enabled in (True, False):
        context = chromium.new_context(java_script_enabled=enabled)
        page = context.new_page()
        page.goto(site_url + path)
        assert page.locator("main h1").count() == 1
        texts.append(" ".join(page.locator("main").inner_text().split()))
        context.close()
    assert len(texts[1]) > 100
    assert texts[0] == texts[1]


@pytest.mark.parametrize("path", PAGE_TYPES)
def test_keyboard_reaches_every_link(page, site_url: str, path: str) -> None:
    page.goto(site_url + path)
    visible_links = page.evaluate(
        "[...document.querySelectorAll('a[href]')].filter(a => a.checkVisibility()).length"
    )
    stops = page.evaluate("document.querySelectorAll('a[href], summary, button, [tabindex]').length")
    page.evaluate("document.querySelectorAll('a[href]').forEach((a, i) => a.dataset.index = i)")
    reached = set()
    for _ in range(stops + 5):
        page.keyboard.press("Tab")
        index = page.evaluate("document.activeElement.dataset.index")
        if index is not None:
            reached.add(index)
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline != "none" or page.evaluate("document.activeElement === document.body")
    assert len(reached) == visible_links


def test_skip_link_is_first_and_leads_to_main(page, site_url: str) -> None:
    page.goto(site_url + "timeline/index.html")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to the content"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_glossary_definition_shows_on_focus_and_hover(page, site_url: str) -> None:
    page.goto(site_url + "index.html")
    term = page.locator(".term > a").first
    tip = page.locator(".term .tip").first
    assert not tip.is_visible()
    term.focus()
    assert tip.is_visible()
    page.mouse.move(0, 0)
    page.keyboard.press("Tab")
    assert not tip.is_visible()
    term.hover()
    assert tip.is_visible()
    described = term.get_attribute("aria-describedby")
    assert page.locator(f"#{described}").inner_text() == tip.inner_text()


@pytest.fixture(scope="module")
def short_timeline_url(tmp_path_factory: pytest.TempPathFactory):
    """A site whose timeline is one page of cards (up to 40 events), where filters work in
    place; the real explainer has more events, so its timeline has a page per month."""
    from browser import static_server

    root = tmp_path_factory.mktemp("short")
    subprocess.run(
        [sys.executable, str(REPO / "bench/synth.py"), "--events", "30", "--out", str(root / "site_src")],
        check=True,
        capture_output=True,
    )
    shutil.copytree(REPO / "templates", root / "templates")
    with static_server(root / "output") as url:
        run = Project(root).cli("--quiet", "--base-url", url)
        assert run.code == 0, run.err
        yield url


def test_timeline_filter_works_in_place_with_javascript(page, short_timeline_url: str) -> None:
    page.goto(short_timeline_url + "timeline/index.html")
    total = page.locator(".month .event").count()
    page.locator("summary", has_text="who was involved").click()
    page.locator(".filters a").first.click()
    assert page.url.endswith("timeline/index.html")
    shown = page.locator(".month .event:visible").count()
    assert 0 < shown < total
    assert "Showing" in page.locator(".filter-status").inner_text()
    page.get_by_role("button", name="Show all events").click()
    assert page.locator(".month .event:visible").count() == total


def test_timeline_filter_pages_work_without_javascript(chromium, site_url: str) -> None:
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + "timeline/index.html")
    page.locator("summary", has_text="sticking point").click()
    page.locator(".filters a", has_text="The Philadelphi corridor").click()
    assert page.url.endswith("timeline/by-sticking-point/philadelphi-corridor/index.html")
    assert page.locator("h1").inner_text() == "Timeline: The Philadelphi corridor"
    assert 0 < page.locator("li.event-summary").count() < 10
    context.close()


def test_positions_matrix_becomes_cards_on_a_phone(page, site_url: str) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(site_url + "sticking-points/index.html")
    cell = page.locator(".matrix td:not(.empty)").first
    label = page.evaluate("el => getComputedStyle(el, '::before').content", cell.element_handle())
    assert label.strip('"') == cell.get_attribute("data-label")
    assert not page.locator(".matrix thead").is_visible()


def test_print_shows_source_urls(page, site_url: str) -> None:
    page.goto(site_url + "timeline/doha-round/index.html")
    page.emulate_media(media="print")
    link = page.locator(".notes a.external").first
    after = page.evaluate("el => getComputedStyle(el, '::after').content", link.element_handle())
    assert link.get_attribute("href") in after
    assert not page.locator(".site-nav").is_visible()


def test_every_page_fits_the_budget(built_site: Path) -> None:
    for html in sorted(built_site.rglob("*.html")):
        soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
        total = html.stat().st_size
        for tag in soup.find_all(["link", "script"]):
            ref = (
                tag.get("href")
                if tag.name == "link" and "stylesheet" in tag.get("rel", [])
                else tag.get("src")
            )
            if ref:
                local = built_site / ref.removeprefix(SITE_PATH) if ref.startswith("/") else html.parent / ref
                total += local.resolve().stat().st_size
        assert total <= BUDGET_BYTES, f"{html.relative_to(built_site)}: {total} bytes"


def test_no_page_refers_to_another_host_for_assets(built_site: Path) -> None:
    for html in sorted(built_site.rglob("*.html")):
        soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
        for tag in soup.find_all(["link", "script", "img", "iframe", "source"]):
            ref = tag.get("src") or (
                tag.get("href") if tag.name == "link" and tag.get("rel") != ["canonical"] else None
            )
            if ref and tag.get("rel") != ["alternate"]:
                assert not urlsplit(ref).netloc, f"{html}: {ref}"


def test_nu_html_checker_finds_no_errors(built_site: Path) -> None:
    vnu = REPO / "node_modules/vnu-jar/build/dist/vnu.jar"
    assert vnu.is_file(), "run `npm ci` to install the Nu Html Checker (vnu-jar)"
    assert shutil.which("java"), "the Nu Html Checker needs Java"
    done = subprocess.run(
        ["java", "-jar", str(vnu), "--errors-only", "--format", "json", "--skip-non-html", str(built_site)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(done.stderr or '{"messages": []}')["messages"]
    problems = [
        f"{re.sub('^.*/output/', '', m.get('url', ''))}:{m.get('lastLine')}: {m['message']}" for m in messages
    ]
    assert problems == []


def test_the_compact_timeline_opens_each_account_in_place(page, short_timeline_url: str) -> None:
    """One line an event (date, title, who); Enter on it shows its whole account; and axe
    finds nothing wrong with it, one of them open."""
    page.goto(short_timeline_url + "timeline/index.html")
    events = page.locator(".month .event")
    assert events.count() == 30 and page.locator(".compact details[open]").count() == 0
    first = events.first
    assert first.locator(".when").is_visible() and first.locator(".what").is_visible()
    assert not first.locator(".account").is_visible()
    first.locator("summary").focus()
    page.keyboard.press("Enter")
    assert first.locator(".account").is_visible()
    assert first.locator(".account a", has_text="The event on a page of its own").is_visible()
    assert page.locator(".jump").count() == 0, (
        "one month: nothing to jump to (the real timeline's is in test_reading)"
    )
    assert Axe().run(page).violations_count == 0


def test_the_compact_timeline_opens_without_javascript(chromium, short_timeline_url: str) -> None:
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(short_timeline_url + "timeline/index.html")
    line = page.locator(".month .event").nth(2)
    line.locator("summary").click()
    assert line.locator(".account").is_visible()
    context.close()


@pytest.mark.parametrize("width", [320, 390, 430])
def test_a_definition_stays_inside_a_phone_screen(page, site_url: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(site_url + "index.html")
    terms = page.locator(".term > a")
    assert terms.count() >= 3
    for index in range(terms.count()):
        terms.nth(index).focus()
        tip = page.locator(".term").nth(index).locator(".tip").bounding_box()
        assert tip is not None and tip["x"] >= 0 and tip["x"] + tip["width"] <= width
        assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_citation_links_are_targets_of_24_px(page, site_url: str) -> None:
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(site_url + "timeline/doha-round/index.html")
    links = page.locator("sup.cite a")
    assert links.count() >= 2
    for index in range(links.count()):
        box = links.nth(index).bounding_box()
        assert box is not None and box["width"] >= 24 and box["height"] >= 24


def test_search_finds_pages_with_their_kind_and_date(page, site_url: str) -> None:
    """The header's box leads to the search page, which loads Pagefind's index only then."""
    page.goto(site_url + "index.html")
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    page.fill("#site-search", "Doha")
    page.press("#site-search", "Enter")
    page.wait_for_selector(".search-list li")
    assert "search/index.html?q=Doha" in page.url
    first = page.locator(".search-list li").first
    assert first.locator("mark").count() >= 1, "the words found are marked"
    kinds = page.locator(".search-list .meta").all_inner_texts()
    assert any(kind.startswith("Event · ") and "August 2024" in kind for kind in kinds), kinds
    href = first.locator("a").get_attribute("href")
    assert href and href.endswith("/index.html")
    first.locator("a").click()
    assert page.locator("h1").count() == 1 and "search" not in page.url
    assert any("/pagefind/" in url for url in fetched)
    assert Axe().run(page).violations_count == 0


def test_without_javascript_the_search_box_leads_to_the_site_index(chromium, site_url: str) -> None:
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + "actors/index.html")
    page.fill("#site-search", "Rafah")
    page.press("#site-search", "Enter")
    assert "search/index.html?q=Rafah" in page.url
    assert page.locator(".site-index a", has_text="Mediators and Israel meet in Doha").is_visible()
    context.close()


@pytest.mark.parametrize(
    ("width", "scheme", "media"),
    [(320, "light", "screen"), (390, "dark", "screen"), (1200, "light", "print")],
)
def test_the_map_fits_reads_and_tells_sea_land_and_corridor_apart(
    page, site_url: str, width: int, scheme: str, media: str
) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.emulate_media(color_scheme=scheme, media=media)
    page.goto(site_url + "sticking-points/philadelphi-corridor/index.html")
    svg = page.locator("figure.locator svg")
    box = svg.bounding_box()
    assert svg.is_visible() and box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    town = page.locator("figure.locator svg text", has_text="Khan Younis").bounding_box()
    assert town is not None and town["height"] >= 10, "map labels stay legible on a phone"

    def colour(selector: str, prop: str = "fill") -> str:
        return page.eval_on_selector(f"figure.locator {selector}", f"el => getComputedStyle(el).{prop}")

    sea, land, strip = colour(".sea"), colour(".land-israel"), colour(".land-palestine")
    assert len({sea, land, strip}) == 3, (sea, land, strip)
    assert colour(".corridor", "stroke") not in {sea, land, strip}
