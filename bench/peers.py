"""Peers: the same documents built cold by ours, Pelican and Hugo, whole processes, interleaved.

    python bench/peers.py --events 10000 [--runs 3] [--seed 1] [--pelican PATH] [--hugo PATH]

Why: a figure of ours alone says nothing about whether the build is fast for what it does;
two widely used generators fed the same Markdown give it a scale. synth.py writes the site
once; each event (front matter and about 300 words of Markdown) becomes a Pelican article
and a Hugo content file with the same title, date, slug and body. Then each run builds all
three in turns (ours, Pelican, Hugo, ours ...), so a drift of this shared VM's speed meets
each tool alike and the ratios stay fair while the seconds move.

Every build is from scratch, as a whole process: ours is `python build.py` with no .cache
and no output (as build_bench.py's cold_run), Pelican with its content cache off, Hugo with
a fresh --cacheDir; the last output is moved aside rather than deleted before each build
(deleting 12,000 files just before a build slows the build's own writes on this VM).

Pelican is not a dependency of ours, so it runs from its own venv (default /tmp/peers-venv):
    python3 -m venv /tmp/peers-venv && /tmp/peers-venv/bin/pip install pelican markdown
Hugo is used where installed (Debian: `apt-get install hugo`); either is skipped with a
message when missing.

Choices, fair either way: Pelican's default theme (notmyidea), no pagination (its default),
every feed off; Hugo with two small templates written here (a page; a list of titles), RSS,
sitemap, taxonomies, robots.txt and 404 off, and buildFuture on (at 10,000 events the last
dates pass today's, and Hugo would skip those pages; Pelican and ours write them). Ours
writes what it always writes (actors, sources, quotes, phases, a feed, a sitemap ...) and
resolves every [[link]] and [@citation], which the peers print as plain text: pages written
are counted (HTML files) and printed.
Cores: ours uses at most 2 processes (--jobs default), Pelican 1, Hugo every core it sees.

Figures per tool: median seconds, ms per document (documents = events), peak RSS of its
largest process in MiB, HTML pages written; and ours/peer time ratios (below 1: ours is
faster). The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

from synth import synthesize  # noqa: E402

PELICAN_CONF = """\
AUTHOR = "Bench"
SITENAME = "Peers"
SITEURL = ""
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
LOAD_CONTENT_CACHE = False
CACHE_CONTENT = False
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
"""

HUGO_CONF = """\
baseURL = "https://example.org/bench/"
title = "Peers"
buildFuture = true
disableKinds = ["RSS", "sitemap", "taxonomy", "term", "robotsTXT", "404"]
"""

HUGO_SINGLE = """\
<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><article><h1>{{ .Title }}</h1><time>{{ .Date.Format "2006-01-02" }}</time>
{{ .Content }}</article></body></html>
"""

HUGO_LIST = """\
<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><h1>{{ .Title }}</h1><ul>{{ range .Pages }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Date.Format "2006-01-02" }}</li>{{ end }}
</ul></body></html>
"""


@dataclass
class Tool:
    """One generator: how to build from scratch in `root`, and what to clear before."""

    name: str
    command: list[str]
    root: Path
    output: str
    scratch: list[str]
    version: str
    seconds: list[float] = field(default_factory=list)
    rss: list[float] = field(default_factory=list)
    pages: int = 0


def events_of(src: Path) -> list[tuple[dict[str, object], str, str]]:
    """Each event's front matter, body and slug, read back from synth.py's files."""
    documents = []
    for path in sorted((src / "events").glob("*.md")):
        _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
        documents.append((yaml.safe_load(front), body, path.stem))
    return documents


def write_pelican(root: Path, documents: list[tuple[dict[str, object], str, str]]) -> None:
    """Pelican articles: its Markdown metadata header, a blank line, the same body."""
    content = root / "content"
    content.mkdir(parents=True)
    (root / "pelicanconf.py").write_text(PELICAN_CONF, encoding="utf-8")
    for meta, body, slug in documents:
        header = f"Title: {meta['title']}\nDate: {meta['date']}\nSlug: {slug}\nCategory: Events\n"
        (content / f"{slug}.md").write_text(f"{header}\n{body}", encoding="utf-8")


def write_hugo(root: Path, documents: list[tuple[dict[str, object], str, str]]) -> None:
    """Hugo content in one section, YAML front matter and the same body, with two templates."""
    content = root / "content/events"
    content.mkdir(parents=True)
    layouts = root / "layouts/_default"
    layouts.mkdir(parents=True)
    (root / "config.toml").write_text(HUGO_CONF, encoding="utf-8")
    (layouts / "single.html").write_text(HUGO_SINGLE, encoding="utf-8")
    (layouts / "list.html").write_text(HUGO_LIST, encoding="utf-8")
    (content / "_index.md").write_text("---\ntitle: Events\n---\n", encoding="utf-8")
    for meta, body, slug in documents:
        front = f"---\ntitle: {json.dumps(meta['title'])}\ndate: {meta['date']}\nslug: {slug}\n---\n"
        (content / f"{slug}.md").write_text(front + body, encoding="utf-8")


def cold_run(tool: Tool) -> str:
    """One build from scratch as a whole process; records seconds, peak RSS and pages written."""
    for name in tool.scratch:
        shutil.rmtree(tool.root / name, ignore_errors=True)
    if (tool.root / tool.output).exists():
        aside = Path(tempfile.mkdtemp(prefix=".old-", dir=tool.root))
        (tool.root / tool.output).rename(aside / tool.output)
    started = time.perf_counter()
    process = subprocess.Popen(
        tool.command,
        cwd=tool.root,
        env={**os.environ, "COLUMNS": "1000"},  # Pelican's console wraps its closing line at 80
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    printed = process.stdout.read() if process.stdout else ""
    _, status, usage = os.wait4(process.pid, 0)
    tool.seconds.append(time.perf_counter() - started)
    if status != 0:
        raise SystemExit(f"{tool.name} failed:\n{printed}")
    tool.rss.append(usage.ru_maxrss / 1024)
    tool.pages = sum(1 for _ in (tool.root / tool.output).rglob("*.html"))
    lines = printed.strip().splitlines()
    return lines[-1] if lines else ""


def version(command: list[str]) -> str:
    """A tool's own account of its version, first line."""
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    return (result.stdout or result.stderr).strip().splitlines()[0]


