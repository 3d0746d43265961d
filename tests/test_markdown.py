"""Markdown: the standard extensions, our citation and link syntax, and nothing unsafe."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from conftest import Project
from hypothesis import example, given, settings
from hypothesis import strategies as st

from explainer import markers
from explainer.glossary import Glossary
from explainer.markup import MarkdownRenderer
from explainer.typography import smarten

md = MarkdownRenderer()


def test_footnotes_tables_smart_quotes_and_heading_anchors() -> None:
    html = md.block(
        '## Background\n\n"Quoted" -- text[^1].\n\n| a | b |\n|:--|--:|\n| 1 | 2 |\n\n[^1]: A note.\n', "ev"
    )
    soup = BeautifulSoup(html, "html.parser")
    assert soup.h2["id"] == "ev-background"
    assert "\u201cQuoted\u201d \u2013 text" in soup.p.get_text()
    assert soup.find("sup", id="ev-fnref:1").a["href"] == "#ev-fn:1"
    assert soup.find("li", id="ev-fn:1").find("a", href="#ev-fnref:1")
    assert [cell.get("class") for cell in soup.find_all("th")] == [["align-left"], ["align-right"]]
    assert "style" not in html


@pytest.fixture(scope="module")
def unfiltered() -> MarkdownRenderer:
    """Python-Markdown as it is, without the speedups: every pattern tried everywhere, every
    block processor on every block, every pass run on every text."""
    renderer = MarkdownRenderer(fast=False)
    renderer.set_terms(TERMS)
    return renderer


MARKDOWN_BITS = [
    "word", " ", "\n", "\n\n", "#", "## ", ">", "> ", "-", "---", "***", "___", "*", "_", "`",
    "``", "\\", "[", "]", "(", ")", "[x]", "[x]: https://example.org", "[^1]", "[^1]: note",
    "(https://example.org)", "<https://example.org>", "!", "^", "1. ", "- ", "    ", "|", ":",
    "=", "===", "[TOC]", "#x", "Word", "\u00e9t\u00e9", "2024", "12. ", "1.", "\t", "  \n", "\r\n", "&",
    "&amp;", "<b>", "[[x]]", "[@s]", "[[term:t|a *b*]]", "'", '"',
]  # fmt: skip


TERMS = {"word": "word", "word word": "twice", "\u00e9t\u00e9": "summer"}  # (so texts have terms to mark)


def _renderer() -> MarkdownRenderer:
    renderer = MarkdownRenderer()
    renderer.set_terms(TERMS)
    return renderer


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(MARKDOWN_BITS), max_size=40).map("".join))
@example("Title\n=====\n\nText.")
@example("Title\n---\nText.")
@example("[TOC]\n\n# One\n\n## Two")
@example("Text\n*  *  *\nMore text")
@example("- item\n   \n\n  more\n \t\nText")
@example("Text\t\nmore")
@example("_Word_")
@example("*Word*")
@example("A\\.b")
@example("AT&amp;T")
@example("- item\n\nWord 12. x\n2024 and 1.5\n\n12. item")
@example("\n\nWord word, 'x' -- y > z [@s] [[x]] [[term:t|a]] word.\nWord \"2024\"...\n\n\nWord\n")
@example("Word\n   \nword")
def test_skipping_patterns_that_cannot_match_changes_nothing(unfiltered: MarkdownRenderer, text: str) -> None:
    """The patterns skipped on text without their characters (speedups._PREFILTERS) would not
    have matched there: the HTML is the same as with every pattern tried everywhere."""
    assert _renderer().block(text, "t") == unfiltered.block(text, "t")
    assert _renderer().inline(text) == unfiltered.inline(text)


GLOSSARY = {
    **{"Gaza": "gaza", "gaza strip": "strip-area", "Strip": "strip", "strip talks": "talks"},  # overlapping
    **{"A-B": "ab", "Truce": "truce", "cease fire": "truce"},  # overlapping nothing; an alias
    **{"x .": "x", ". 1": "one"},  # overlapping anything: not starting or ending with a letter
}
GLOSSARY_BITS = [
    "gaza", "GAZA", "Gaza", " strip", "Strip", " talks", "a-b", "A", "truce", "Cease", " fire",
    "-", "_", "x", "1", " ", ".", "\n",
]  # fmt: skip


def _marked_by_regex(text: str, seen: set[str]) -> str:
    """What glossary spotting must give: the regex it replaced, kept here as its specification."""
    ids = {name.casefold(): term_id for name, term_id in GLOSSARY.items()}
    names = "|".join(map(re.escape, sorted(ids, key=len, reverse=True)))

    def wrap(match: re.Match[str]) -> str:
        term_id = ids[match.group(0).casefold()]
        if term_id in seen:
            return match.group(0)
        seen.add(term_id)
        return markers.term_marker(term_id, match.group(0), by_hand=False)

    return re.sub(rf"(?<![\w-])(?:{names})(?![\w-])", wrap, text, flags=re.IGNORECASE)


@settings(max_examples=500, deadline=None, derandomize=True)
@given(
    st.lists(st.lists(st.sampled_from(GLOSSARY_BITS), max_size=30).map("".join), min_size=1, max_size=3),
    st.sets(st.sampled_from(sorted(set(GLOSSARY.values())))),
)
@example(["gaza strip talks, strip talks"], set())
@example(["x . 1"], {"x"})
@example(["gaza strip talks"], {"strip-area"})
@example(["gaza", "gaza strip talks"], set())
def test_glossary_spotting_finds_what_the_regex_found(stretches: list[str], seen: set[str]) -> None:
    """Longest name first at each place, whole words only, case ignored, the search going on
    after each mention (a seen term's mention still hides the names inside it)."""
    glossary = Glossary()
    glossary.update(GLOSSARY)
    for text in stretches:
        expected_seen = set(seen)
        assert glossary.mark(text, seen) == _marked_by_regex(text, expected_seen)
        assert seen == expected_seen


@settings(max_examples=500, deadline=None, derandomize=True)
@given(
    st.lists(st.lists(st.sampled_from(GLOSSARY_BITS), max_size=20).map("".join), min_size=1, max_size=4),
    st.lists(st.tuples(st.integers(0, 4), st.sampled_from(sorted(set(GLOSSARY.values())))), max_size=3),
    st.sampled_from(["", "\0"]),
)
@example(["gaza", "gaza strip talks"], [], "")
@example(["truce", "truce"], [(1, "truce")], "")
@example(["truce"], [(0, "truce")], "\0")
def test_the_stretches_of_a_text_are_marked_in_turn(
    stretches: list[str], by_hand: list[tuple[int, str]], stray: str
) -> None:
    """The Markdown pass spots terms in all of a text's stretches at once: the same as marking
    them in turn with one `seen`, a term linked by hand counting as seen from its link on,
    even where a stretch holds the character that separates them in the joined text."""
    glossary = Glossary()
    glossary.update(GLOSSARY)
    stretches = [stretches[0] + stray, *stretches[1:]]
    by_hand = sorted((min(before, len(stretches)), term_id) for before, term_id in by_hand)
    seen: set[str] = set()
    expected = []
    for index, text in enumerate(stretches):
        seen.update(term_id for before, term_id in by_hand if before == index)
        expected.append(_marked_by_regex(text, seen))
    assert glossary.mark_all(stretches, by_hand) == expected


def test_glossary_spotting_folds_case_beyond_one_letter_for_one() -> None:
    """`ß` folds to `ss`: a name spelled with `ss` is found, but never half of the `ss`."""
    glossary = Glossary()
    glossary.update({"Weiss": "weiss", "s": "s"})
    marked = glossary.mark("Herr Weiß, ß and s.", set())
    assert (
        marked
        == "Herr "
        + markers.term_marker("weiss", "Weiß", False)
        + ", ß and "
        + markers.term_marker("s", "s", False)
        + "."
    )


def test_a_top_level_heading_becomes_h2() -> None:
    assert BeautifulSoup(md.block("# Title\n", "x"), "html.parser").find("h2")


def test_raw_html_is_shown_as_text_never_run() -> None:
    html = md.block('<script>alert(1)</script>\n\nText <img src=x onerror="alert(1)"> <b>bold</b>\n', "x")
    soup = BeautifulSoup(html, "html.parser")
    assert not soup.find(["script", "img", "b"])
    assert "<script>alert(1)</script>" in soup.get_text()


def test_dangerous_link_schemes_are_dropped() -> None:
    html = md.block(
        "[a](javascript:alert(1)) [b](data:text/html,x) [c](https://example.org/) [d](../sources/index.html)",
        "x",
    )
    hrefs = [a.get("href") for a in BeautifulSoup(html, "html.parser").find_all("a")]
    assert hrefs == [None, None, "https://example.org/", "../sources/index.html"]


def test_inline_drops_the_paragraph() -> None:
    assert md.inline("Some *text*") == "Some <em>text</em>"


def test_citations_are_numbered_per_page_in_reading_order(project: Project) -> None:
    project.write(
        "events/cites.md",
        "---\ntitle: Citations\ndate: 2024-06-22\nsources: [ap-2024-08-19]\n---\n"
        "One [@tass-2024-08-15]. Two [@ap-2024-08-19; @tass-2024-08-15]. Three [@mint-2024-08-22].\n",
    )
    assert project.cli().code == 0
    soup = BeautifulSoup((project.out / "timeline/cites/index.html").read_text(), "html.parser")
    body_cites = [[a.get_text() for a in sup.find_all("a")] for sup in soup.select("main .prose sup.cite")]
    # the facts list cites the event's own source first, so it is note 1
    assert body_cites == [["2"], ["1", "2"], ["3"]]
    notes = soup.select("section.notes li")
    assert [li["id"] for li in notes] == [
        "note-ap-2024-08-19",
        "note-tass-2024-08-15",
        "note-mint-2024-08-22",
    ]
    assert notes[1].find("a")["href"] == "../../sources/index.html#source-tass-2024-08-15"
    for sup in soup.select("sup.cite a"):
        assert soup.find(id=sup["href"][1:]) is not None


def test_cross_links_are_titled_from_their_target(project: Project) -> None:
    project.write(
        "events/links.md",
        "---\ntitle: Links\ndate: 2024-06-23\nsources: [ap-2024-08-19]\n---\n"
        "[[hamas]] [[event:doha-round]] [[term:netzarim-corridor]] [[phase:phase-2]] "
        "[[sticking-point:philadelphi-corridor]] [[blinken|the Secretary]]\n",
    )
    assert project.cli().code == 0
    soup = BeautifulSoup((project.out / "timeline/links/index.html").read_text(), "html.parser")
    links = [(a.get_text(), a["href"]) for a in soup.select("a.xref")]
    assert links == [
        ("Hamas", "../../actors/hamas/index.html"),
        ("Mediators and Israel meet in Doha", "../../timeline/doha-round/index.html"),
        ("Permanent end to hostilities", "../../deal/phase-2/index.html"),
        ("The Philadelphi corridor", "../../sticking-points/philadelphi-corridor/index.html"),
        ("the Secretary", "../../actors/blinken/index.html"),
    ]
    term = soup.select_one(".prose .term > a")
    assert (term.get_text(), term["href"]) == (
        "Netzarim corridor",
        "../../glossary/index.html#term-netzarim-corridor",
    )
    assert soup.find(id=term["aria-describedby"]).get_text().startswith("A belt of land running east to west")


def test_private_use_markers_in_content_cannot_forge_citations(project: Project) -> None:
    forged = markers.citation_marker(["ap-2024-08-19"])
    project.write(
        "events/forged.md",
        f'---\ntitle: "Forged {forged}"\ndate: 2024\nsources: [ap-2024-08-19]\n---\nText {markers.ROOT} here\n',
    )
    assert project.cli().code == 0
    html = (project.out / "timeline/forged/index.html").read_text()
    assert not any("\ue000" <= char <= "\ue00f" for char in html)
    assert "<h1>Forged ap-2024-08-19</h1>" in html


def test_glossary_terms_are_linked_once_per_page_outside_links_and_code(project: Project) -> None:
    project.write(
        "events/terms.md",
        "---\ntitle: Terms\ndate: 2024-06-24\nsources: [ap-2024-08-19]\n---\n"
        "The mediators met. The mediators met again [@ap-2024-08-19].\n\n"
        "`mediators` in code and [the mediators](https://example.org/) in a link stay as they are.\n",
    )
    assert project.cli().code == 0
    soup = BeautifulSoup((project.out / "timeline/terms/index.html").read_text(), "html.parser")
    terms = soup.select(".prose .term")
    assert len(terms) == 1 and terms[0].a.get_text() == "mediators"
    assert soup.select_one(".prose code").get_text() == "mediators"
    glossary = BeautifulSoup((project.out / "glossary/index.html").read_text(), "html.parser")
    assert not glossary.select(".term")


_TYPOGRAPHY_SPEC = (  # what typography.smarten must do: the regexes it replaced, in order
    (re.compile(r"---"), "\u2014"),
    (re.compile(r"--"), "\u2013"),
    (re.compile(r"\.\.\."), "\u2026"),
    (re.compile(r'(^|[\s(\[{\u2014\u2013])"'), "\\1\u201c"),
    (re.compile(r'"'), "\u201d"),
    (re.compile(r"(^|[\s(\[{\u2014\u2013\u201c])'"), "\\1\u2018"),
    (re.compile(r"'"), "\u2019"),
)


@settings(max_examples=500, deadline=None, derandomize=True)
@given(st.text(alphabet=st.sampled_from(list("-.'\"( [{a\n\u2014\u2013\u201c")), max_size=16))
def test_typography_is_what_its_regexes_would_make(text: str) -> None:
    expected = text
    for pattern, replacement in _TYPOGRAPHY_SPEC:
        expected = pattern.sub(replacement, expected)
    assert smarten(text) == expected
