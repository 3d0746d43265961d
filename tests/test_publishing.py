"""Ready for any static host: sub-paths, metadata, feeds, caching headers, open data."""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import threading
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from urllib.request import urlopen
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from conftest import Project
from hypothesis import given, settings
from hypothesis import strategies as st
from test_build import tree_digest

BASE = "https://example.org/gaza-talks/"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def soup_of(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


class _SubPathHandler(http.server.SimpleHTTPRequestHandler):
    """A host that serves the site under /gaza-talks/ only, like a sub-path deploy."""

    def translate_path(self, path: str) -> str:
        if not path.startswith("/gaza-talks/"):
            return "/nonexistent"
        return super().translate_path(path[len("/gaza-talks") :])

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_every_link_works_under_a_sub_path(built_site: Path) -> None:
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_SubPathHandler, directory=str(built_site))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    root = f"http://127.0.0.1:{server.server_address[1]}/gaza-talks/"
    try:
        todo, seen = [root, root + "404.html"], set()
        while todo:
            url = todo.pop()
            if url in seen:
                continue
            seen.add(url)
            with urlopen(url, timeout=10) as response:
                assert response.status == 200, url
                body = response.read()
            if url.endswith((".html", "/")):
                for link in re.findall(rb'(?:href|src)="([^"#]+)', body):
                    target = urljoin(url, link.decode())
                    if urlsplit(target).netloc == urlsplit(root).netloc:
                        todo.append(target)
        assert len(seen) > 110  # every page, asset and feed
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("base", ["https://news.example.com/talks", "https://news.example.com/talks/"])
def test_base_url_with_or_without_trailing_slash(project: Project, base: str) -> None:
    assert project.cli("--base-url", base).code == 0
    canonical = soup_of(project.out / "actors/hamas/index.html").find("link", rel="canonical")["href"]
    assert canonical == "https://news.example.com/talks/actors/hamas/"
    assert '<link rel="stylesheet" href="/talks/assets/style.' in (project.out / "404.html").read_text()


def test_a_base_url_that_is_not_http_is_a_located_error(project: Project) -> None:
    text = (project.src / "site.yaml").read_text()
    project.write("site.yaml", re.sub(r"base_url: .*", "base_url: ftp://example.org/talks/", text))
    line = text[: text.index("base_url:")].count("\n") + 1
    run = project.cli()
    assert run.code == 1
    assert run.errors == [
        f"site_src/site.yaml:{line}: base_url: 'ftp://example.org/talks/' is not a web address: use a full http:// or https:// URL"
    ]


def test_absolute_urls_appear_only_where_they_must(built_site: Path) -> None:
    allowed = {("link", "href"), ("meta", "content")}
    for page in sorted(built_site.rglob("*.html")):
        soup = soup_of(page)
        for tag in soup.find_all(True):
            for attribute, value in tag.attrs.items():
                if isinstance(value, str) and value.startswith(("http://", "https://")) and BASE in value:
                    assert (tag.name, attribute) in allowed, f"{page}: <{tag.name} {attribute}={value}>"
        for script in soup.find_all("script", type="application/ld+json"):
            for url in re.findall(r'"(https?://[^"]+)"', script.string):
                assert url.startswith(BASE) or url == "https://schema.org", url


def test_sitemap_lists_every_page_with_content_dates(built_site: Path) -> None:
    entries = {
        loc.findtext(f"{SITEMAP}loc"): loc.findtext(f"{SITEMAP}lastmod")
        for loc in ElementTree.parse(built_site / "sitemap.xml").getroot()
    }
    pages = {
        BASE + str(p.relative_to(built_site).as_posix()).removesuffix("index.html")
        for p in built_site.rglob("*.html")
        if p.name != "404.html"
    }
    assert set(entries) == pages
    # an event's own date (its last day), or its newest update or correction note if later
    assert entries[BASE + "timeline/doha-round/"] == "2026-12-04"  # corrected that day
    assert entries[BASE + "timeline/fuad-shukr-killed/"] == "2024-07-30"  # never noted
    assert entries[BASE + "timeline/egypt-israel-peace-treaty/"] == "2026-12-04"  # 1979, then a note
    assert f"Sitemap: {BASE}sitemap.xml" in (built_site / "robots.txt").read_text()


