"""The field reference of docs/CONTENT.md, written from the content model so it cannot drift:
every kind, every field (type, required or not, what it means) and an example file from the
starter project. The rest of the guide is prose; the generated parts sit between
`<!-- generated: NAME -->` and `<!-- end generated -->` lines, which
`python -m explainer.guide docs/CONTENT.md` rewrites in place (tests/test_guide.py checks).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from .kinds import KINDS, Kind
from .model import FieldRole, SiteConfig, Strict, field_roles
from .newproject import STARTER
from .schemas import FROM_THE_FILE

_BLOCK = re.compile(r"(<!-- generated: (?P<name>[\w-]+) -->\n)(?P<body>.*?)(<!-- end generated -->)", re.S)


def _type_of(schema: dict[str, Any], role: FieldRole | None) -> str:
    """A field's type as an editor reads it (`role`: what the model says a field refers to,
    holds Markdown or nests, as resolve reads it)."""
    options = [s for s in schema.get("anyOf", [schema]) if s.get("type") != "null"]
    single = options[0] if len(options) == 1 else schema
    if role and role.ref:
        label = KINDS[role.ref].label
        return f"list of {label} ids" if single.get("type") == "array" else f"{label} id"
    if role and role.markdown:
        return "Markdown (paragraphs and lists)" if role.block else "Markdown (one paragraph)"
    if role and role.nested:
        return f"list of entries (see {role.nested.__name__} below)"
    if "enum" in single:
        return "one of: " + ", ".join(f"`{value}`" for value in single["enum"])
    if single.get("type") == "boolean":
        return "`true` or `false`"
    if single.get("type") == "integer":
        low, high = single.get("minimum"), single.get("maximum")
        return "whole number" + (f", {low} to {high}" if high else f", {low} or more" if low else "")
    if single.get("type") == "array":
        return "list of texts"
    if "anyOf" in single and any(s.get("type") == "integer" for s in single["anyOf"]):
        return "date: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`"
    pattern = single.get("pattern", "")
    if pattern.startswith("^\\d{4}"):
        return "day: `YYYY-MM-DD`"
    if pattern.startswith("^https?"):
        return "web address (`https://...`)"
    if pattern.startswith("^[a-z]{2"):
        return "language tag, e.g. `en`"
    if pattern.startswith("^[a-z0-9]"):
        return "id (lowercase letters, digits, hyphens)"
    return "text"


def field_table(model: type[Strict], skip: tuple[str, ...] = ()) -> str:
    """One row a field: name, type, required, what it means."""
    properties = model.model_json_schema(mode="validation")["properties"]
    roles = {role.name: role for role in field_roles(model)}
    rows = ["| Field | Type | Required | What it is |", "|---|---|---|---|"]
    for name, info in model.model_fields.items():
        if name in skip:
            continue
        kind = _type_of(properties[name], roles.get(name))
        required = "**yes**" if info.is_required() else "no"
        description = (info.description or "").replace("|", "\\|")
        rows.append(f"| `{name}` | {kind} | {required} | {description} |")
    return "\n".join(rows)


def _nested(model: type[Strict], seen: set[type[Strict]]) -> list[type[Strict]]:
    """The entry types inside a model's lists (Provision, Position, Update...), each once."""
    found = []
    for role in field_roles(model):
        nested = role.nested
        if nested is not None and nested not in seen:
            seen.add(nested)
            found += [nested, *_nested(nested, seen)]
    return found


def _example(kind: Kind) -> str:
    """The starter project's file of this kind (`explainer init` makes the same)."""
    if kind.folder:
        path = next(iter(sorted((STARTER / "site_src" / kind.folder).glob("*.md"))))
    else:
        path = STARTER / "site_src" / str(kind.list_file)
    text = "\n".join(
        line for line in path.read_text(encoding="utf-8").splitlines() if "yaml-language-server" not in line
    )
    fence = "markdown" if path.suffix == ".md" else "yaml"
    return f"Example (`{path.relative_to(STARTER).as_posix()}`, from the starter project):\n\n```{fence}\n{text}\n```"


def kind_section(kind: Kind) -> str:
    where = (
        f"One Markdown file an item in `site_src/{kind.folder}/`: the fields between `---` lines, then "
        "the text. The file's name (without `.md`) is the item's id."
        if kind.folder
        else f"One YAML list in `site_src/{kind.list_file}`, an entry (starting `- id:`) an item."
    )
    parts = [
        f"### {kind.group} ({kind.name.replace('_', ' ')})",
        "",
        where,
        "",
        field_table(kind.schema, FROM_THE_FILE),
    ]
    for nested in _nested(kind.schema, set()):
        parts += ["", f"Each entry of {nested.__name__}:", "", field_table(nested)]
    return "\n".join([*parts, "", _example(kind)])


def generated() -> dict[str, str]:
    """Every generated block of the guide by name."""
    blocks = {"kinds": "\n\n".join(kind_section(kind) for kind in KINDS.values())}
    blocks["site"] = field_table(SiteConfig)
    return blocks


def rewrite(text: str) -> str:
    """The guide with every generated block brought up to date."""
    blocks = generated()
    return _BLOCK.sub(lambda m: f"{m.group(1)}{blocks[m.group('name')]}\n{m.group(4)}", text)


if __name__ == "__main__":
    guide = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/CONTENT.md")
    guide.write_text(rewrite(guide.read_text(encoding="utf-8")), encoding="utf-8")
