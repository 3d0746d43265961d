"""Read one YAML text as content needs it: the value, and the line of every key, list item and text.

A safe loader with YAML 1.2-like scalars: dates stay text (their precision matters) and only
true/false are booleans. Aliases and duplicate keys are refused, as they hide mistakes. What
cannot be read is a `FileProblem` at its line, which `load` turns into a located error.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import yaml

KeyPath = tuple[str | int, ...]


class FileProblem(Exception):
    """Why a content file cannot be read, and the line where it shows."""

    def __init__(self, line: int, message: str):
        self.line, self.message = line, message


class _ContentLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe loader with YAML 1.2-like scalars: dates stay text, only true/false are booleans."""


_ContentLoader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_ContentLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


def _yaml_message(error: yaml.MarkedYAMLError, text: str) -> str:
    """PyYAML's complaint plus the usual cause, judged from the character it stopped at."""
    problem = error.problem or error.context or "cannot be read"
    mark = error.problem_mark
    lines = text.split("\n")
    at = ""
    if mark is not None and mark.line < len(lines):
        at = lines[mark.line][mark.column : mark.column + 1]
    if at == "\t" or "\\t" in problem:
        hint = "; indent with spaces, not tabs"
    elif at and at in "*&@`%!|>":
        hint = f"; put the value in quotes, since it starts with '{at}'"
    elif "mapping values are not allowed" in problem:
        hint = "; put a space after each ':' and quote values that contain ': '"
    elif "expected a single document" in problem:
        hint = "; remove the extra '---' line"
    else:
        hint = "; check the indentation, and that quotes and brackets are closed"
    return f"YAML syntax error: {problem}{hint}"


def parse_yaml(text: str, first_line: int) -> tuple[Any, dict[KeyPath, int], dict[KeyPath, int]]:
    """Parse YAML text whose first line is `first_line` of its file.

    Returns the value, the line of every mapping key and list item, and the first line of every
    block-scalar text (so a line inside a `|` text can be located). Raises FileProblem.
    """
    loader = _ContentLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}, {}
        walk = _Walk(first_line)
        data = walk.value(node, (), first_line)
        if walk.other_tags:
            data = _constructed(loader, node, first_line, loader.construct_document)
        else:
            for container, key, scalar in walk.later:
                container[key] = _constructed(loader, scalar, first_line, loader.construct_object)
        return data, walk.lines, walk.text_lines
    except RecursionError:
        raise FileProblem(first_line, "the YAML is nested too deeply to read; flatten it") from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = first_line + (mark.line if mark else 0)
        raise FileProblem(line, _yaml_message(error, text)) from None
    except yaml.reader.ReaderError as error:
        line = first_line + text.count("\n", 0, error.position)
        raise FileProblem(
            line,
            f"the file contains the control character U+{error.character:04X}, which YAML does not allow; delete it",
        ) from None
    except yaml.YAMLError as error:
        raise FileProblem(first_line, f"YAML error: {error}") from None
    finally:
        loader.dispose()


def _constructed(
    loader: _ContentLoader, node: yaml.Node, first_line: int, construct: Callable[[yaml.Node], Any]
) -> Any:
    """A node's value as PyYAML makes it; a value its tag cannot hold (`!!int abc`) is a
    problem at its line (PyYAML lets Python's own error out)."""
    try:
        return construct(node)
    except (ValueError, TypeError, AttributeError, OverflowError):
        raise FileProblem(
            first_line + node.start_mark.line,
            f"this value cannot be read as the tag {node.tag.rsplit(':', 1)[-1]!r} asks; "
            "remove the tag (the '!!...') or correct the value",
        ) from None


_STR, _SEQ, _MAP = (f"tag:yaml.org,2002:{name}" for name in ("str", "seq", "map"))


class _Walk:
    """One walk over a document's nodes: the line of every key and list item, the first line
    of every block-scalar text (so a line inside a `|` text can be located), and the value.

    Aliases and duplicate keys are refused, as they hide mistakes. The value is built here
    for the usual nodes (text, lists, mappings with text keys), as PyYAML's constructor would;
    other scalars (numbers, booleans, null) are left to it until the walk is done, so that
    a document's first problem is reported as before, and a document with any other tag
    (a merge key, `!!set`...) is made by the constructor alone. (A second walk over the
    nodes, PyYAML's, was a quarter of reading a content file.)"""

    def __init__(self, first_line: int):
        self.first_line = first_line
        self.lines: dict[KeyPath, int] = {}
        self.text_lines: dict[KeyPath, int] = {}
        self.seen: set[int] = set()
        self.later: list[tuple[Any, Any, yaml.ScalarNode]] = []  # (container, key, node)
        self.other_tags = False

    def value(self, node: yaml.Node, path: KeyPath, used_at: int) -> Any:
        """`used_at`: the line where this value appears (for an alias, where the '*name' is)."""
        if id(node) in self.seen:
            raise FileProblem(
                used_at, "YAML aliases ('*name') are not supported here; write the value out in full"
            )
        self.seen.add(id(node))
        kind, lines = type(node), self.lines
        if kind is yaml.MappingNode:
            mapping: dict[Any, Any] = {}
            self.other_tags |= node.tag != _MAP
            for key_node, value_node in node.value:
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
                self.other_tags |= key_node.tag != _STR
                key_line = self.first_line + key_node.start_mark.line
                if (*path, key) in lines:
                    raise FileProblem(
                        key_line,
                        f"duplicate key '{key}' (first at line {lines[(*path, key)]}); keep only one",
                    )
                lines[(*path, key)] = key_line
                self.put(mapping, key, value_node, (*path, key), key_line)
            return mapping
        if kind is yaml.SequenceNode:
            items: list[Any] = [None] * len(node.value)
            self.other_tags |= node.tag != _SEQ
            for index, item in enumerate(node.value):
                line = lines[(*path, index)] = self.first_line + item.start_mark.line
                self.put(items, index, item, (*path, index), line)
            return items
        if node.style in ("|", ">"):
            self.text_lines[path] = self.first_line + node.start_mark.line + 1
        if path == () and node.tag != _STR:  # (a document that is one scalar)
            self.other_tags = True
        return node.value

    def put(self, container: Any, key: Any, node: yaml.Node, path: KeyPath, line: int) -> None:
        """container[key] = the node's value (a scalar that is not text: later, see above)."""
        container[key] = self.value(node, path, line)
        if type(node) is yaml.ScalarNode and node.tag != _STR:
            self.later.append((container, key, node))