def test_a_year_only_date_is_its_first_day_in_the_sitemap(project: Project) -> None:
    project.write(
        "events/year-only.md", "---\ntitle: Year only\ndate: 1990\nsources: [ap-2024-08-19]\n---\nText.\n"
    )
    assert project.cli("--quiet").code == 0
    sitemap = (project.out / "sitemap.xml").read_text(encoding="utf-8")
    assert "timeline/year-only/</loc><lastmod>1990-01-01</lastmod>" in sitemap.replace("\n", "").replace(
        " ", ""
    )


def test_feed_is_valid_atom_newest_first_with_stable_ids(built_site: Path, project: Project) -> None:
    feed = ElementTree.parse(built_site / "feed.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{name}") is not None, name
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == BASE + "feed.xml"
    entries = feed.findall(f"{ATOM}entry")
    updated = [entry.findtext(f"{ATOM}updated") for entry in entries]
    assert updated == sorted(updated, reverse=True)
    ids = [entry.findtext(f"{ATOM}id") for entry in entries]
    assert len(set(ids)) == len(ids) and all(i.startswith(BASE) for i in ids)
    assert feed.findtext(f"{ATOM}updated") == max(updated), "dated by its newest entry"
    for entry, entry_id in zip(entries, ids, strict=True):
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", entry.findtext(f"{ATOM}updated"))
        assert entry.find(f"{ATOM}title").text and entry.find(f"{ATOM}link[@rel='alternate']") is not None
        content = entry.find(f"{ATOM}content")
        assert content.get("type") == "html" and content.text
        # an event's own entry, or an update or correction note on an item
        assert entry_id.startswith(BASE + "timeline/") or "update-" in entry_id
        if "update-" not in entry_id:
            assert "<p>" in content.text
    assert project.cli().code == 0  # a second build gives the same ids
    again = ElementTree.parse(project.out / "feed.xml").getroot()
    assert [entry.findtext(f"{ATOM}id") for entry in again.findall(f"{ATOM}entry")] == ids


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("index.html", "WebSite"),
        ("timeline/doha-round/index.html", "Event"),
        ("actors/blinken/index.html", "Person"),
        ("actors/hamas/index.html", "Organization"),
        ("actors/qatar/index.html", "GovernmentOrganization"),
        ("glossary/index.html", "WebPage"),
    ],
)
def test_every_page_has_its_metadata(built_site: Path, path: str, kind: str) -> None:
    soup = soup_of(built_site / path)
    head = soup.head
    assert head.title.string
    assert head.find("meta", attrs={"name": "description"})["content"]
    canonical = head.find("link", rel="canonical")["href"]
    assert canonical == BASE + path.removesuffix("index.html")
    for prop in ("og:title", "og:description", "og:type", "og:url", "og:site_name"):
        assert head.find("meta", property=prop)["content"], prop
    assert head.find("meta", property="og:url")["content"] == canonical
    for name in ("twitter:card", "twitter:title", "twitter:description"):
        assert head.find("meta", attrs={"name": name})["content"], name
    data = json.loads(head.find("script", type="application/ld+json").string)
    assert data["@context"] == "https://schema.org" and data["@type"] == kind
    if kind == "Event":
        assert data["startDate"] == "2024-08-15" and data["endDate"] == "2024-08-16"


def test_assets_are_hashed_and_headers_cache_them(built_site: Path) -> None:
    assets = sorted(p.name for p in (built_site / "assets").iterdir())
    assert all(re.fullmatch(r"[\w-]+\.[0-9a-f]{10}\.\w+", name) for name in assets), assets
    headers = (built_site / "_headers").read_text()
    assert "/gaza-talks/assets/*\n  Cache-Control: public, max-age=31536000, immutable" in headers
    assert "/gaza-talks/timeline/*\n  Cache-Control: public, max-age=300, must-revalidate" in headers
    for header in ("Content-Security-Policy: ", "X-Content-Type-Options: nosniff", "Referrer-Policy: "):
        assert header in headers


