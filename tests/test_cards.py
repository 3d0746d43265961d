"""Social cards: every page names a 1200x630 PNG of its own (`og:image`), drawn with the
shipped font, kept in the cache by what is on it, so a build draws only the cards whose words
changed; `--no-cards` leaves them, and the tags naming them, out."""

from __future__ import annotations

import io
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from conftest import REPO, Project
from PIL import Image

from explainer.cache import CACHE_DIR
from explainer.cards import FONTS, card_path, draw


def _meta(html: str) -> dict[str, str]:
    soup = BeautifulSoup(html, "html.parser")
    return {
        tag.get("property") or tag.get("name"): tag["content"]
        for tag in soup.select("meta[property], meta[name]")
        if tag.get("content") is not None
    }


@pytest.fixture(scope="module")
def carded_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real site built with its cards (the session's built_site is built without)."""
    root = tmp_path_factory.mktemp("carded")
    shutil.copytree(REPO / "site_src", root / "site_src")
    assert Project(root, cards=True).cli("--quiet").code == 0
    return root / "output"


def test_every_page_names_its_own_card(carded_site: Path) -> None:
    built_site = carded_site
    pages = sorted(built_site.rglob("*.html"))
    cards = set()
    for page in pages:
        meta = _meta(page.read_text(encoding="utf-8"))
        relative = page.relative_to(built_site).as_posix()
        assert meta["twitter:card"] == "summary_large_image", relative
        assert meta["og:image:alt"] and meta["og:image:width"] == "1200", relative
        path = urlsplit(meta["og:image"]).path.split("/gaza-talks/", 1)[-1]
        assert path == card_path(relative)
        with Image.open(built_site / path) as image:
            assert image.size == (1200, 630) and image.format == "PNG"
        cards.add(path)
    assert len(cards) == len(pages), "a card a page"


def test_a_build_draws_only_the_cards_whose_words_changed(project: Project) -> None:
    drawing = Project(project.root, cards=True)
    assert drawing.cli("--quiet").code == 0
    kept = project.root / CACHE_DIR / "cards"
    before = {path.name for path in kept.iterdir()}
    card = project.out / card_path("timeline/doha-round/index.html")
    old = card.read_bytes()
    other = (project.out / card_path("actors/hamas/index.html")).read_bytes()
    event = project.src / "events/doha-round.md"
    event.write_text(
        event.read_text().replace("title: Mediators and Israel meet in Doha", "title: Talks in Doha")
    )
    assert drawing.cli("--quiet").code == 0
    after = {path.name for path in kept.iterdir()}
    assert len(after - before) == 1, "one card drawn anew"
    assert card.read_bytes() != old
    assert (project.out / card_path("actors/hamas/index.html")).read_bytes() == other


def test_no_cards_leaves_them_and_their_tags_out(project: Project) -> None:
    assert project.cli("--quiet").code == 0  # (the test project builds with --no-cards)
    assert not (project.out / "cards").exists()
    meta = _meta((project.out / "index.html").read_text(encoding="utf-8"))
    assert "og:image" not in meta and meta["twitter:card"] == "summary"


def test_a_long_title_stays_on_the_card() -> None:
    """Lines are measured in the shipped font; a title too long for four lines ends in …"""
    assert (FONTS / "LICENSE").read_text().count("Bitstream") > 1, "the font's licence ships with it"
    long = " ".join(["Negotiations"] * 30)
    with Image.open(io.BytesIO(draw("A site", long, "Event · 1 August 2024"))) as image:
        assert image.size == (1200, 630)
        right_margin = image.crop((1130, 100, 1200, 500))
        assert right_margin.getcolors() and len(right_margin.getcolors()) == 1, (
            "nothing drawn past the margin"
        )


def test_a_card_another_build_holds_open_is_left_to_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On Windows, replacing a file another process has open fails: the card is still staged,
    and no temporary file is left in the cache."""
    import explainer.cards as cards

    def refused(source: object, target: object) -> None:
        raise PermissionError(13, "in use", str(target))

    monkeypatch.setattr(cards.os, "replace", refused)
    staged: dict[str, bytes] = {}
    made = cards.make(
        {"index.html": ("Home", "Page")}, "A site", tmp_path, lambda p, d: staged.setdefault(p, d) and "x"
    )
    assert list(staged) == ["cards/home.png"] and staged["cards/home.png"].startswith(b"\x89PNG")
    assert made == {"cards/home.png": "x"} and list(tmp_path.iterdir()) == []


def test_a_card_is_a_small_palette_png_and_the_same_words_give_the_same_bytes() -> None:
    """32 colours hold the card's four inks and their antialiased edges, at half the bytes;
    the same words must give the same file, or builds would not be reproducible."""
    words = (
        "The Gaza talks",
        "Mediators and Israel meet in Doha for two days of talks",
        "Event · 15 August 2024",
    )
    card = draw(*words)
    assert card == draw(*words)
    with Image.open(io.BytesIO(card)) as image:
        assert image.mode == "P" and len(image.getcolors()) <= 32
    assert len(card) < 20_000
