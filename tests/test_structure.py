"""How the site arranges what it holds: order within a day, backlinks that follow tags, sides
and teams, each phase's ledger, source kinds and dates less precise than a day."""

from __future__ import annotations

from bs4 import BeautifulSoup
from conftest import Project


def page(project: Project, path: str) -> BeautifulSoup:
    return BeautifulSoup((project.out / path).read_text(encoding="utf-8"), "html.parser")


def timeline_with(project: Project, event_id: str) -> BeautifulSoup:
    """The timeline page that shows an event's card or line (the whole timeline, or its month's page)."""
    for path in sorted((project.out / "timeline").rglob("index.html")):
        if f'id="event-{event_id}"' in path.read_text(encoding="utf-8") and "by-actor" not in str(path):
            return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    raise AssertionError(f"no timeline page shows {event_id}")


def event(title: str, date: str, extra: str = "", body: str = "It happened [@ap-2024-08-19].") -> str:
    return f"---\ntitle: {title}\ndate: {date}\n{extra}sources: [ap-2024-08-19]\n---\n{body}\n"


def test_events_of_one_day_follow_their_order(project: Project) -> None:
    project.write("events/second.md", event("Second of the day", "2024-06-20", "order: 2\n"))
    project.write("events/first.md", event("First of the day", "2024-06-20", "order: 1\n"))
    assert project.cli("--quiet").code == 0
    first = page(project, "timeline/first/index.html")
    assert first.select_one('a[rel="next"]')["href"] == "../second/index.html"
    listed = [item["id"] for item in timeline_with(project, "first").select('[id^="event-"]')]
    assert listed.index("event-first") < listed.index("event-second")


def test_a_shared_day_without_order_is_an_error(project: Project) -> None:
    project.write("events/zz-one.md", event("One", "2024-06-20"))
    project.write("events/zz-two.md", event("Two", "2024-06-20", "order: 1\n"))
    project.write("events/zz-three.md", event("Three", "2024-06-20", "order: 1\n"))
    run = project.cli()
    assert run.code == 1 and not project.out.exists()
    assert sorted(run.errors) == [
        "site_src/events/zz-one.md:3: this event shares the date 20 June 2024 with zz-three, zz-two and has "
        "no 'order'; give each of them a different 'order' (1, 2, ...) in the order they happened",
        "site_src/events/zz-three.md:4: this event shares the date 20 June 2024 with zz-one, zz-two and has "
        "the same 'order' (1) as another; give each of them a different 'order' (1, 2, ...) in the order "
        "they happened",
        "site_src/events/zz-two.md:4: this event shares the date 20 June 2024 with zz-one, zz-three and has "
        "the same 'order' (1) as another; give each of them a different 'order' (1, 2, ...) in the order "
        "they happened",
    ]


def test_backlinks_follow_tags_not_mentions(project: Project) -> None:
    project.write(
        "events/mentions-israel.md",
        event(
            "Hamas says something about Israel",
            "2024-06-20",
            "actors: [hamas]\n",
            "[[hamas]] said something about [[israel]] [@ap-2024-08-19].",
        ),
    )
    assert project.cli("--quiet").code == 0
    israel = page(project, "actors/israel/index.html")
    listed = [a["href"] for a in israel.select("#events-heading + ol a")]
    assert "../../timeline/mentions-israel/index.html" not in listed
    hamas = page(project, "actors/hamas/index.html")
    assert "../../timeline/mentions-israel/index.html" in [
        a["href"] for a in hamas.select("#events-heading + ol a")
    ]
    for actor in ("israel", "hamas"):
        on_actor_page = len(page(project, f"actors/{actor}/index.html").select("#events-heading + ol li"))
        on_filter_page = len(
            page(project, f"timeline/by-actor/{actor}/index.html").select("li.event-summary")
        )
        assert on_actor_page == on_filter_page, actor


