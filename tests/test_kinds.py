"""A content kind is declared once (kinds.py): a toy kind, declared in a build process before
the pipeline loads, gets its files read and validated, a page per item, an index, open data,
cross-links from Markdown and update notes, with nothing else changed but its templates."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

from bs4 import BeautifulSoup
from conftest import LEAN_BUILD, REPO, Project

TOY_BUILD = textwrap.dedent(
    """
    import sys
    from pydantic import Field

    from explainer.fields import SourceIds, Text
    from explainer.kinds import Kind, declare
    from explainer.model import Item, Updates


    class Memo(Item):
        title: Text = Field(description="the memo's heading")
        sources: SourceIds = Field(description="what it rests on")
        updates: Updates = []


    declare(Kind("memo", Memo, "memo", "Memos", folder="memos", section="memos", data="memos", xref="memo"))

    from explainer.cli import main

    sys.exit(main(sys.argv[1:]))
    """
)
MEMO = """---
title: A toy memo
sources: [ap-2024-08-19]
updates:
  - date: 2026-12-04
    kind: update
    note: Added for the test.
---
What the memo says [@ap-2024-08-19], with a link to [[event:doha-round]].
"""
TEMPLATES = {
    "memo.html": (
        '{% extends "base.html" %}{% block content %}<h1>{{ item.title }}</h1>'
        '<div class="prose">{{ item.body | md(item.id) }}</div>{% endblock %}'
    ),
    "memo_index.html": (
        '{% extends "base.html" %}{% block content %}<h1>{{ kind.group }}</h1><ul>'
        '{% for memo in items %}<li><a href="{{ href("memo", memo.id) }}">{{ memo.title }}</a></li>{% endfor %}'
        "</ul>{% endblock %}"
    ),
}


def _toy_build(project: Project, *args: str) -> subprocess.CompletedProcess[str]:
    script = project.root / "toy_build.py"
    script.write_text(TOY_BUILD, encoding="utf-8")
    return subprocess.run(
        [sys.executable, str(script), *LEAN_BUILD, *args],
        cwd=project.root,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_toy_kind_declared_once_gets_pages_data_links_and_notes(project: Project) -> None:
    project.write("memos/first-memo.md", MEMO)
    for name, text in TEMPLATES.items():
        (project.root / "templates").mkdir(exist_ok=True)
        (project.root / "templates" / name).write_text(text, encoding="utf-8")
    event = project.src / "events/doha-round.md"
    assert event.exists(), "the test links to a real event"
    event.write_text(
        event.read_text(encoding="utf-8") + "\nSee also [[memo:first-memo]].\n", encoding="utf-8"
    )
    done = _toy_build(project)
    assert done.returncode == 0, done.stdout + done.stderr
    out = project.out
    page = BeautifulSoup((out / "memos/first-memo/index.html").read_text(encoding="utf-8"), "html.parser")
    assert page.h1.get_text() == "A toy memo"
    assert page.find("a", href="../../timeline/doha-round/index.html")  # its cross-link, made
    index = BeautifulSoup((out / "memos/index.html").read_text(encoding="utf-8"), "html.parser")
    assert [a["href"] for a in index.select("main li a")] == ["first-memo/index.html"]
    linking = (out / "timeline/doha-round/index.html").read_text(encoding="utf-8")
    assert 'href="../../memos/first-memo/index.html"' in linking
    memos = json.loads((out / "data/memos.json").read_text(encoding="utf-8"))
    assert [item["id"] for item in memos] == ["first-memo"]
    changes = (out / "changes/index.html").read_text(encoding="utf-8")
    assert "Added for the test." in changes and "Memos" in changes
    source = BeautifulSoup(
        (out / "sources/ap-2024-08-19/index.html").read_text(encoding="utf-8"), "html.parser"
    )
    assert "Memos" in [heading.get_text(strip=True) for heading in source.find_all(["h2", "h3"])]
    assert source.find("a", href="../../memos/first-memo/index.html")


def test_a_toy_kind_is_validated_with_located_errors(project: Project) -> None:
    project.write("memos/bad-memo.md", "---\ntitle: A memo without sources\n---\nText.\n")
    for name, text in TEMPLATES.items():
        (project.root / "templates").mkdir(exist_ok=True)
        (project.root / "templates" / name).write_text(text, encoding="utf-8")
    done = _toy_build(project)
    assert done.returncode == 1
    assert "memos/bad-memo.md:" in done.stderr and "sources" in done.stderr
