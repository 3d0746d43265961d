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


def _section(title: str) -> str:
    start = GUIDE.index(f"### {title}")
    end = GUIDE.find("\n### ", start + 1)
    return GUIDE[start : end if end != -1 else None]


def test_the_generated_parts_are_current() -> None:
    assert rewrite(GUIDE) == GUIDE, "run: python -m explainer.guide docs/CONTENT.md"


def _fields(model: type[Strict]) -> list[tuple[type[Strict], str]]:
    found = [(model, name) for name in model.model_fields if name not in FROM_THE_FILE]
    for info in model.model_fields.values():
        nested = nested_schema(info.annotation)
        if nested is not None:
            found += _fields(nested)
    return found


def test_every_field_of_every_kind_is_in_its_section() -> None:
    for kind in KINDS.values():
        section = _section(f"{kind.group} ({kind.name.replace('_', ' ')})")
        for model, name in _fields(kind.schema):
            assert f"| `{name}` |" in section, (
                f"{kind.name}: {model.__name__}.{name} is missing from the guide"
            )
            assert model.model_fields[name].description, f"{model.__name__}.{name} needs a description"
    site = GUIDE[GUIDE.index("## site.yaml") : GUIDE.index("## Every kind")]
    for _, name in _fields(SiteConfig):
        assert f"| `{name}` |" in site


def test_a_field_added_to_the_model_would_be_missing() -> None:
    """The check above can fail: the guide before a rewrite lacks a field the model has."""
    stale = GUIDE.replace("| `short_title` |", "| `short_titel` |")
    assert rewrite(stale) != stale


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
