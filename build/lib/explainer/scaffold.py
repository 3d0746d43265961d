"""`new`: start an item from its title, as a draft that already passes validation.

The file gets the slug of the title as its id, every required field with a placeholder, and
`draft: true`, so the site keeps building while the editor fills it in. Placeholders never
pose as facts: the source id is `todo-source-id`, which fails loudly once the draft is published.
Existing files are never overwritten; a new glossary term is appended to glossary.yaml.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

from .errors import ScaffoldError, display_path
from .kinds import KINDS
from .names import slugify

PLACEHOLDER_SOURCE = "todo-source-id"
# what `new` makes, as the command line names it: every kind kept in a folder, and terms
_FOLDERS = {name.replace("_", "-"): kind.folder for name, kind in KINDS.items() if kind.folder}
NEW_KINDS = (*_FOLDERS, "term")


def _quoted(text: str) -> str:
    """A YAML scalar that reads back as exactly `text`."""
    import yaml  # only `new` needs it

    return yaml.safe_dump(text, default_style='"', width=10_000).strip()


def _next_phase_number(folder: Path) -> int:
    numbers = []
    for path in folder.glob("*.md"):
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("number:") and line[7:].strip().isdigit():
                numbers.append(int(line[7:].strip()))
    return min(max(numbers, default=0) + 1, 9)


def _front_matter(kind: str, title: str, folder: Path) -> str:
    today = dt.date.today().isoformat()
    sources = f"sources: [{PLACEHOLDER_SOURCE}]  # TODO: ids from site_src/sources.yaml"
    fields = {
        "event": [
            f"title: {_quoted(title)}",
            f"date: {today}  # TODO: when it happened: YYYY, YYYY-MM or YYYY-MM-DD",
            "# end_date: YYYY-MM-DD  (for events over several days)",
            "location: TODO",
            "actors: []  # ids from site_src/actors/",
            "phases: []",
            "sticking_points: []",
            sources,
            "importance: normal  # key or normal",
        ],
        "actor": [
            f"name: {_quoted(title)}",
            "kind: person  # TODO: person, organisation or state",
            "role: TODO",
            "# affiliation: actor-id",
            "part: other  # TODO: party, mediator, negotiator or other",
            sources,
        ],
        "phase": [
            f"number: {_next_phase_number(folder)}",
            f"title: {_quoted(title)}",
            "# duration: about six weeks",
            "provisions: []  # each: {text: ..., sources: [...]}",
        ],
        "sticking-point": [
            f"title: {_quoted(title)}",
            "summary: TODO - one or two sentences on what is disputed",
            "phases: []",
            "positions: []  # each: {actor: ..., stance: ..., sources: [...]}",
        ],
    }.get(kind, [f"title: {_quoted(title)}"])
    return "\n".join(["---", *fields, "draft: true  # remove this line to publish", "---", ""])


def _write_new(path: Path, text: str) -> None:
    """Create a file that must not exist yet (O_EXCL: never overwrites, even in a race)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        raise ScaffoldError(
            f"{display_path(path)} exists already; edit it, or choose another title"
        ) from None


def _append_term(glossary: Path, title: str, term_id: str) -> str:
    """Add a draft term at the end of glossary.yaml, keeping every byte already there."""
    import yaml  # only `new` needs it

    existing = glossary.read_text(encoding="utf-8") if glossary.exists() else ""
    try:
        entries = yaml.safe_load(existing) or []
    except yaml.YAMLError:
        raise ScaffoldError(
            f"{display_path(glossary)} cannot be read as YAML; fix it first (run check)"
        ) from None
    if any(isinstance(entry, dict) and entry.get("id") == term_id for entry in entries):
        raise ScaffoldError(f"{display_path(glossary)}: the term '{term_id}' exists already")
    prefix = existing if not existing or existing.endswith("\n") else existing + "\n"
    line = prefix.count("\n") + 1
    entry = "\n".join(
        [
            f"- id: {term_id}",
            f"  term: {_quoted(title)}",
            "  definition: TODO - what it means, in your own words",
            f"  sources: [{PLACEHOLDER_SOURCE}]  # TODO: ids from site_src/sources.yaml",
            "  draft: true  # remove this line to publish",
            "",
        ]
    )
    updated = prefix + entry
    if len(yaml.safe_load(updated) or []) != len(entries) + 1:
        raise ScaffoldError(f"{display_path(glossary)} is not a '- id: ...' list; add the term by hand")
    handle, temporary = tempfile.mkstemp(prefix=".glossary-", dir=glossary.parent)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(updated)
    os.replace(temporary, glossary)
    return f"{display_path(glossary)}:{line}"


def scaffold(src: Path, kind: str, title: str) -> str:
    """Create the item and return where it is (path, or path:line for a glossary term)."""
    item_id = slugify(title)
    if kind == "term":
        src.mkdir(parents=True, exist_ok=True)
        return _append_term(src / "glossary.yaml", title, item_id)
    folder = src / _FOLDERS[kind]
    path = folder / f"{item_id}.md"
    body = "TODO: write the text in your own words; cite each claim like [@source-id].\n"
    _write_new(path, _front_matter(kind, title, folder) + body)
    return display_path(path)
