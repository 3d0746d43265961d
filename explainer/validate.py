"""Stage 2, validate: records become typed objects, and every schema problem gets a line.

pydantic does the checking (see model.py); this module's job is to translate its error paths
back to the YAML line they came from and its messages into what an editor should do.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from .errors import ContentError, did_you_mean
from .fields import describe
from .kinds import KINDS
from .load import KeyPath, Record
from .model import SiteConfig, Strict
from .names import SLUG_RE, slugify

_FILE_FIELDS = {"id", "body"}  # set from the file for Markdown items, never written as fields


@dataclass
class Content:
    """Typed content, by kind and id, with the record each item came from (for later errors)."""

    site: SiteConfig | None = None
    items: dict[str, dict[str, Any]] = field(default_factory=lambda: {name: {} for name in KINDS})
    origins: dict[tuple[str, str], Record] = field(default_factory=dict)
    drafts: dict[tuple[str, str], Record] = field(default_factory=dict)
    failed: set[tuple[str, str]] = field(default_factory=set)  # invalid items: no echo errors
    unavailable: set[str] = field(default_factory=set)  # kinds whose file could not be read


def field_path(loc: KeyPath) -> str:
    """('positions', 0, 'stance') -> 'positions[0].stance'."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _schema_at(schema: type[BaseModel], loc: KeyPath) -> type[BaseModel] | None:
    """The nested schema a location points into, e.g. Position for ('positions', 0)."""
    current: Any = schema
    for part in loc:
        if isinstance(part, int):
            args = typing.get_args(current)
            current = args[0] if args else None
        elif isinstance(current, type) and issubclass(current, BaseModel) and part in current.model_fields:
            current = current.model_fields[part].annotation
        else:
            return None
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _message(schema: type[Strict], error: Any, record: Record) -> str:
    """A pydantic error as a sentence that says what is wrong and what would be right."""
    loc: KeyPath = tuple(error["loc"])
    kind = error["type"]
    where = field_path(loc)
    parent = _schema_at(schema, loc[:-1]) if loc else schema
    name = loc[-1] if loc else ""
    value = error.get("input")
    if kind == "missing":
        info = parent.model_fields.get(str(name)) if parent else None
        hint = f" ({info.description})" if info and info.description else ""
        owner = f"{field_path(loc[:-1])}: " if loc[:-1] else ""
        return f"{owner}missing required field '{name}'{hint}"
    if kind == "extra_forbidden":
        allowed = (
            [n for n in parent.model_fields if not (record.body is not None and n in _FILE_FIELDS)]
            if parent
            else []
        )
        suggestion = did_you_mean(str(name), allowed)
        owner = f"{field_path(loc[:-1])}: " if loc[:-1] else ""
        if suggestion:
            return f"{owner}unknown field '{name}'{suggestion}"
        return f"{owner}unknown field '{name}'; allowed fields are: {', '.join(allowed)}"
    if kind == "literal_error":
        expected = error["ctx"]["expected"].replace("'", "")
        return f"{where}: {describe(value)} is not allowed; use one of: {expected.replace(' or ', ', ')}"
    if kind in ("too_short", "too_long"):
        info = parent.model_fields.get(str(name)) if parent else None
        hint = f": {info.description}" if info and info.description else ""
        bound, count = (
            ("at least", error["ctx"]["min_length"])
            if kind == "too_short"
            else ("at most", error["ctx"]["max_length"])
        )
        return f"{where}: needs {bound} {count} {'entry' if count == 1 else 'entries'}{hint}"
    if kind in ("list_type", "tuple_type"):
        return f"{where}: expected a list ([a, b] or '- a' lines), found {describe(value)}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"{where}: expected fields (key: value lines), found {describe(value)}"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"{where}: expected a whole number, found {describe(value)}"
    if kind in ("greater_than_equal", "less_than_equal"):
        bounds = error["ctx"]
        return f"{where}: {describe(value)} is out of range ({'at least ' + str(bounds['ge']) if 'ge' in bounds else 'at most ' + str(bounds['le'])})"
    if kind in ("bool_type", "bool_parsing"):
        return f"{where}: expected true or false, found {describe(value)}"
    return f"{where}: {error['msg']}" if where else str(error["msg"])


def _check_file_id(record: Record) -> list[ContentError]:
    """Markdown items take their id from the file name, which must be a lowercase slug."""
    if record.id and SLUG_RE.fullmatch(record.id):
        return []
    name = record.file.rsplit("/", 1)[-1]
    return [
        ContentError(
            record.at(),
            f"the file name '{name}' is not a valid id: rename it to '{slugify(record.id or '')}.md' "
            "(lowercase letters, digits and hyphens)",
        )
    ]


def validate_record(record: Record) -> tuple[Any | None, list[ContentError]]:
    """One record against its schema; returns the typed item or None, and located errors."""
    schema = SiteConfig if record.kind == "site" else KINDS[record.kind].schema
    data = dict(record.data)
    errors: list[ContentError] = []
    if record.body is not None:  # a Markdown file
        errors += _check_file_id(record)
        for key in sorted(_FILE_FIELDS & data.keys()):
            where = "the file name" if key == "id" else "the text after the second '---' line"
            errors.append(
                ContentError(record.at((key,)), f"'{key}' is not a field here: it comes from {where}")
            )
            del data[key]
        data["id"] = record.id if not errors else slugify(record.id or "")
        data["body"] = record.body
    try:
        item = schema.model_validate(data)
        return (None if errors else item), errors
    except ValidationError as failure:
        for error in failure.errors():
            errors.append(ContentError(record.at(tuple(error["loc"])), _message(schema, error, record)))
        return None, errors


ValidationCache = dict[str, tuple[Any | None, list[ContentError]]]


def validate(
    records: list[Record], cache: ValidationCache | None = None
) -> tuple[Content, list[ContentError]]:
    """Validate every record; collect all errors; index items by kind and id.

    With a cache (keyed by record fingerprint), unchanged records are not validated again.
    """
    content = Content()
    errors: list[ContentError] = []
    fresh: ValidationCache = {}
    for record in records:
        cache_key = f"{record.kind}:{record.fingerprint}"
        if cache is not None and cache_key in cache:
            fresh[cache_key] = cache[cache_key]
        else:
            fresh[cache_key] = validate_record(record)
        item, record_errors = fresh[cache_key]
        errors += record_errors
        if item is None:
            content.failed.add((record.kind, str(record.id)))
            continue
        if record.kind == "site":
            content.site = item
            continue
        key = (record.kind, item.id)
        first = content.origins.get(key) or content.drafts.get(key)
        if first is not None:
            errors.append(
                ContentError(
                    record.at(("id",)),
                    f"duplicate id '{item.id}' (first used at {first.file}:{first.line}); "
                    f"give each {KINDS[record.kind].label} its own id",
                )
            )
            continue
        if getattr(item, "draft", False):
            content.drafts[key] = record
            continue
        content.items[record.kind][item.id] = item
        content.origins[key] = record
    if cache is not None:
        cache.clear()
        cache.update(fresh)
    return content, errors
