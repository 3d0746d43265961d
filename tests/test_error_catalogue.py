"""The error catalogue: every kind of broken content, across every content type, gives exactly
`path:line: what is wrong (and what would be right)`, exit code 1, no traceback, and leaves the
previous output/ exactly as it was."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import REPO, Project
from test_build import tree_digest

EVENT = "---\ntitle: A test event\ndate: 2024-06-15\nsources: [ap-2024-08-19]\n---\nBody [@ap-2024-08-19].\n"
ACTOR = "---\nname: X\nkind: person\nrole: r\npart: other\nsources: [ap-2024-08-19]\n---\n"


def append(project: Project, relative: str, text: str) -> int:
    """Add YAML at the end of a list file; returns the line where the addition starts."""
    path = project.src / relative
    existing = path.read_text(encoding="utf-8")
    path.write_text(existing + "\n" + text, encoding="utf-8")
    return existing.count("\n") + 2


def line_of(project: Project, relative: str, needle: str) -> int:
    text = (project.src / relative).read_text(encoding="utf-8")
    return text[: text.index(needle)].count("\n") + 1


@dataclass(frozen=True)
class Case:
    name: str
    breaks: Callable[[Project], list[str]]  # damages the project, returns the expected lines


def write(relative: str, text: str | bytes, *expected: str) -> Callable[[Project], list[str]]:
    def breaks(project: Project) -> list[str]:
        if isinstance(text, bytes):
            project.write_bytes(relative, text)
        else:
            project.write(relative, text)
        return list(expected)

    return breaks


def _duplicate_quote(project: Project) -> list[str]:
    first = line_of(project, "quotes.yaml", "- id: biden-closer-than-ever")
    start = append(
        project,
        "quotes.yaml",
        "- id: biden-closer-than-ever\n  speaker: biden\n  date: 2024\n  text: the words of a quote\n  source: ap-2024-08-16\n",
    )
    return [
        f"site_src/quotes.yaml:{start}: duplicate id 'biden-closer-than-ever' (first used at site_src/quotes.yaml:{first}); give each quote its own id"
    ]


def _quote_references(project: Project) -> list[str]:
    start = append(
        project,
        "quotes.yaml",
        "- id: q\n  speaker: nobody\n  date: 2024\n  text: the words of a quote\n  event: no-event\n  source: no-source\n",
    )
    return [
        f"site_src/quotes.yaml:{start + 1}: unknown actor 'nobody'; actors are listed in site_src/actors",
        f"site_src/quotes.yaml:{start + 4}: unknown event 'no-event'; events are listed in site_src/events",
        f"site_src/quotes.yaml:{start + 5}: unknown source 'no-source'; sources are listed in site_src/sources.yaml",
    ]


def _quote_bad_date(project: Project) -> list[str]:
    start = append(
        project,
        "quotes.yaml",
        "- id: q\n  speaker: biden\n  date: 19 August\n  text: the words of a quote\n  source: ap-2024-08-19\n",
    )
    return [
        f"site_src/quotes.yaml:{start + 2}: date: '19 August' is not a date: write YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2024-08-15"
    ]


def _quote_fragment(project: Project) -> list[str]:
    start = append(
        project,
        "quotes.yaml",
        "- id: q\n  speaker: biden\n  date: 2024\n  text: harsh words\n  source: ap-2024-08-19\n",
    )
    return [
        f"site_src/quotes.yaml:{start + 3}: text: 'harsh words' is a fragment: the quotes page collects statements of at least 4 words; quote a fragment in the prose of an event instead"
    ]


def _source_bad_url(project: Project) -> list[str]:
    start = append(
        project, "sources.yaml", "- id: bad-link\n  publisher: P\n  title: T\n  url: javascript:alert(1)\n"
    )
    return [
        f"site_src/sources.yaml:{start + 3}: url: 'javascript:alert(1)' is not a web address: use a full http:// or https:// URL"
    ]


def _source_not_a_mapping(project: Project) -> list[str]:
    start = append(project, "sources.yaml", "- just a string\n")
    return [f"site_src/sources.yaml:{start}: each source should be fields (id: ..., ...), not a value"]


def _sources_file_broken(project: Project) -> list[str]:
    path = project.src / "sources.yaml"
    path.write_text(path.read_text().replace("- id: ap-2024-08-16\n", "- id: ap-2024-08-16\n  - oops\n", 1))
    line = line_of(project, "sources.yaml", "  - oops")
    return [
        f"site_src/sources.yaml:{line}: YAML syntax error: did not find expected key; check the indentation, and that quotes and brackets are closed"
    ]


def _source_unnamed(project: Project) -> list[str]:
    start = append(project, "sources.yaml", "- id: nameless\n  publisher: P\n  url: https://example.org/\n")
    return [
        f"site_src/sources.yaml:{start}: a source needs its exact 'title' (its headline) or, when that is not known, a 'description'"
    ]


def _term_bad_id(project: Project) -> list[str]:
    start = append(
        project,
        "glossary.yaml",
        "- id: Hostage Deal\n  term: T\n  definition: D\n  sources: [ap-2024-08-19]\n",
    )
    return [
        f"site_src/glossary.yaml:{start}: id: 'Hostage Deal' is not a valid id: use lowercase letters, digits and single hyphens, like 'hostage-deal'"
    ]


def _term_missing_definition(project: Project) -> list[str]:
    start = append(project, "glossary.yaml", "- id: t\n  term: T\n  sources: [ap-2024-08-19]\n")
    return [
        f"site_src/glossary.yaml:{start}: missing required field 'definition' (what it means, in your own words)"
    ]


def _term_citation_in_block_text(project: Project) -> list[str]:
    start = append(
        project,
        "glossary.yaml",
        "- id: t\n  term: T\n  definition: |\n    Line one.\n    Line two [@missing-source].\n  sources: [ap-2024-08-19]\n",
    )
    return [
        f"site_src/glossary.yaml:{start + 4}: unknown source 'missing-source'; sources are listed in site_src/sources.yaml"
    ]


def _citation_split_across_lines(project: Project) -> list[str]:
    project.write(
        "events/split.md", EVENT + "Said so [@ap-2024-08-19;\n@ap-2024-08-16] and [[hamas|the\ngroup]].\n"
    )
    return [
        "site_src/events/split.md:7: this citation is split across lines ('[@ap-2024-08-19;'); keep it on one line, from '[@' to its closing bracket",
        "site_src/events/split.md:8: this link is split across lines ('[[hamas|the'); keep it on one line, from '[[' to its closing bracket",
    ]


def _site_language(project: Project) -> list[str]:
    path = project.src / "site.yaml"
    path.write_text(path.read_text().replace("language: en", "language: English"))
    line = line_of(project, "site.yaml", "language:")
    return [
        f"site_src/site.yaml:{line}: language: 'English' is not a language tag: use one like 'en' or 'en-GB'"
    ]


def _site_missing_as_of(project: Project) -> list[str]:
    path = project.src / "site.yaml"
    path.write_text(
        "\n".join(line for line in path.read_text().splitlines() if not line.startswith("as_of:")) + "\n"
    )
    return [
        "site_src/site.yaml:1: missing required field 'as_of' (the date the content is current to, YYYY-MM-DD)"
    ]


def _duplicate_phase_number(project: Project) -> list[str]:
    project.write("phases/extra.md", "---\nnumber: 2\ntitle: Another\n---\n")
    return [
        "site_src/phases/phase-2.md:2: phase number 2 is already used by site_src/phases/extra.md; number phases 1, 2, 3..."
    ]


def _symlink_outside(project: Project) -> list[str]:
    outside = project.root / "elsewhere.md"
    outside.write_text(EVENT)
    try:
        (project.src / "events/linked.md").symlink_to(outside)
    except OSError:  # (Windows without the right to make links)
        pytest.skip("cannot make symbolic links here")
    return [
        "site_src/events/linked.md:1: this link points outside site_src; copy the file into site_src instead"
    ]


CASES = [
    Case(
        "yaml syntax",
        write(
            "events/bad.md",
            "---\ntitle: x\ndate: 2024\nsources: [ap-2024-08-19\n---\nBody\n",
            "site_src/events/bad.md:5: YAML syntax error: did not find expected ',' or ']'; check the indentation, and that quotes and brackets are closed",
        ),
    ),
    Case(
        "tab indentation",
        write(
            "events/tabs.md",
            "---\ntitle: x\ndate: 2024\nsources:\n\t- ap-2024-08-19\n---\n",
            "site_src/events/tabs.md:5: YAML syntax error: found character that cannot start any token; indent with spaces, not tabs",
        ),
    ),
    Case(
        "non-utf-8 bytes",
        write(
            "actors/latin1.md",
            b"---\nname: caf\xe9\nkind: person\n---\n",
            "site_src/actors/latin1.md:2: the file is not UTF-8 (byte 0xE9 cannot be read); save it as UTF-8",
        ),
    ),
    Case(
        "empty file",
        write(
            "phases/empty.md",
            "",
            "site_src/phases/empty.md:1: the file is empty; a phase starts with fields between two '---' lines",
        ),
    ),
    Case(
        "missing front matter",
        write(
            "sticking_points/plain.md",
            "Just some text\n",
            "site_src/sticking_points/plain.md:1: missing front matter: a sticking point file starts with a '---' line, then its fields (key: value), then another '---' line, then the Markdown text",
        ),
    ),
    Case(
        "front matter not closed",
        write(
            "pages/open.md",
            "---\ntitle: x\n",
            "site_src/pages/open.md:1: the front matter is not closed: add a '---' line after the fields",
        ),
    ),
    Case(
        "front matter is a list",
        write(
            "events/list.md",
            "---\n- a\n- b\n---\n",
            "site_src/events/list.md:2: the front matter must be fields (key: value lines), not a list or text",
        ),
    ),
    Case(
        "duplicate key",
        write(
            "events/dup.md",
            "---\ntitle: a\ndate: 2024\ntitle: b\nsources: [ap-2024-08-19]\n---\n",
            "site_src/events/dup.md:4: duplicate key 'title' (first at line 2); keep only one",
        ),
    ),
    Case(
        "value against its tag",
        write(
            "events/tagged.md",
            "---\ntitle: a\ndate: 2024\nlocation: !!int here\nsources: [ap-2024-08-19]\n---\n",
            "site_src/events/tagged.md:4: this value cannot be read as the tag 'int' asks; remove the tag (the '!!...') or correct the value",
        ),
    ),
    Case(
        "yaml alias",
        write(
            "events/alias.md",
            "---\ntitle: &t a\ndate: 2024\nlocation: *t\nsources: [ap-2024-08-19]\n---\n",
            "site_src/events/alias.md:4: YAML aliases ('*name') are not supported here; write the value out in full",
        ),
    ),
    Case(
        "missing field",
        write(
            "events/no-date.md",
            "---\ntitle: x\nsources: [ap-2024-08-19]\n---\n",
            "site_src/events/no-date.md:1: missing required field 'date' (when it happened: YYYY, YYYY-MM or YYYY-MM-DD)",
        ),
    ),
    Case(
        "unknown field near miss",
        write(
            "events/typo.md",
            "---\ntitel: x\ntitle: x\ndate: 2024\nsources: [ap-2024-08-19]\n---\n",
            "site_src/events/typo.md:2: unknown field 'titel' (did you mean 'title'?)",
        ),
    ),
    Case(
        "wrong type",
        write(
            "events/number.md",
            "---\ntitle: 2735\ndate: 2024\nsources: [ap-2024-08-19]\n---\n",
            "site_src/events/number.md:2: title: expected text, found the number 2735; put it in quotes if it is meant as text",
        ),
    ),
    Case(
        "enum",
        write(
            "actors/someone.md",
            ACTOR.replace("kind: person", "kind: persn"),
            "site_src/actors/someone.md:3: kind: 'persn' is not allowed; use one of: person, organisation, state",
        ),
    ),
    Case(
        "bad month",
        write(
            "events/when.md",
            EVENT.replace("2024-06-15", "2024-13"),
            "site_src/events/when.md:3: date: '2024-13' has month 13: months run from 01 to 12",
        ),
    ),
    Case(
        "impossible day",
        write(
            "events/when.md",
            EVENT.replace("2024-06-15", "2024-02-30"),
            "site_src/events/when.md:3: date: '2024-02-30' has day 30: February 2024 has days 01 to 29",
        ),
    ),
    Case(
        "end before start",
        write(
            "events/backwards.md",
            "---\ntitle: x\ndate: 2024-08-16\nend_date: 2024-08-15\nsources: [ap-2024-08-19]\n---\n",
            "site_src/events/backwards.md:4: end_date: 2024-08-15 is before the start date 2024-08-16; the end date comes after it",
        ),
    ),
    Case(
        "no sources",
        write(
            "events/unsourced.md",
            "---\ntitle: x\ndate: 2024\nsources: []\n---\n",
            "site_src/events/unsourced.md:4: sources: needs at least 1 entry: ids from sources.yaml, at least one, e.g. [ap-2024-08-19]",
        ),
    ),
    Case(
        "list item type",
        write(
            "events/items.md",
            "---\ntitle: x\ndate: 2024\nactors:\n  - hamas\n  - 42\nsources: [ap-2024-08-19]\n---\n",
            "site_src/events/items.md:6: actors[1]: expected an id like 'william-burns', found the number 42",
        ),
    ),
    Case(
        "nested missing field",
        write(
            "sticking_points/open.md",
            "---\ntitle: t\nsummary: s\npositions:\n  - actor: hamas\n    sources: [ap-2024-08-19]\n---\n",
            "site_src/sticking_points/open.md:5: positions[0]: missing required field 'stance' (their position, in your own words)",
        ),
    ),
    Case(
        "provision without sources",
        write(
            "phases/phase-4.md",
            "---\nnumber: 4\ntitle: t\nprovisions:\n  - text: Something\n---\n",
            "site_src/phases/phase-4.md:5: provisions[0]: missing required field 'sources' (ids from sources.yaml, at least one)",
        ),
    ),
    Case(
        "file name not a slug",
        write(
            "events/Doha Talks.md",
            EVENT,
            "site_src/events/Doha Talks.md:1: the file name 'Doha Talks.md' is not a valid id: rename it to 'doha-talks.md' (lowercase letters, digits and hyphens)",
        ),
    ),
    Case(
        "id field in a markdown file",
        write(
            "events/with-id.md",
            "---\nid: other\ntitle: x\ndate: 2024\nsources: [ap-2024-08-19]\n---\n",
            "site_src/events/with-id.md:2: 'id' is not a field here: it comes from the file name",
        ),
    ),
    Case(
        "reserved page id",
        write(
            "pages/timeline.md",
            "---\ntitle: My timeline\n---\n",
            "site_src/pages/timeline.md:1: the page id 'timeline' is taken by a section of the site; rename the file",
        ),
    ),
    Case(
        "unknown file",
        write(
            "quote.yaml",
            "[]\n",
            "site_src/quote.yaml:1: unknown file 'quote.yaml' (did you mean 'quotes.yaml'?); site_src holds site.yaml, quotes.yaml, sources.yaml, glossary.yaml, map.yaml, events, actors, phases, sticking_points, pages",
        ),
    ),
    Case(
        "dangling actor",
        write(
            "events/refs.md",
            "---\ntitle: x\ndate: 2024\nactors: [hamas, hamass]\nsources: [ap-2024-08-19]\n---\n",
            "site_src/events/refs.md:4: unknown actor 'hamass' (did you mean 'hamas'?)",
        ),
    ),
    Case(
        "dangling phase",
        write(
            "events/refs.md",
            "---\ntitle: x\ndate: 2024\nphases: [phase-9]\nsources: [ap-2024-08-19]\n---\n",
            "site_src/events/refs.md:4: unknown phase 'phase-9' (did you mean 'phase-3'?)",
        ),
    ),
    Case(
        "dangling sticking point",
        write(
            "events/refs.md",
            "---\ntitle: x\ndate: 2024\nsticking_points: [rafah]\nsources: [ap-2024-08-19]\n---\n",
            "site_src/events/refs.md:4: unknown sticking point 'rafah'; sticking points are listed in site_src/sticking_points",
        ),
    ),
    Case(
        "dangling source item",
        write(
            "events/src.md",
            "---\ntitle: x\ndate: 2024\nsources:\n  - ap-2024-08-19\n  - ap-2024-08-91\n---\n",
            "site_src/events/src.md:6: unknown source 'ap-2024-08-91' (did you mean 'ap-2024-08-19'?)",
        ),
    ),
    Case(
        "dangling affiliation",
        write(
            "actors/envoy.md",
            ACTOR.replace("part: other", "affiliation: unitedstates\npart: other"),
            "site_src/actors/envoy.md:5: unknown actor 'unitedstates' (did you mean 'united-states'?)",
        ),
    ),
    Case(
        "dangling position actor",
        write(
            "sticking_points/p.md",
            "---\ntitle: t\nsummary: s\npositions:\n  - actor: isreal\n    stance: s\n    sources: [ap-2024-08-19]\n---\n",
            "site_src/sticking_points/p.md:5: unknown actor 'isreal' (did you mean 'israel'?)",
        ),
    ),
    Case(
        "unknown citation and links in a body",
        write(
            "events/body.md",
            "---\ntitle: x\ndate: 2024\nsources: [ap-2024-08-19]\n---\nFirst line.\n\nSee [[benjamin-netanyhu]] and\n[[term:corridor]], [[evnt:doha-round]] and [@ap-2024-08-19; @nyt-philadelphi].\n",
            "site_src/events/body.md:8: unknown actor 'benjamin-netanyhu' (did you mean 'benjamin-netanyahu'?)",
            "site_src/events/body.md:9: unknown glossary term 'corridor' (did you mean 'netzarim-corridor'?)",
            "site_src/events/body.md:9: unknown link type 'evnt:' (did you mean 'event'?); use one of event, actor, phase, sticking-point, term",
            "site_src/events/body.md:9: unknown source 'nyt-philadelphi' (did you mean 'nyt-2024-06-01-philadelphi'?)",
        ),
    ),
    Case(
        "reference to a draft",
        lambda p: (
            [
                p.write("actors/wip.md", ACTOR.replace("part: other", "part: other\ndraft: true")) and "",
                p.write(
                    "events/uses-draft.md",
                    "---\ntitle: x\ndate: 2024\nactors: [wip]\nsources: [ap-2024-08-19]\n---\n",
                )
                and "",
            ]
            and [
                "site_src/events/uses-draft.md:4: actor 'wip' is a draft (site_src/actors/wip.md); publish it (remove 'draft: true') or drop this reference"
            ]
        ),
    ),
    Case("duplicate ids", _duplicate_quote),
    Case("quote references", _quote_references),
    Case("quote date", _quote_bad_date),
    Case("quote fragment", _quote_fragment),
    Case("source url", _source_bad_url),
    Case("source not a mapping", _source_not_a_mapping),
    Case("sources file broken: one error, not one per citation", _sources_file_broken),
    Case("source without title or description", _source_unnamed),
    Case("term id", _term_bad_id),
    Case("term missing definition", _term_missing_definition),
    Case("citation in a block text", _term_citation_in_block_text),
    Case("citation or link split across lines", _citation_split_across_lines),
    Case("site.yaml value", _site_language),
    Case("site.yaml missing field", _site_missing_as_of),
    Case("duplicate phase number", _duplicate_phase_number),
    Case("symlink out of site_src", _symlink_outside),
]


@pytest.fixture(scope="module")
def good_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real project, built once: every case starts from a copy of it, output included."""
    root = tmp_path_factory.mktemp("good")
    shutil.copytree(REPO / "site_src", root / "site_src")
    shutil.copytree(REPO / "templates", root / "templates")
    assert Project(root).cli("--quiet").code == 0
    return root


def test_the_catalogue_is_broad() -> None:
    assert len(CASES) >= 25
    assert len({case.name for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_broken_content_is_reported_exactly_and_output_is_kept(
    good_build: Path, tmp_path: Path, case: Case
) -> None:
    shutil.copytree(good_build, tmp_path / "p", symlinks=True)
    project = Project(tmp_path / "p")
    before = tree_digest(project.out)
    expected = case.breaks(project)
    run = project.cli()
    assert run.code == 1
    assert "Traceback" not in run.err and "internal error" not in run.err
    assert run.errors == expected
    assert run.err.strip().endswith(
        f"{len(expected)} problem{'s' if len(expected) != 1 else ''} found; nothing was written."
    )
    assert tree_digest(project.out) == before
    assert not list(project.root.glob(".output.*"))
