"""The published explainer follows the content rules wherever a machine can check them."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from conftest import REPO

from explainer.load import load
from explainer.references import CITATION_RE
from explainer.resolve import Site, resolve
from explainer.validate import validate

REQUIRED_STICKING_POINTS = {
    "philadelphi-corridor",
    "netzarim-and-the-north",
    "prisoner-releases",
    "permanent-end-to-the-war",
}


@pytest.fixture(scope="module")
def site() -> Site:
    content, errors = validate(load(REPO / "site_src").records)
    resolved, more = resolve(content)
    assert not errors and not more and resolved is not None
    return resolved


def paragraphs(text: str) -> list[str]:
    return [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip() and not p.lstrip().startswith("#")]


def test_the_explainer_is_complete(site: Site) -> None:
    assert len(site.events) >= 18
    assert len(site.actors) >= 18
    assert sorted(p.number for p in site.phases.values()) == [1, 2, 3]
    assert set(site.sticking_points) >= REQUIRED_STICKING_POINTS
    assert len(site.quotes) >= 8
    assert len(site.sources) >= 20
    assert len(site.terms) >= 10
    assert {"home", "about"} <= set(site.pages)


def test_as_of_is_the_latest_dated_fact(site: Site) -> None:
    latest = max((e.end_date or e.date) for e in site.events.values())
    assert site.config.as_of == latest


def test_every_claim_carries_a_source(site: Site) -> None:
    for event in site.events.values():
        assert event.sources, event.id
        assert 1 <= len(paragraphs(event.body)) <= 3, event.id
    for phase in site.phases.values():
        assert phase.provisions, phase.id
        assert all(provision.sources for provision in phase.provisions), phase.id
    for point in site.sticking_points.values():
        assert all(position.sources for position in point.positions), point.id
        assert CITATION_RE.search(point.summary), point.id
    for term in site.terms.values():
        assert term.sources and CITATION_RE.search(term.definition), term.id


def test_every_paragraph_of_prose_is_cited(site: Site) -> None:
    texts = [(f"event {e.id}", e.body) for e in site.events.values()]
    texts += [(f"actor {a.id}", a.body) for a in site.actors.values()]
    texts += [(f"phase {p.id}", p.body) for p in site.phases.values()]
    texts += [(f"sticking point {s.id}", s.body) for s in site.sticking_points.values()]
    texts += [(f"stance on {s.id}", p.stance) for s in site.sticking_points.values() for p in s.positions]
    texts.append(("home page", site.pages["home"].body))
    for owner, text in texts:
        for paragraph in paragraphs(text):
            assert CITATION_RE.search(paragraph), f"{owner}: uncited paragraph: {paragraph[:60]}"


def test_every_quote_is_attributed(site: Site) -> None:
    for quote in site.quotes.values():
        assert quote.speaker and quote.date and quote.source, quote.id
        assert quote.context, quote.id
        assert not quote.text.startswith(("\u201c", '"')), (
            f"{quote.id}: the template adds the quotation marks"
        )


def test_only_web_urls(site: Site) -> None:
    for source in site.sources.values():
        assert urlsplit(source.url).scheme in ("http", "https"), source.id
    for path in (REPO / "site_src").rglob("*"):
        if path.is_file():
            for url in re.findall(r"\]\(([^)\s]+)", path.read_text(encoding="utf-8")):
                assert urlsplit(url).scheme in ("", "http", "https"), f"{path}: {url}"


def test_every_actor_takes_part(site: Site) -> None:
    in_events = {a for e in site.events.values() for a in e.actors}
    in_positions = {p.actor for s in site.sticking_points.values() for p in s.positions}
    assert set(site.actors) <= in_events | in_positions, set(site.actors) - in_events - in_positions


def test_every_source_is_cited(site: Site) -> None:
    uncited = [s for s in site.sources if not site.citing(s)]
    assert not uncited


def test_sticking_points_name_their_phase(site: Site) -> None:
    for point_id in REQUIRED_STICKING_POINTS:
        assert site.sticking_points[point_id].phases, point_id


PARTIES = ("israel", "hamas")


def test_both_parties_state_a_position_on_every_sticking_point(site: Site) -> None:
    for point in site.sticking_points.values():
        holders = {position.actor for position in point.positions}
        assert set(PARTIES) <= holders, f"{point.id}: positions of {sorted(holders)}"
    egypt = {p.actor for p in site.sticking_points["philadelphi-corridor"].positions}
    assert "egypt" in egypt


def test_every_side_is_quoted(site: Site) -> None:
    """Quotes from each party and each mediator, and from no one side in the majority."""
    from explainer.sides import head_of

    sides = [head_of(site.actors[q.speaker], site.actors).id for q in site.quotes.values()]
    for side in ("israel", "hamas", "united-states", "egypt", "qatar"):
        assert side in sides, side
    assert max(sides.count(side) for side in set(sides)) <= len(sides) / 2


def test_every_source_says_what_kind_it_is(site: Site) -> None:
    assert [s.id for s in site.sources.values() if s.kind is None] == []


def test_events_of_a_day_are_in_the_order_they_happened(site: Site) -> None:
    order = list(site.events)
    assert order.index("blinken-meets-el-sisi") < order.index("blinken-in-doha")
    assert order.index("haniyeh-killed") < order.index("khamenei-vows-punishment")


NON_NEUTRAL = re.compile(r"\b(complained|claimed|admitted|terrorists?|resistance)\b", re.IGNORECASE)


def test_neutral_words_outside_quotes(site: Site) -> None:
    """FACTS's neutral-verbs rule, wherever prose is not a direct quote."""
    for path in (REPO / "site_src").rglob("*"):
        if path.suffix not in (".md", ".yaml") or path.name == "quotes.yaml":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            outside_quotes = re.sub(r"[\"\u201c][^\"\u201d]*[\"\u201d]", "", line)
            assert not NON_NEUTRAL.search(outside_quotes), f"{path.name}:{number}: {line}"

    for item_id in ("haniyeh-killed", "fuad-shukr-killed"):
        assert "died" not in site.events[item_id].body, f"{item_id}: a person killed was killed"
    for actor_id in ("ismail-haniyeh", "hezbollah", "fuad-shukr"):
        actor = site.actors[actor_id]
        assert "died" not in actor.body and "death" not in actor.role, actor_id