def tools(work: Path, events: int, seed: int, pelican: Path, hugo: str | None) -> list[Tool]:
    """The synthetic site, its copies for each peer found, and how each is built."""
    ours = work / "ours"
    synthesize(ours / "site_src", events, seed)
    shutil.copytree(REPO / "templates", ours / "templates")
    commit = subprocess.run(
        ["git", "-C", str(REPO), "describe", "--always", "--dirty"], capture_output=True, text=True
    )
    mine = f"{commit.stdout.strip() or 'not a git checkout'}, Python {sys.version.split()[0]}"
    chosen = [Tool("ours", [sys.executable, str(REPO / "build.py")], ours, "output", [".cache"], mine)]
    documents = events_of(ours / "site_src")
    if pelican.exists():
        write_pelican(work / "pelican", documents)
        command = [str(pelican), "content", "-s", "pelicanconf.py", "-o", "output"]
        mine = version([str(pelican), "--version"])
        chosen.append(Tool("pelican", command, work / "pelican", "output", ["cache", "__pycache__"], mine))
    else:
        print(f"skipping Pelican: no {pelican} (see this script's docstring to install it)")
    if hugo:
        write_hugo(work / "hugo", documents)
        command = [hugo, "--destination", "public", "--cacheDir", str(work / "hugo/hugo_cache")]
        mine = version([hugo, "version"])
        chosen.append(Tool("hugo", command, work / "hugo", "public", ["hugo_cache", "resources"], mine))
    else:
        print("skipping Hugo: `hugo` is not on PATH (Debian: apt-get install hugo)")
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pelican", type=Path, default=Path("/tmp/peers-venv/bin/pelican"))
    parser.add_argument("--hugo", default=shutil.which("hugo"), help="the hugo executable (default: on PATH)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix=f"bench-peers-{args.events}-"))
    chosen = tools(work, args.events, args.seed, args.pelican, args.hugo)
    versions = {tool.name: tool.version for tool in chosen}
    print(
        f"{args.events} documents; {os.cpu_count()} cores: ours uses at most 2 processes, Pelican 1, Hugo all"
    )
    for name, text in versions.items():
        print(f"  {name}: {text}")

    for run in range(args.runs):
        for tool in chosen:
            printed = cold_run(tool)
            print(
                f"run {run + 1}, {tool.name}: {tool.seconds[-1]:.2f} s, {tool.rss[-1]:.0f} MiB, "
                f"{tool.pages} HTML pages: {printed}",
                flush=True,
            )

    summary: dict[str, object] = {"events": args.events, "runs": args.runs, "versions": versions}
    medians = {tool.name: statistics.median(tool.seconds) for tool in chosen}
    for tool in chosen:
        per_doc = medians[tool.name] * 1000 / args.events
        peak = max(tool.rss)
        print(
            f"{tool.name:8} median {medians[tool.name]:7.2f} s  {per_doc:6.3f} ms/doc  "
            f"peak {peak:5.0f} MiB  {tool.pages} HTML pages"
        )
        summary[f"{tool.name}_s"] = round(medians[tool.name], 3)
        summary[f"{tool.name}_ms_per_doc"] = round(per_doc, 3)
        summary[f"{tool.name}_peak_rss_mb"] = round(peak)
        summary[f"{tool.name}_pages"] = tool.pages
    for tool in chosen[1:]:
        ratio = medians["ours"] / medians[tool.name]
        each = [round(mine / theirs, 3) for mine, theirs in zip(chosen[0].seconds, tool.seconds, strict=True)]
        print(f"ours/{tool.name}: {ratio:.3f} of the medians, {each} run by run (below 1: ours is faster)")
        summary[f"ours_over_{tool.name}"] = round(ratio, 3)
        summary[f"ours_over_{tool.name}_runs"] = each
    shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
