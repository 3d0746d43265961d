"""The locator map of the Gaza Strip, drawn at build time as SVG geometry for a template.

The base map ships with the tool (basemap.py: Natural Earth's country outlines and the Strip's
borders, towns from GeoNames). What the map marks on top (the corridors) is content:
site_src/map.yaml, whose items say where each is drawn in terms of the base map (`along` one of
its borders, or `across` the Strip midway between two of its towns, marked approximate) and
cite the facts behind them. Every position, label and path is worked out here; the template
only writes them down.

Longitude and latitude are projected onto a plane (equirectangular, scaled at the box's middle
latitude); over 60 km the error is far below a pixel.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .basemap import basemap

if TYPE_CHECKING:
    from .model import MapFeature

WIDTH = 400  # the picture's units; it scales to the column
EARTH_KM = 6371.0
SCALE_KM = 10
CHAR_WIDTH = 7.4  # a bold 13-unit letter, on average: enough to keep a label inside the picture
LINE_GAP = 15  # between the lines of a label
LABEL_CHARS = 18  # a longer name is set on two lines


@dataclass(frozen=True)
class Projection:
    """Degrees to picture units: x east from the box's west edge, y south from its north edge."""

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
class Label:
    """Text on the map: its lines, from (x, y) down, each `line_gap` below the last."""

    lines: tuple[str, ...]
    x: float
    y: float
    anchor: str  # 'start', 'middle' or 'end'
    line_gap: int = LINE_GAP


@dataclass(frozen=True)
class Place:
    """A town: its dot and its name (to the west, over the sea, unless the extract says east)."""

    id: str
    name: str
    x: float
    y: float
    label: Label


@dataclass(frozen=True)
class Corridor:
    """A feature of map.yaml, drawn: its path, its name on the map, and how it is drawn in words."""

    name: str
    d: str
    approximate: bool
    label: Label
    description: str  # 'along the border with Egypt', 'across the Strip, midway between ...'


@dataclass(frozen=True)
class LocatorMap:
    """Everything the template draws, in picture units."""

    width: float
    height: float
    land: tuple[tuple[str, str], ...]  # (country, path): the Strip's is 'palestine'
    strip: str  # the Strip's outline, which clips the corridors to it
    borders: tuple[str, ...]
    places: tuple[Place, ...]
    corridors: tuple[Corridor, ...]
    areas: tuple[Label, ...]  # the names of the sea and of the neighbouring countries
    scale: str  # the scale bar's path
    scale_label: Label
    north: str  # the north arrow's path
    north_label: Label
    description: str  # the picture in words, for its <desc>
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


def _lines(name: str) -> tuple[str, ...]:
    """A name on one line, or on two split at the space nearest its middle when it is long."""
    if len(name) <= LABEL_CHARS or " " not in name:
        return (name,)
    spaces = [index for index, char in enumerate(name) if char == " "]
    cut = min(spaces, key=lambda index: abs(index - len(name) / 2))
    return (name[:cut], name[cut + 1 :])


def _west_of(x: float, y: float, lines: tuple[str, ...]) -> Label:
    """A label ending just west of a point, moved east as far as it must to stay in the picture."""
    width = max(len(line) for line in lines) * CHAR_WIDTH
    return Label(lines, round(max(x - 7, width + 2), 1), round(y, 1), "end")


def _corridor(feature: MapFeature, data: dict[str, Any], projection: Projection) -> Corridor:
    lines = _lines(feature.name) + (("(approximate)",) if feature.approximate else ())
    if feature.along:
        line = data["lines"][feature.along]
        points = [projection.point(lon, lat) for lon, lat in line["points"]]
        x, y = max(points, key=lambda point: point[1])  # its southern end: named below it
        return Corridor(
            feature.name,
            projection.path(line["points"]),
            feature.approximate,
            _west_of(x, y + 16, lines),
            f"along {line['name']}",
        )
    towns = {place["id"]: place for place in data["places"]}
    lat = sum(towns[town]["lat"] for town in feature.across) / len(feature.across)
    west, east = _across(data["land"]["palestine"], lat)
    x, y = projection.point(*west)  # named to the west, over the sea, between the towns' names
    first, second = (towns[town]["name"] for town in feature.across)
    return Corridor(
        feature.name,
        projection.path((west, east)),
        feature.approximate,
        _west_of(x, y + 4.5 - LINE_GAP * (len(lines) - 1) / 2, lines),  # (centred on the line)
        f"across the Strip, midway between {first} and {second}",
    )


def _description(places: Sequence[Place], corridors: Sequence[Corridor]) -> str:
    words = [
        "The Gaza Strip, with Israel to the north and east, Egypt to the south and the Mediterranean "
        "Sea to the west. Towns, from north to south: " + ", ".join(place.name for place in places) + "."
    ]
    for corridor in corridors:
        how = ", at an approximate position" if corridor.approximate else ""
        words.append(f"The {corridor.name} is drawn {corridor.description}{how}.")
    return " ".join(words)


def draw(features: Iterable[MapFeature]) -> LocatorMap:
    """The map with `features` (items of map.yaml) drawn on the base map."""
    data = basemap()
    projection = _projection(data["box"])
    _, south, east, _ = data["box"]
    width, height = projection.point(east, south)
    places = []
    for place in data["places"]:
        x, y = projection.point(place["lon"], place["lat"])
        east_side = place["label"] == "east"
        label = Label(
            (place["name"],),
            x + 7 if east_side else x - 7,
            round(y + 4.5, 1),
            "start" if east_side else "end",
        )
        places.append(Place(place["id"], place["name"], x, y, label))
    corridors = tuple(_corridor(feature, data, projection) for feature in features)
    bar = projection.km_units(SCALE_KM)
    bar_x, bar_y = round(width - bar - 16, 1), round(height - 18, 1)
    arrow_x = width - 16
    return LocatorMap(
        width=width,
        height=height,
        land=tuple((name, projection.path(ring, closed=True)) for name, ring in data["land"].items()),
        strip=projection.path(data["land"]["palestine"], closed=True),
        borders=tuple(projection.path(line["points"]) for line in data["lines"].values()),
        places=tuple(places),
        corridors=corridors,
        areas=tuple(
            Label((text,), *projection.point(lon, lat), "middle") for text, lon, lat in data["labels"]
        ),
        scale=f"M{bar_x:g} {bar_y - 5:g} V{bar_y:g} H{round(bar_x + bar, 1):g} V{bar_y - 5:g}",
        scale_label=Label((f"{SCALE_KM} km",), round(bar_x + bar / 2, 1), round(bar_y - 9, 1), "middle"),
        north=f"M{arrow_x - 8:g} 40 l8 -22 l8 22 l-8 -6 Z",
        north_label=Label(("N",), arrow_x, 56, "middle"),
        description=_description(places, corridors),
        credit=(
            f"Map data: Natural Earth {data['natural_earth']['version']} (public domain); towns from "
            "GeoNames, under the Creative Commons Attribution 4.0 International licence (CC BY 4.0), "
            "names adapted."
        ),
    )
