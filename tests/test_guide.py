"""docs/CONTENT.md, the editors' guide, cannot drift from the content model: its field tables
are generated, every field of every kind is in them, and every error message it explains is
one the tool really prints."""

from __future__ import annotations

import re

from conftest import REPO

from explainer.guide import rewrite
from explainer.kinds import KINDS
from explainer.model import SiteConfig, Strict, nested_schema
from explainer.schemas import FROM_THE_FILE

GUIDE = (REPO / "docs/CONTENT.md").read_text(encoding="utf-8")


def _section(guide: str, title: str) -> str:
    start = guide.index(f"### {title}")
    end = guide.find("\n### ", start + 1)
    return guide[start : end if end != -1 else None]


def test_the_generated_parts_are_current() -> None:
    assert rewrite(GUIDE) == GUIDE, "run: python -m explainer.guide docs/CONTENT.md"


def _fields(model: type[Strict]) -> list[tuple[type[Strict], str]]:
    found = [(model, name) for name in model.model_fields if name not in FROM_THE_FILE]
    for info in model.model_fields.values():
        nested = nested_schema(info.annotation)
        if nested is not None:
            found += _fields(nested)
    return found


def _missing(guide: str) -> list[str]:
    """Every model field (with where it is) that the guide's tables do not list."""
    missing = []
    for kind in KINDS.values():
        section = _section(guide, f"{kind.group} ({kind.name.replace('_', ' ')})")
        missing += [
            f"{kind.name}: {m.__name__}.{name}"
            for m, name in _fields(kind.schema)
            if f"| `{name}` |" not in section
        ]
    site = guide[guide.index("## site.yaml") : guide.index("## Every kind")]
    return missing + [f"site: {name}" for _, name in _fields(SiteConfig) if f"| `{name}` |" not in site]


def test_every_field_of_every_kind_is_in_its_section_with_a_description() -> None:
    assert _missing(GUIDE) == []
    for kind in KINDS.values():
        for model, name in _fields(kind.schema):
            assert model.model_fields[name].description, f"{model.__name__}.{name} needs a description"


def test_a_field_left_out_of_the_guide_is_found() -> None:
    """The check above can fail: a guide whose event table lacks `short_title`."""
    stale = GUIDE.replace("| `short_title` |", "| `short_titel` |")
    assert _missing(stale) == ["event: Event.short_title"]


def test_every_error_it_explains_is_one_the_tool_prints() -> None:
    """Each message in the table, less its quoted examples, is in the code or the error catalogue."""
    code = "\n".join(path.read_text(encoding="utf-8") for path in (REPO / "explainer").glob("*.py"))
    code += (REPO / "tests/test_error_catalogue.py").read_text(encoding="utf-8")
    table = GUIDE[GUIDE.index("## Errors you will meet") :]
    messages = re.findall(r"^\| `([^`]+)` \|", table, re.M)
    assert len(messages) >= 15
    for message in messages:
        for part in re.split(r"'[^']*'", message.removeprefix("warning: ")):
            if len(part.strip()) >= 4:
                assert part.strip() in code, f"the guide explains '{message}', which the tool never prints"
