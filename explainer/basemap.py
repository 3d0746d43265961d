"""The base map of the Gaza Strip that ships with the tool (geodata/gaza.json, see its README):
read once, and what content may refer to in it (its lines and towns), which map.yaml's schema
offers as choices without loading any drawing code."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

GEODATA = Path(__file__).parent / "geodata" / "gaza.json"


@cache
def basemap() -> dict[str, Any]:
    """The extract, read once a process."""
    return json.loads(GEODATA.read_text(encoding="utf-8"))


def line_ids() -> tuple[str, ...]:
    """The lines a feature can run along: 'border-israel', 'border-egypt'."""
    return tuple(basemap()["lines"])


def place_ids() -> tuple[str, ...]:
    """The towns, north to south."""
    return tuple(place["id"] for place in basemap()["places"])
