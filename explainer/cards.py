"""Social cards: a 1200x630 PNG for every page (the site's title, the page's title, its kind
and date), what a link shared in a chat or on social media shows (`og:image`). Drawn with
Pillow in DejaVu Sans, shipped in explainer/fonts/ with its licence (version 2.37), so cards
look alike wherever they are drawn (where Pillow lacks its text-shaping library, raqm, some
scripts may be set less well); kept in `.cache/explainer/cards/` by a digest of what is on
the card, so a build draws only the cards whose words changed, and a build with nothing
changed draws none.
"""

from __future__ import annotations

import io
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from .cache import digest

if TYPE_CHECKING:
    from PIL import ImageFont

SIZE = (1200, 630)
FONTS = Path(__file__).resolve().parent / "fonts"
DESIGN = "2"  # change it when the drawing changes, so cached cards are drawn again
_PAPER, _INK, _MUTED, _ACCENT = (251, 250, 247), (29, 28, 26), (87, 83, 76), (161, 45, 12)
PALETTE = 32
TITLE_LINES, TEXT_WIDTH = 4, 1040  # (pixels: the card less its margins)


def card_path(page: str) -> str:
    """Where a page's card goes: timeline/doha-round/index.html -> cards/timeline/doha-round.png."""
    stem = page.removesuffix("index.html").rstrip("/") or "home"
    return f"cards/{stem.removesuffix('.html')}.png"


_THREAD = threading.local()  # (each drawing thread its own fonts: Pillow's are not shared safely)


def _font(bold: bool, size: int) -> ImageFont.FreeTypeFont:
    from PIL import ImageFont

    fonts: dict[tuple[bool, int], ImageFont.FreeTypeFont] = _THREAD.__dict__.setdefault("fonts", {})
    if (bold, size) not in fonts:
        fonts[bold, size] = ImageFont.truetype(
            str(FONTS / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")), size
        )
    return fonts[bold, size]


def _wrap(text: str, size: int) -> list[str]:
    """The title in lines no wider than the card allows at this size, at most TITLE_LINES
    (the last one ending in an ellipsis when the title is longer)."""
    font, lines = _font(True, size), [""]
    for word in text.split():
        candidate = f"{lines[-1]} {word}".strip()
        if font.getlength(candidate) <= TEXT_WIDTH or not lines[-1]:
            lines[-1] = candidate
        else:
            lines.append(word)
    if len(lines) > TITLE_LINES:
        last = lines[TITLE_LINES - 1]
        while last and font.getlength(last + " …") > TEXT_WIDTH:
            last = last.rsplit(" ", 1)[0] if " " in last else last[:-1]
        lines = [*lines[: TITLE_LINES - 1], last + " …"]
    return lines


def draw(site_title: str, title: str, about: str) -> bytes:
    """One card: the site's name above, the page's title (up to four lines), and what it is."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", SIZE, _PAPER)
    pen = ImageDraw.Draw(image)
    pen.rectangle((0, 0, SIZE[0], 18), fill=_ACCENT)
    pen.text((80, 70), site_title, font=_font(False, 34), fill=_MUTED)
    size, lines = 72, _wrap(title, 72)
    if len(lines) > 2:
        size, lines = 56, _wrap(title, 56)
    for index, line in enumerate(lines):
        pen.text((80, 150 + index * int(size * 1.22)), line, font=_font(True, size), fill=_INK)
    pen.text((80, 520), about, font=_font(False, 34), fill=_ACCENT)
    out = io.BytesIO()
    # (four inks and their antialiased edges fit 32 colours: the PNG is half the size, and
    # quantizing and compressing it is faster than compressing the full-colour picture)
    image.quantize(colors=PALETTE, method=Image.Quantize.FASTOCTREE).save(out, "PNG", compress_level=6)
    return out.getvalue()


def make(
    pages: dict[str, tuple[str, str]],
    site_title: str,
    cache_folder: Path | None,
    put: Callable[[str, bytes], str],
) -> dict[str, str]:
    """The card of every page ({page path: (title, what it is)}), handed to `put` (which
    stages a file and returns its digest) one at a time; drawn only when the cache has no card
    with the same words. The digest of each card, by its path."""
    if cache_folder is not None:
        cache_folder.mkdir(parents=True, exist_ok=True)
    cards: dict[str, str] = {}
    missing: dict[str, tuple[str, str, Path | None]] = {}
    for page, (title, about) in pages.items():
        key = digest("\0".join((DESIGN, site_title, title, about)).encode("utf-8"))
        kept = cache_folder / f"{key}.png" if cache_folder is not None else None
        if kept is not None and kept.is_file():
            cards[card_path(page)] = put(card_path(page), kept.read_bytes())
        else:
            missing[card_path(page)] = (title, about, kept)

    def made(job: tuple[str, str, Path | None]) -> bytes:
        title, about, kept = job
        data = draw(site_title, title, about)
        if kept is not None:
            temporary = kept.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
            temporary.write_bytes(data)
            try:
                os.replace(temporary, kept)  # (whole or not at all, should two builds race)
            except PermissionError:  # (Windows, while another build reads the same card)
                temporary.unlink()
        return data

    # (two threads: Pillow lets go of the interpreter while it draws and compresses)
    with ThreadPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as pool:
        for path, data in zip(missing, pool.map(made, missing.values()), strict=True):
            cards[path] = put(path, data)  # (here, in this thread: staging is not shared)
    return cards
