"""How fast is this machine? The issue's yardstick, measured here.

    python bench/bare_loop.py [--pages 1000] [--runs 3]

The bare loop the issue's anchors were measured with: for each synthetic event file, read it,
parse its YAML front matter, convert its Markdown with one Python-Markdown object, render a
small jinja2 page and write it; one process. On the anchors' machine it takes 1.54 ms a page.
Dividing our build figures by (this machine's ms a page / 1.54) compares them with the
anchors. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import jinja2
import markdown
import yaml
from markupsafe import Markup

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synth import synthesize

ANCHOR_MS_PER_PAGE = 1.54
PAGE = jinja2.Environment(autoescape=True).from_string(
    "<!doctype html><html lang=en><title>{{ title }}</title><main><h1>{{ title }}</h1>{{ body }}</main></html>"
)


def loop(sources: list[Path], out: Path) -> float:
    """Seconds for one pass over every page."""
    started = time.perf_counter()
    converter = markdown.Markdown()
    for source in sources:
        _, front, body = source.read_text(encoding="utf-8").split("---\n", 2)
        meta = yaml.safe_load(front)
        converter.reset()
        html = Markup(converter.convert(body))
        (out / f"{source.stem}.html").write_text(
            PAGE.render(title=meta["title"], body=html), encoding="utf-8"
        )
    return time.perf_counter() - started


def bare_loop_ms_per_page(pages: int, runs: int = 1, say: Callable[[str], None] = lambda text: None) -> float:
    """The median over `runs` passes, in milliseconds a page."""
    root = Path(tempfile.mkdtemp(prefix="bare-loop-"))
    try:
        synthesize(root / "site_src", pages)
        sources = sorted((root / "site_src/events").glob("*.md"))
        seconds = []
        for run in range(runs):
            out = root / f"out-{run}"
            out.mkdir()
            seconds.append(loop(sources, out))
            say(f"run {run + 1}: {seconds[-1]:.2f} s, {1000 * seconds[-1] / len(sources):.2f} ms a page")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 1000 * statistics.median(seconds) / len(sources)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    ms = bare_loop_ms_per_page(args.pages, args.runs, lambda text: print(text, flush=True))
    print(
        json.dumps(
            {"pages": args.pages, "ms_per_page": round(ms, 2), "vs_anchor": round(ms / ANCHOR_MS_PER_PAGE, 2)}
        )
    )


if __name__ == "__main__":
    main()