def test_no_inline_script_or_style_and_the_same_csp_everywhere(built_site: Path) -> None:
    policy = re.search(r"Content-Security-Policy: (.*)", (built_site / "_headers").read_text()).group(1)
    assert "'unsafe-inline'" not in policy and "script-src 'self'" in policy
    for page in sorted(built_site.rglob("*.html")):
        soup = soup_of(page)
        assert soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"] == policy
        for script in soup.find_all("script"):
            assert script.get("src") or script.get("type") == "application/ld+json", page
        assert not soup.find("style") and not soup.find(style=True), page
        assert not soup.find(attrs={re.compile("^on"): True}), page


def test_open_data(built_site: Path) -> None:
    index = json.loads((built_site / "data/index.json").read_text())
    for name in ("events", "actors", "phases", "sticking-points", "quotes", "sources", "timeline"):
        assert index["files"][name] == f"{BASE}data/{name}.json"
    events = json.loads((built_site / "data/events.json").read_text())
    doha = next(e for e in events if e["id"] == "doha-round")
    assert doha["date"] == "2024-08-15" and doha["end_date"] == "2024-08-16"
    assert doha["url"] == BASE + "timeline/doha-round/" and "tass-2024-08-15" in doha["sources"]
    assert doha["body"].startswith("For two days") and doha["body_html"].startswith("<p>")
    # a quote's text is the exact words, not Markdown: no HTML of it (curly quotes would change it)
    quotes = json.loads((built_site / "data/quotes.json").read_text())
    assert quotes and all("text_html" not in quote and quote["text"] for quote in quotes)
    assert any("context_html" in quote for quote in quotes)
    phases = json.loads((built_site / "data/phases.json").read_text())
    assert phases[0]["provisions"][0]["sources"] == ["biden-2024-05-31"]
    timeline = json.loads((built_site / "data/timeline.json").read_text())
    assert timeline["title"]["text"]["headline"]
    first = timeline["events"][0]
    assert first["start_date"] == {"year": 1979} and first["text"]["headline"]
    assert {"year": 2024, "month": 8, "day": 15} in [e["start_date"] for e in timeline["events"]]


def test_source_date_epoch_changes_nothing(project: Project) -> None:
    assert project.process("--quiet").code == 0
    first = tree_digest(project.out)
    os.environ["SOURCE_DATE_EPOCH"] = "315532800"
    try:
        assert project.process("--quiet").code == 0
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]
    assert tree_digest(project.out) == first


def test_check_finds_broken_internal_links(project: Project) -> None:
    assert project.cli("check").code == 0
    project.write(
        "events/links-out.md",
        "---\ntitle: Links\ndate: 2024\nsources: [ap-2024-08-19]\n---\n[gone](../nowhere/index.html) "
        "[bad anchor](../../glossary/index.html#term-nothing) [@ap-2024-08-19]\n",
    )
    run = project.cli("check")
    assert run.code == 1
    assert "timeline/links-out/index.html:1: broken link '../nowhere/index.html'" in run.err
    assert "has no id 'term-nothing'" in run.err
    assert not project.out.exists()


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    st.lists(
        st.text(alphabet=st.sampled_from('a"\\\n\t\x01é’<>/ \ud7ff'), max_size=12), min_size=1, max_size=3
    ),
    st.text(alphabet=st.sampled_from('ab"\\ \n'), max_size=6),
)
def test_text_escaped_once_is_put_in_as_json_would_have_it(texts: list[str], around: str) -> None:
    """An item's texts are JSON-escaped once and put in where stand-ins hold their place
    (opendata.fragment): the bytes are those of the item with the texts themselves."""
    from explainer import opendata

    stand_ins = {opendata.stand_in(number): opendata.escaped(text) for number, text in enumerate(texts)}
    with_stand_ins = {"a": [around + stand_in + around for stand_in in stand_ins], "b": list(stand_ins)}
    with_texts = {"a": [around + text + around for text in texts], "b": texts}
    assert opendata.fragment(with_stand_ins, stand_ins) == opendata.fragment(with_texts, {})
