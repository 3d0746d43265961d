"""Backlinks are computed once, from every reference (dangling ones are in the error catalogue)."""

from __future__ import annotations

from pathlib import Path

from explainer.load import load
from explainer.resolve import resolve
from explainer.validate import validate


def test_backlinks(tmp_path: Path) -> None:
    repo_src = Path(__file__).resolve().parents[1] / "site_src"
    content, errors = validate(load(repo_src).records)
    site, more = resolve(content)
    assert not errors and not more and site is not None
    blinken_events = [e.id for e in site.referring("actor", "blinken", "event", "actors")]
    assert "blinken-meets-netanyahu" in blinken_events
    assert [q.speaker for q in site.referring("actor", "blinken", "quote", "speaker")] == ["blinken"] * len(
        site.referring("actor", "blinken", "quote", "speaker")
    )
    assert any(point.id == "philadelphi-corridor" for point, _ in site.positions_of("hamas"))
    citing = set(site.citing("ap-2024-08-19"))
    assert ("event", "blinken-meets-netanyahu") in citing and ("phase", "phase-1") in citing
    assert {e.id for e in site.referring("phase", "phase-1", "event", "phases")} >= {
        "biden-outlines-three-phase-proposal"
    }
    assert {p.id for p in site.referring("phase", "phase-1", "sticking_point", "phases")} >= {
        "philadelphi-corridor"
    }
    assert {a.id for a in site.referring("actor", "united-states", "actor", "affiliation")} >= {
        "blinken",
        "biden",
    }
