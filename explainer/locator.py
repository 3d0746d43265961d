"""The locator map of the Gaza Strip, drawn at build time as SVG geometry for a template.

The base map is a small extract kept in the package (geodata/gaza.json, made by
scripts/mapdata.py): Natural Earth's 1:10m country outlines, public domain, cut to a box
around the Strip; the Strip's borders with Israel and Egypt; towns from GeoNames (CC BY 4.0).
What the map marks on top (the corridors) is content: site_src/map.yaml, whose items say
where each is drawn in terms of the base map (`along` a border, or `across` the Strip midway
between two towns, marked approximate) and cite the facts that place them.

Longitude and latitude are projected onto a plane (equirectangular, scaled at the box's middle
latitude); over 60 km the error is far below a pixel. Templates only draw what is computed here.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

GEODATA = Path(__file__).parent / "geodata" / "gaza.json"
WIDTH = 400  # the picture's units; it scales to the column
EARTH_KM = 6371.0
SCALE_KM = 10


@cache
def basemap() -> dict[str, Any]:
    """The extract, read once a process."""
    return json.loads(GEODATA.read_text(encoding="utf-8"))


def line_ids() -> tuple[str, ...]:
    """The base map's lines a feature can run along: 'border-egypt', 'border-israel'."""
    return tuple(basemap()["lines"])


def place_ids() -> tuple[str, ...]:
    """The base map's towns, north to south."""
    return tuple(place["id"] for place in basemap()["places"])


@dataclass(frozen=True)
class Projection:
    west: float
    north: float
    scale: float  # units a degree of latitude
    squeeze: float  # cos(latitude): a degree of longitude is shorter

    def point(self, lon: float, lat: float) -> tuple[float, float]:
        return (
            round((lon - self.west) * self.squeeze * self.scale, 1),
            round((self.north - lat) * self.scale, 1),
        )

    def path(self, coordinates: Iterable[Sequence[float]], closed: bool = False) -> str:
        points = [self.point(lon, lat) for lon, lat in coordinates]
        d = "M" + " L".join(f"{x:g} {y:g}" for x, y in points)
        return d + " Z" if closed else d

    def km_units(self, km: float) -> float:
        """How many units `km` kilometres span (north to south, where the scale is true)."""
        return round(km / (math.pi * EARTH_KM / 180) * self.scale, 1)


@dataclass(frozen=True)
class Place:
    id: str
    name: str
    x: float
    y: float
    side: str  # where its name goes: 'west' (over the sea) or 'east'


@dataclass(frozen=True)
class Corridor:
    """A feature of map.yaml, drawn: `d` is its path, the label sits at (label_x, label_y)."""

    feature_id: str
    name: str
    d: str
    approximate: bool
    label_x: float
    label_y: float


@dataclass(frozen=True)
class LocatorMap:
    width: float
    height: float
    land: tuple[tuple[str, str], ...]  # (country, path): the Strip's is 'palestine'
    borders: tuple[tuple[str, str], ...]  # (line id, path)
    places: tuple[Place, ...]
    corridors: tuple[Corridor, ...]
    scale_x: float
    scale_y: float
    scale_length: float
    scale_km: int
    labels: tuple[tuple[str, float, float], ...]  # country and sea names: (text, x, y)
    credit: str


def _projection(box: Sequence[float]) -> Projection:
    west, south, east, north = box
    squeeze = math.cos(math.radians((south + north) / 2))
    return Projection(west, north, WIDTH / ((east - west) * squeeze), squeeze)


def _across(ring: Sequence[Sequence[float]], lat: float) -> tuple[tuple[float, float], tuple[float, float]]:
    """The Strip's width at a latitude: its westmost and eastmost edge crossings."""
    crossings = [
        a[0] + (lat - a[1]) * (b[0] - a[0]) / (b[1] - a[1])
        for a, b in itertools.pairwise(ring)
        if (a[1] - lat) * (b[1] - lat) < 0
    ]
    return (min(crossings), lat), (max(crossings), lat)


def _corridor(feature: Any, data: dict[str, Any], projection: Projection) -> Corridor:
    if feature.along:
        coordinates: Sequence[Sequence[float]] = data["lines"][feature.along]
    else:
        towns = {place["id"]: place for place in data["places"]}
        lat = sum(towns[town]["lat"] for town in feature.across) / len(feature.across)
        coordinates = _across(data["land"]["palestine"], lat)
    points = [projection.point(lon, lat) for lon, lat in coordinates]
    # the label goes beside the line's eastern end, over land clear of the towns' names
    x, y = max(points)
    return Corridor(feature.id, feature.name, projection.path(coordinates), feature.approximate, x, y)


def draw(features: Iterable[Any]) -> LocatorMap:
    """The map with `features` (items of map.yaml) drawn on the base map."""
    data = basemap()
    projection = _projection(data["box"])
    _, south, east, _ = data["box"]
    width, height = projection.point(east, south)
    places = tuple(
        Place(place["id"], place["name"], *projection.point(place["lon"], place["lat"]), place["label"])
        for place in data["places"]
    )
    labels = tuple((text, *projection.point(lon, lat)) for text, lon, lat in data["labels"])
    scale_length = projection.km_units(SCALE_KM)
    return LocatorMap(
        width=width,
        height=height,
        land=tuple((name, projection.path(ring, closed=True)) for name, ring in data["land"].items()),
        borders=tuple((name, projection.path(line)) for name, line in data["lines"].items()),
        places=places,
        corridors=tuple(_corridor(feature, data, projection) for feature in features),
        scale_x=round(width - scale_length - 16, 1),
        scale_y=round(height - 18, 1),
        scale_length=scale_length,
        scale_km=SCALE_KM,
        labels=labels,
        credit=(
            f"Map data: Natural Earth {data['natural_earth']['version']} (public domain); "
            "towns from GeoNames (CC BY 4.0)."
        ),
    )
