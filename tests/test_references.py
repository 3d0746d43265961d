"""References: every dangling id is an error at its line; backlinks are computed once."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import Project
from test_content_errors import only_error

from explainer.load import load
from explainer.resolve import resolve
from explainer.validate import validate


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("actors", "[hamas, hamass]", "unknown actor 'hamass' (did you mean 'hamas'?)"),
        ("phases", "[phase-9]", "unknown phase 'phase-9' (did you mean 'phase-3'?)"),
        (
            "sticking_points",
            "[rafah]",
            "unknown sticking point 'rafah'; sticking points are listed in site_src/sticking_points",
        ),
    ],
)
def test_dangling_event_reference(project: Project, field: str, value: str, message: str) -> None:
    project.write(
        "events/refs.md", f"---\ntitle: x\ndate: 2024\n{field}: {value}\nsources: [ap-2024-08-19]\n---\n"
    )
    assert only_error(project) == f"site_src/events/refs.md:4: {message}"


def test_dangling_source_in_a_list_points_at_the_item(project: Project) -> None:
    project.write(
        "events/src.md", "---\ntitle: x\ndate: 2024\nsources:\n  - ap-2024-08-19\n  - ap-2024-08-91\n---\n"
    )
    assert (
        only_error(project)
        == "site_src/events/src.md:6: unknown source 'ap-2024-08-91' (did you mean 'ap-2024-08-19'?)"
    )


def test_quote_references(project: Project) -> None:
    text = (project.src / "quotes.yaml").read_text()
    start = text.count("\n") + 2
    project.write(
        "quotes.yaml",
        text
        + "\n- id: q\n  speaker: nobody\n  date: 2024\n  text: t\n  event: no-event\n  source: no-source\n",
    )
    assert project.cli().errors == [
        f"site_src/quotes.yaml:{start + 1}: unknown actor 'nobody'; actors are listed in site_src/actors",
        f"site_src/quotes.yaml:{start + 4}: unknown event 'no-event'; events are listed in site_src/events",
        f"site_src/quotes.yaml:{start + 5}: unknown source 'no-source'; sources are listed in site_src/sources.yaml",
    ]


def test_actor_affiliation_and_position_actor(project: Project) -> None:
    project.write(
        "actors/envoy.md",
        "---\nname: E\nkind: person\nrole: r\naffiliation: unitedstates\npart: other\nsources: [ap-2024-08-19]\n---\n",
    )
    project.write(
        "sticking_points/p.md",
        "---\ntitle: t\nsummary: s\npositions:\n  - actor: isreal\n    stance: s\n    sources: [ap-2024-08-19]\n---\n",
    )
    run = project.cli()
    assert run.errors == [
        "site_src/actors/envoy.md:5: unknown actor 'unitedstates' (did you mean 'united-states'?)",
        "site_src/sticking_points/p.md:5: unknown actor 'isreal' (did you mean 'israel'?)",
    ]


def test_reference_to_a_draft_says_so(project: Project) -> None:
    project.write(
        "actors/wip.md", "---\nname: W\nkind: person\nrole: r\npart: other\nsources: [x]\ndraft: true\n---\n"
    )
    project.write(
        "events/uses-draft.md", "---\ntitle: x\ndate: 2024\nactors: [wip]\nsources: [ap-2024-08-19]\n---\n"
    )
    assert only_error(project).startswith(
        "site_src/events/uses-draft.md:4: actor 'wip' is a draft (site_src/actors/wip.md)"
    )


def test_unknown_ids_inside_markdown_are_located_in_the_body(project: Project) -> None:
    project.write(
        "events/body.md",
        "---\ntitle: x\ndate: 2024\nsources: [ap-2024-08-19]\n---\nFirst line.\n\nSee [[benjamin-netanyhu]] and\n"
        "[[term:corridor]], [[evnt:doha-round]] and [@ap-2024-08-19; @nyt-philadelphi].\n",
    )
    assert project.cli().errors == [
        "site_src/events/body.md:8: unknown actor 'benjamin-netanyhu' (did you mean 'benjamin-netanyahu'?)",
        "site_src/events/body.md:9: unknown glossary term 'corridor' (did you mean 'netzarim-corridor'?)",
        "site_src/events/body.md:9: unknown link type 'evnt:' (did you mean 'event'?); use one of actor, event, term, phase, sticking-point",
        "site_src/events/body.md:9: unknown source 'nyt-philadelphi' (did you mean 'nyt-2024-06-01-philadelphi'?)",
    ]


def test_markdown_in_a_yaml_block_scalar_is_located(project: Project) -> None:
    text = (project.src / "glossary.yaml").read_text()
    start = text.count("\n") + 2
    project.write(
        "glossary.yaml",
        text
        + "\n- id: t\n  term: T\n  definition: |\n    Line one.\n    Line two [@missing-source].\n  sources: [ap-2024-08-19]\n",
    )
    assert only_error(project).startswith(
        f"site_src/glossary.yaml:{start + 4}: unknown source 'missing-source'"
    )


def test_duplicate_phase_numbers(project: Project) -> None:
    project.write("phases/extra.md", "---\nnumber: 2\ntitle: Another\n---\n")
    assert only_error(project) == (
        "site_src/phases/phase-2.md:2: phase number 2 is already used by site_src/phases/extra.md; number phases 1, 2, 3..."
    )


def test_backlinks(tmp_path: Path) -> None:
    repo_src = Path(__file__).resolve().parents[1] / "site_src"
    content, errors = validate(load(repo_src).records)
    site, more = resolve(content)
    assert not errors and not more and site is not None
    blinken_events = [e.id for e in site.referring("actor", "blinken", "event")]
    assert "blinken-meets-netanyahu" in blinken_events
    assert [q.speaker for q in site.referring("actor", "blinken", "quote")] == ["blinken"] * len(
        site.referring("actor", "blinken", "quote")
    )
    assert any(point.id == "philadelphi-corridor" for point, _ in site.positions_of("hamas"))
    citing = {(kind, item.id) for kind, item in site.citing("ap-2024-08-19")}
    assert ("event", "blinken-meets-netanyahu") in citing and ("phase", "phase-1") in citing
    assert {e.id for e in site.referring("phase", "phase-1", "event")} >= {
        "biden-outlines-three-phase-proposal"
    }
    assert {p.id for p in site.referring("phase", "phase-1", "sticking_point")} >= {"philadelphi-corridor"}
    assert {a.id for a in site.referring("actor", "united-states", "actor", "affiliation")} >= {
        "blinken",
        "biden",
    }
