"""The timeline's overview chart (charts.py), read from the built page: a marker a day, each a
link naming its events; labels beside their own markers, never overlapping; a tick where each
month begins; rounds of talks as spans."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

from bs4 import BeautifulSoup
from conftest import Project

from explainer.charts import LABEL_GAP, TICK_GAP, TOP


def _chart(built_site: Path) -> BeautifulSoup:
    page = BeautifulSoup((built_site / "timeline/index.html").read_text(encoding="utf-8"), "html.parser")
    svg = page.select_one("figure.overview svg")
    assert svg is not None
    return svg


def _events(built_site: Path) -> list[str]:
    return [
        p.name for p in (built_site / "timeline").iterdir() if p.is_dir() and not p.name.startswith("by-")
    ]


def test_every_marker_links_to_its_events_and_every_event_has_one(built_site: Path) -> None:
    svg = _chart(built_site)
    links = svg.select("a")
    assert links and all(link.get("aria-label") for link in links)
    for link in links:
        assert (built_site / "timeline" / link["href"]).resolve().is_file(), link["href"]
    named = " ".join(link["aria-label"] for link in links)
    titles = {
        name: BeautifulSoup(
            (built_site / "timeline" / name / "index.html").read_text(encoding="utf-8"), "html.parser"
        )
        .h1.get_text()
        .strip()
        for name in _events(built_site)
    }
    background = {"egypt-israel-peace-treaty", "border-agreement-2005"}  # (listed under the chart instead)
    missing = [name for name, title in titles.items() if name not in background and title not in named]
    assert not missing, f"events without a marker: {missing}"


def test_a_day_with_several_events_is_one_marker(built_site: Path) -> None:
    markers = [link for link in _chart(built_site).select("a") if link.circle]
    days = [link["aria-label"].split(": ", 1)[0] for link in markers]
    assert len(days) == len(set(days)), "one marker a day"
    assert any(";" in link["aria-label"] for link in markers), "the real timeline has busy days"


def test_labels_sit_beside_their_markers_and_never_overlap(built_site: Path) -> None:
    svg = _chart(built_site)
    assert not svg.select("path.leader"), "no leader lines while every event has its dot"
    labelled = [link for link in svg.select("a") if link.circle and link.find("text")]
    ys = [float(link.find("text")["y"]) for link in labelled]
    assert all(abs(float(link.circle["cy"]) + 4 - y) < 0.01 for link, y in zip(labelled, ys, strict=True))
    assert all(b - a >= LABEL_GAP - 0.01 for a, b in itertools.pairwise(ys)), ys
    ticks = [float(t["y"]) for t in svg.select("text.tick-label")]
    assert all(b - a >= TICK_GAP - 0.01 for a, b in itertools.pairwise(ticks)), ticks


def test_months_are_ticked_where_they_begin_and_rounds_drawn_as_spans(built_site: Path) -> None:
    svg = _chart(built_site)
    names = [t.get_text() for t in svg.select("text.tick-label")]
    assert "August" in names and "July" in names
    august = next(t for t in svg.select("text.tick-label") if t.get_text() == "August")
    tick_y = float(august["y"]) - 4
    in_august = [
        float(a.circle["cy"]) for a in svg.select("a") if a.circle and re.match(r"\d+ Aug", a["aria-label"])
    ]
    last_of_july = [
        float(a.circle["cy"]) for a in svg.select("a") if a.circle and a["aria-label"].startswith("31 Jul")
    ]
    assert last_of_july and last_of_july[0] < tick_y, "the August tick comes after 31 July"
    assert in_august and tick_y <= min(in_august), "and before the first day of August with events"
    spans = svg.select("rect.span")
    assert spans and float(spans[-1]["height"]) > 0 and float(spans[0]["y"]) >= TOP
    doha = [a for a in svg.select("a") if a.rect and "Doha" in a["aria-label"]]
    assert doha, "the Doha round is a span"


def test_a_labelled_markers_name_starts_with_its_label(built_site: Path) -> None:
    """WCAG 2.5.3 (label in name): speech input users say what they see."""
    labelled = [link for link in _chart(built_site).select("a") if link.find("text")]
    assert labelled
    for link in labelled:
        assert link["aria-label"].startswith(link.find("text").get_text() + ": "), link["aria-label"]


def test_a_labelled_spans_name_starts_with_its_label(project: Project) -> None:
    """A round whose first day has no key event is labelled on its span: named the same way."""
    event = project.src / "events/doha-round.md"
    event.write_text(event.read_text(encoding="utf-8").replace("importance: key", "importance: normal"))
    assert project.cli().code == 0
    (span,) = [link for link in _chart(project.out).select("a") if link.rect and link.find("text")]
    assert span.find("text").get_text() == "Doha round"
    assert span["aria-label"].startswith("Doha round: "), span["aria-label"]
