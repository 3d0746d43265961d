"""The JSON Schemas of `explainer schema` accept every real content file, reject what the build
rejects that JSON Schema can say, and the copies in docs/schemas are current."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, Project
from jsonschema import Draft202012Validator

from explainer.kinds import Kind
from explainer.load import content_files, split_front_matter
from explainer.schemas import schema_files, target_of
from explainer.yamllines import parse_yaml

SCHEMAS = schema_files()


def _schema_for(kind: Kind | None) -> dict[str, Any]:
    name = "site.schema.json" if kind is None else f"{kind.name.replace('_', '-')}.schema.json"
    return SCHEMAS[name]


def _fields(path: Path, kind: Kind | None) -> Any:
    """A file's fields as the build reads them (YAML 1.2 scalars: dates stay text)."""
    text = path.read_text(encoding="utf-8")
    if kind is not None and kind.folder:
        text = split_front_matter(text, kind.label)[0]
    return parse_yaml(text, 1)[0]


def test_every_schema_is_valid_json_schema() -> None:
    assert len(SCHEMAS) == 10
    for schema in SCHEMAS.values():
        Draft202012Validator.check_schema(schema)


def test_every_real_content_file_is_valid() -> None:
    files, errors = content_files(REPO / "site_src")
    assert not errors and len(files) > 90
    for file, kind in files:
        validator = Draft202012Validator(_schema_for(kind))
        problems = [error.message for error in validator.iter_errors(_fields(Path(file), kind))]
        assert not problems, f"{file}: {problems}"


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        ("events/doha-round.md", "\ntitle:", "\ntitel:", "'titel' was unexpected"),
        ("events/doha-round.md", "\ndate: 2024-08-15", "\ndate: 15 August 2024", "is not valid under any"),
        ("events/doha-round.md", "\nimportance: key", "\nimportance: high", "'high' is not one of"),
        ("actors/qatar.md", "\nkind: state", "\nkind: country", "'country' is not one of"),
        ("glossary.yaml", "\n  term: Cairo round", "\n  term: ''", "does not match"),
        (
            "map.yaml",
            "\n  along: border-egypt",
            "\n  along: border-egypt\n  across: [rafah, gaza-city]",
            "valid under each of",
        ),
        (
            "map.yaml",
            "\n  across: [gaza-city, deir-al-balah]",
            "\n  across: [gaza-city]",
            "is not valid under any",
        ),
    ],
)
def test_mistakes_are_marked(project: Project, file: str, old: str, new: str, expected: str) -> None:
    path = project.src / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{file} no longer holds {old!r}: update this test"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    kind = {Path(f).resolve(): k for f, k in content_files(project.src)[0]}[path.resolve()]
    fields = _fields(path, kind)
    messages = [error.message for error in Draft202012Validator(_schema_for(kind)).iter_errors(fields)]
    assert any(expected in message for message in messages), messages
    assert project.cli("check").code == 1, "the build rejects it too"


def test_each_schema_names_the_files_it_describes() -> None:
    assert target_of("event.schema.json") == "site_src/events/*.md"
    assert target_of("source.schema.json") == "site_src/sources.yaml"
    assert target_of("site.schema.json") == "site_src/site.yaml"
    front = SCHEMAS["event.schema.json"]
    assert "id" not in front["properties"] and "body" not in front["properties"], "they come from the file"
    assert "title" in front["required"] and front["properties"]["title"]["description"]


def test_the_schemas_in_docs_are_current() -> None:
    """docs/schemas is what the repository's YAML files point at; `explainer schema
    docs/schemas` rewrites it."""
    written = {
        path.name: json.loads(path.read_text(encoding="utf-8")) for path in (REPO / "docs/schemas").iterdir()
    }
    assert written == SCHEMAS


def test_the_cli_writes_them(project: Project) -> None:
    run = project.cli("schema", "my-schemas")
    assert run.code == 0, run.err
    assert sorted(path.name for path in (project.root / "my-schemas").iterdir()) == sorted(SCHEMAS)
