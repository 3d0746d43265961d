"""Hostile content comes out inert in every output: HTML, JSON-LD, feed, sitemap, open data.

Payloads go into every kind of text field and Markdown body; the outputs are then parsed (HTML
with BeautifulSoup, XML with ElementTree, JSON with json), not merely searched for strings.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from conftest import REPO, Project

from explainer.typography import smarten

PAYLOADS = [
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
    '"><svg onload=alert(1)>',
    "<svg><script>alert(1)</script></svg>",
    "</script><script>alert(1)</script>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)",
    "' onmouseover='alert(1)",
    '<a href="javascript:alert(1)">x</a>',
    '<iframe src="data:text/html,<script>alert(1)</script>"></iframe>',
    "<style>body{display:none}</style>",
]
ONE_LINE = " ".join(PAYLOADS)
# how the first payload reads on a page: as text, with typographic quotes (typography.py)
SHOWN = smarten(PAYLOADS[0])
MARKDOWN_ATTACKS = """
[click](javascript:alert(1)) [data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)
[mixed case](JaVaScRiPt:alert(1)) [tabbed](java\tscript:alert(1)) [entity](&#106;avascript:alert(1))
![img](javascript:alert(1)) <javascript:alert(1)> [ref][r]

[r]: javascript:alert(1)

<div onclick="alert(1)">block html</div>

<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>
"""
DANGEROUS_SCHEMES = ("javascript", "data", "vbscript")


def yaml_text(text: str) -> str:
    return json.dumps(text)  # a JSON string is a valid YAML scalar


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real site with payloads in every text field of every content type."""
    root = tmp_path_factory.mktemp("hostile")
    shutil.copytree(REPO / "site_src", root / "site_src")
    shutil.copytree(REPO / "templates", root / "templates")
    project = Project(root)
    value = yaml_text(ONE_LINE)
    project.write(
        "events/hostile.md",
        f"---\ntitle: {value}\nshort_title: {value}\ndate: 2024-06-20\ndisplay_date: {value}\nlocation: {value}\n"
        f"actors: [hostile-actor]\nsticking_points: [hostile-point]\nsources: [hostile-source]\nimportance: key\n---\n"
        f"{ONE_LINE} [[hostile-actor]] [[term:hostile-term]] [@hostile-source]\n{MARKDOWN_ATTACKS}\n",
    )
    project.write(
        "actors/hostile-actor.md",
        f"---\nname: {value}\nshort_name: {value}\nkind: person\nrole: {value}\npart: other\nsources: [hostile-source]\n---\n"
        f"{ONE_LINE}\n{MARKDOWN_ATTACKS}\n",
    )
    project.write(
        "sticking_points/hostile-point.md",
        f"---\ntitle: {value}\nsummary: {value}\npositions:\n  - actor: hostile-actor\n    stance: {value}\n"
        f"    sources: [hostile-source]\n---\n{MARKDOWN_ATTACKS}\n",
    )
    project.write(
        "phases/phase-4.md",
        f"---\nnumber: 4\ntitle: {value}\nduration: {value}\nsummary: {value}\n"
        f"provisions:\n  - text: {value}\n    sources: [hostile-source]\n---\n{MARKDOWN_ATTACKS}\n",
    )
    project.write("pages/hostile.md", f"---\ntitle: {value}\ndescription: {value}\n---\n{MARKDOWN_ATTACKS}\n")
    for file, entry in [
        (
            "sources.yaml",
            f'- id: hostile-source\n  publisher: {value}\n  title: {value}\n  url: "https://example.org/?q=\\"><script>alert(1)</script>"\n  via: {value}\n  note: {value}\n',
        ),
        (
            "quotes.yaml",
            f"- id: hostile-quote\n  speaker: hostile-actor\n  date: 2024-08-20\n  text: {value}\n  context: {value}\n  event: hostile\n  source: hostile-source\n",
        ),
        (
            "glossary.yaml",
            f"- id: hostile-term\n  term: {value}\n  definition: {value}\n  sources: [hostile-source]\n",
        ),
    ]:
        path = project.src / file
        path.write_text(path.read_text() + "\n" + entry)
    site = (project.src / "site.yaml").read_text()
    (project.src / "site.yaml").write_text(
        site.replace("publisher:", "#").rstrip("\n") + f"\npublisher: {value}\n"
    )
    run = project.cli("--quiet")
    assert run.code == 0, run.err
    return project.out


def assert_inert_html(html: str, where: str, allowed_scripts: bool = True) -> None:
    soup = BeautifulSoup(html, "html.parser")
    for script in soup.find_all("script"):
        assert allowed_scripts, f"{where}: a script element"
        ours = re.fullmatch(r"(\.\./)*assets/(timeline|search)\.[0-9a-f]{10}\.js", script.get("src") or "")
        assert ours or script.get("type") == "application/ld+json", f"{where}: {script}"
    for tag in soup.find_all(True):
        assert tag.name not in ("iframe", "object", "embed", "style", "svg") or (
            tag.name == "svg" and (tag.get("role") == "img" or tag.parent.get("class") == ["overview"])
        ), f"{where}: <{tag.name}>"  # (our drawings: the overview's has links, so it is no img)
        for attribute, value in tag.attrs.items():
            assert not attribute.lower().startswith("on"), f"{where}: {attribute} on <{tag.name}>"
            if attribute in ("href", "src", "action", "formaction", "xlink:href"):
                scheme = urlsplit(str(value).strip()).scheme.lower()
                assert scheme not in DANGEROUS_SCHEMES, f"{where}: {attribute}={value}"
            assert attribute != "style", f"{where}: style attribute"


def test_every_html_page_is_inert(hostile_site: Path) -> None:
    pages = sorted(hostile_site.rglob("*.html"))
    assert len(pages) > 100
    seen_payload = 0
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert_inert_html(html, str(page.relative_to(hostile_site)))
        seen_payload += SHOWN in smarten(BeautifulSoup(html, "html.parser").get_text())
    assert seen_payload > 5  # the payloads are there, as text


def test_json_ld_keeps_payloads_as_data(hostile_site: Path) -> None:
    for page in ("timeline/hostile/index.html", "actors/hostile-actor/index.html", "hostile/index.html"):
        soup = BeautifulSoup((hostile_site / page).read_text(encoding="utf-8"), "html.parser")
        scripts = soup.find_all("script", type="application/ld+json")
        assert len(scripts) == 1
        raw = scripts[0].string
        assert "</script" not in raw.lower() and "<" not in raw
        data = json.loads(raw)
        assert SHOWN in smarten(json.dumps(data, ensure_ascii=False))


def test_feed_and_sitemap_are_inert(hostile_site: Path) -> None:
    feed = ElementTree.parse(hostile_site / "feed.xml").getroot()
    atom = "{http://www.w3.org/2005/Atom}"
    entry = next(e for e in feed.findall(f"{atom}entry") if e.findtext(f"{atom}id").endswith("/hostile/"))
    assert SHOWN in smarten(entry.findtext(f"{atom}title"))  # text, not markup
    assert_inert_html(entry.findtext(f"{atom}content"), "feed content", allowed_scripts=False)
    for element in feed.iter():
        assert not element.tag.endswith("script")
    sitemap = ElementTree.parse(hostile_site / "sitemap.xml").getroot()
    for loc in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc"):
        assert urlsplit(loc.text).scheme == "https" and "<" not in loc.text


def _inert_values(value: object, where: str, key: str = "") -> int:
    """Every HTML string in open data is inert; every URL is http(s). Returns how many HTML
    strings it checked."""
    if isinstance(value, dict):
        return sum(_inert_values(element, where, name) for name, element in value.items())
    if isinstance(value, list):
        return sum(_inert_values(element, where, key) for element in value)
    if isinstance(value, str) and (key.endswith("_html") or (key == "text" and "<p>" in value)):
        assert_inert_html(value, f"{where}:{key}", allowed_scripts=False)
        return 1
    if isinstance(value, str) and key == "url":
        assert urlsplit(value).scheme in ("http", "https"), value
    return 0


def test_open_data_is_inert(hostile_site: Path) -> None:
    checked = {
        file.name: _inert_values(json.loads(file.read_text(encoding="utf-8")), file.name)
        for file in sorted((hostile_site / "data").glob("*.json"))
    }
    # the payloads are in every kind's Markdown, so every file holding Markdown was checked
    for name in (
        "events.json",
        "actors.json",
        "phases.json",
        "sticking-points.json",
        "glossary.json",
        "timeline.json",
    ):
        assert checked[name] > 0, name
    hostile = next(
        json.loads(line.rstrip(","))
        for line in (hostile_site / "data/events.json").read_text(encoding="utf-8").splitlines()
        if '"id":"hostile"' in line
    )
    assert _inert_values(hostile, "the hostile event") == 1  # its body, where the payloads are


def test_markdown_links_with_dangerous_schemes_are_removed(hostile_site: Path) -> None:
    soup = BeautifulSoup(
        (hostile_site / "timeline/hostile/index.html").read_text(encoding="utf-8"), "html.parser"
    )
    prose = soup.select_one(".prose")
    links = {a.get_text(): a for a in prose.select("a")}
    for label in ("click", "data", "mixed case", "tabbed", "entity"):
        assert label in prose.get_text(), f"the words of the [{label}] link are shown"
        link = links.get(label)  # kept as a link only without its dangerous address
        assert link is None or not link.get("href") or urlsplit(link["href"]).scheme in ("", "http", "https")
    assert "block html" in soup.select_one(".prose").get_text()  # raw HTML shown as text
