"""Google Lighthouse on the main pages of the real site, served on loopback: 1.0 in every category.

axe (test_browser.py) checks accessibility rules on a page as it stands; Lighthouse loads the
page as a phone would (its default mobile emulation and simulated throttling) and adds what only
a load shows: performance, best practices (console errors, deprecated APIs, HTTPS) and the SEO
basics (canonical, robots, crawlable links, descriptions). One run per page, all categories at
once: some 13 s each on two cores. Lighthouse (npm, pinned in package.json) drives Debian's
Chromium; `npm ci` in scripts/setup installs it, and without it this module is skipped.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import CHROMIUM
from conftest import REPO

pytestmark = pytest.mark.browser

LIGHTHOUSE = REPO / "node_modules" / ".bin" / "lighthouse"
if not LIGHTHOUSE.exists():
    pytest.skip("Lighthouse is not installed: run `npm ci` (scripts/setup test)", allow_module_level=True)

CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
PAGES = [
    "index.html",
    "timeline/index.html",
    "deal/index.html",  # with the inline SVG locator map
    "sticking-points/index.html",
    "search/index.html",
]
TIMEOUT = 120  # seconds for one run; a run takes some 13 s


def lighthouse_command(url: str, report: Path) -> list[str]:
    """The Lighthouse command line for one page: JSON out, no prompt, no error reporting."""
    return [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={report}",
        f"--only-categories={','.join(CATEGORIES)}",
        "--chrome-flags=--headless=new --no-sandbox",  # (the tests run as root)
        "--no-enable-error-reporting",
    ]


def run_lighthouse(url: str, report: Path) -> dict[str, Any]:
    done = subprocess.run(
        lighthouse_command(url, report),
        env={**os.environ, "CHROME_PATH": CHROMIUM},  # Debian's Chromium; nothing is downloaded
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert done.returncode == 0, f"lighthouse exited with {done.returncode}:\n{done.stderr[-3000:]}"
    return json.loads(report.read_text(encoding="utf-8"))


def summary(details: dict[str, Any] | None) -> str:
    """The first few things an audit points at: elements, or else URLs or labels."""
    items = (details or {}).get("items") or []
    found = []
    for item in items[:3]:
        node = item.get("node") if isinstance(item, dict) else None
        if isinstance(node, dict):
            found.append(node.get("selector") or node.get("snippet") or "?")
        elif isinstance(item, dict):
            found.append(str(item.get("url") or item.get("source") or item.get("label") or item)[:120])
    more = f" (+{len(items) - 3} more)" if len(items) > 3 else ""
    return f"{'; '.join(found)}{more}" if found else ""


def scored_audits(report: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(category, audit) for every audit that counts towards a tested category's score."""
    for name in CATEGORIES:
        for ref in report["categories"][name]["auditRefs"]:
            if ref["weight"]:
                yield name, report["audits"][ref["id"]]


def erred(report: dict[str, Any]) -> list[str]:
    """The scored audits that could not run: Lighthouse leaves them out of the score, which
    would hide them (a page it could not fully check would still score 1)."""
    return [
        f"{name}: {audit['id']} ({audit['title']}) could not run: {audit.get('errorMessage')}"
        for name, audit in scored_audits(report)
        if audit["scoreDisplayMode"] == "error"
    ]


def shortfalls(report: dict[str, Any]) -> list[str]:
    """The scored audits below 1: id, title, score, and what Lighthouse says and points at."""
    lines = []
    for name, audit in scored_audits(report):
        if audit["score"] is not None and audit["score"] < 1:
            parts = (audit.get("displayValue"), audit.get("explanation"), summary(audit.get("details")))
            note = " ".join(str(part) for part in parts if part)
            lines.append(
                f"{name}: {audit['id']} ({audit['title']}) score {audit['score']}: {note}".rstrip(": ")
            )
    return lines


@pytest.mark.parametrize("path", PAGES)
def test_lighthouse_scores_every_category_1(site_url: str, path: str, tmp_path: Path) -> None:
    # Each page at its own address, the one its rel=canonical names (a folder, as published):
    # the home page fetched as /index.html fails Lighthouse's canonical audit, which rejects any
    # canonical pointing at the site root from a page whose path is not `/`.
    url = site_url + path.removesuffix("index.html")
    report = run_lighthouse(url, tmp_path / "report.json")
    assert not report.get("runtimeError"), report["runtimeError"]
    scores = {name: report["categories"][name]["score"] for name in CATEGORIES}
    problems = erred(report) + shortfalls(report)  # (a metric at 0.99 may leave a category at 1)
    assert scores == dict.fromkeys(CATEGORIES, 1) and not erred(report), (
        f"Lighthouse {report['lighthouseVersion']} on {url}: {scores}; the audits below 1 or not run:\n"
        + "\n".join(problems)
        + f"\nrun warnings: {report.get('runWarnings')}"
    )