def test_who_is_who_is_grouped_by_side_with_teams(project: Project) -> None:
    project.write(
        "actors/zz-agency.md",
        "---\nname: Zz Agency\nkind: organisation\nrole: An agency\naffiliation: israel\npart: negotiator\n"
        "sources: [ap-2024-08-19]\n---\n",
    )
    project.write(
        "actors/zz-official.md",
        "---\nname: Aa Official\nkind: person\nrole: An official\naffiliation: zz-agency\npart: negotiator\n"
        "sources: [ap-2024-08-19]\n---\n",
    )
    project.write("events/zz.md", event("Zz", "2024-06-20", "actors: [zz-agency, zz-official]\n"))
    assert project.cli("--quiet").code == 0
    actors = page(project, "actors/index.html")
    sides = [h2.get_text() for h2 in actors.select("main h2")]
    assert sides[0] == "Mediators" and sides[-1] == "Others"
    assert sides[1:-1] == sorted(sides[1:-1]) and {"Hamas", "Israel"} <= set(sides)
    israel_side = next(h2 for h2 in actors.select("main h2") if h2.get_text() == "Israel").parent
    names = [a.get_text() for a in israel_side.select("li > a")]
    assert names[0] == "Israel", "the team's head comes first"
    assert names.index("Zz Agency") < names.index("Aa Official"), "organisations before people"
    team = page(project, "actors/israel/index.html").select("#team-heading + ul li")
    official = next(li for li in team if "Aa Official" in li.get_text())
    assert "Zz Agency" in official.get_text(), "a member under a sub-team names it"


def test_a_phase_shows_who_would_do_what(project: Project) -> None:
    project.write(
        "phases/phase-9.md",
        "---\nnumber: 9\ntitle: A test phase\nprovisions:\n"
        "  - text: Both would pause.\n    sources: [ap-2024-08-19]\n"
        "  - text: One side would free people.\n    by: hamas\n    sources: [ap-2024-08-19]\n"
        "  - text: The other would withdraw.\n    by: israel\n    sources: [ap-2024-08-19]\n"
        "transition: Talks would go on [@ap-2024-08-19].\n---\n",
    )
    assert project.cli("--quiet").code == 0
    phase = page(project, "deal/phase-9/index.html")
    sides = phase.select(".ledger-side")
    assert [s.h3.get_text() for s in sides] == ["Hamas would", "Israel would"]
    assert "free people" in sides[0].get_text() and "withdraw" in sides[1].get_text()
    assert "Both would pause" in phase.select_one("#ledger-heading ~ ul.provisions").get_text()
    assert phase.select_one("#transition-heading").get_text() == "After this phase"


def test_sources_show_their_kind_and_vague_dates_say_so(project: Project) -> None:
    sources = project.src / "sources.yaml"
    sources.write_text(
        sources.read_text(encoding="utf-8")
        + "\n- id: zz-agency-report\n  publisher: Zz\n  kind: state-media\n  description: A report\n"
        "  url: https://example.org/zz\n",
        encoding="utf-8",
    )
    project.write(
        "events/zz-month.md",
        "---\ntitle: Sometime in June\ndate: 2024-06\nsources: [zz-agency-report]\n---\nIt happened [@zz-agency-report].\n",
    )
    assert project.cli("--quiet").code == 0
    entry = page(project, "sources/index.html").find(id="source-zz-agency-report")
    assert entry.select_one(".source-kind").get_text() == "State media"
    card = timeline_with(project, "zz-month").find(id="event-zz-month")
    assert card.select_one("time").get_text() == "No exact day in the sources"
    assert (
        "no exact day in the sources"
        in page(project, "timeline/zz-month/index.html").select_one(".facts").get_text()
    )


def test_each_source_has_a_page_of_what_cites_it(project: Project) -> None:
    project.write("events/zz-cites.md", event("Cites AP", "2024-06-20"))
    assert project.cli("--quiet").code == 0
    entry = page(project, "sources/index.html").find(id="source-ap-2024-08-19")
    link = entry.select_one(".cited-by a")
    assert link["href"] == "ap-2024-08-19/index.html"
    count = int(link.get_text().split()[2])
    own = page(project, "sources/ap-2024-08-19/index.html")
    cited = own.select(".cited-list a")
    assert len(cited) == count and "../../timeline/zz-cites/index.html" in [a["href"] for a in cited]
    assert own.select_one("#cited-heading").get_text() == f"Cited by {count} items"
