"""`explainer schema`: a JSON Schema for every content file, from the content model, so editors
that understand yaml-language-server (VS Code's YAML extension, Neovim, Helix, JetBrains
IDEs) complete field names, show each field's description on hover and mark mistakes while
typing. The build's own checks stay the reference: they also check what JSON Schema cannot say
(that an id points at something, that an end date follows the start).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .kinds import KINDS, Kind
from .load import SITE_FILE
from .model import SiteConfig, Strict

DIALECT = "https://json-schema.org/draft/2020-12/schema"
FROM_THE_FILE = ("id", "body")  # an item in its own file gets these from the file, not fields


def _schema(model: type[Strict], title: str, description: str) -> dict[str, Any]:
    schema = model.model_json_schema(mode="validation")
    schema.pop("title", None)
    return {"$schema": DIALECT, "title": title, "description": description, **schema}


def kind_schema(kind: Kind) -> dict[str, Any]:
    """The schema of a kind's front matter (one Markdown file an item) or of its YAML list."""
    if kind.folder:
        schema = _schema(
            kind.schema,
            f"Front matter of {'an' if kind.label[0] in 'aeiou' else 'a'} {kind.label}",
            f"The fields between the '---' lines of a file in site_src/{kind.folder}/.",
        )
        for name in FROM_THE_FILE:
            schema["properties"].pop(name, None)
        schema["required"] = [name for name in schema.get("required", []) if name not in FROM_THE_FILE]
        return schema
    item = kind.schema.model_json_schema(mode="validation", ref_template="#/$defs/{model}")
    definitions = item.pop("$defs", {})
    item.pop("title", None)
    return {
        "$schema": DIALECT,
        "title": f"site_src/{kind.list_file}",
        "description": f"A list of {kind.group.lower()}, one entry (starting with '- id:') each.",
        "type": "array",
        "items": item,
        **({"$defs": definitions} if definitions else {}),
    }


def schema_files() -> dict[str, dict[str, Any]]:
    """Every schema by the file name it is written to."""
    files = {f"{SITE_FILE.removesuffix('.yaml')}.schema.json": _site_schema()}
    for kind in KINDS.values():
        files[f"{kind.name.replace('_', '-')}.schema.json"] = kind_schema(kind)
    return files


def _site_schema() -> dict[str, Any]:
    return _schema(SiteConfig, f"site_src/{SITE_FILE}", "The site as a whole.")


def target_of(file_name: str) -> str:
    """The content files a schema file describes, as a glob from the project's folder."""
    if file_name == "site.schema.json":
        return f"site_src/{SITE_FILE}"
    kind = KINDS[file_name.removesuffix(".schema.json").replace("-", "_")]
    return f"site_src/{kind.folder}/*.md" if kind.folder else f"site_src/{kind.list_file}"


def write_schemas(folder: Path) -> list[Path]:
    """Write every schema into `folder` (made if missing); the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in schema_files().items():
        path = folder / name
        path.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    return written
