"""The package stays easy to pick up: rooms that read in one sitting, and imports that follow
the pipeline with no circle (a module imported inside a function, to start later, is not
counted: it runs after its importer has loaded)."""

from __future__ import annotations

import ast

from conftest import REPO

PACKAGE = REPO / "explainer"
MAX_MODULE_LINES, MAX_CLASS_LINES, MAX_FUNCTION_LINES = 450, 200, 80


def _modules() -> dict[str, ast.Module]:
    return {path.stem: ast.parse(path.read_text(encoding="utf-8")) for path in sorted(PACKAGE.glob("*.py"))}


def _size(node: ast.AST) -> int:
    assert node.end_lineno is not None
    return node.end_lineno - node.lineno + 1  # type: ignore[attr-defined]


def test_modules_classes_and_functions_stay_small_and_say_their_job() -> None:
    too_big = []
    for name, tree in _modules().items():
        lines = len((PACKAGE / f"{name}.py").read_text(encoding="utf-8").splitlines())
        if lines > MAX_MODULE_LINES:
            too_big.append(f"{name}.py: {lines} lines")
        if name not in ("__init__", "__main__"):
            assert ast.get_docstring(tree), f"{name}.py: no opening comment saying its job"
        for node in ast.walk(tree):
            limit = (
                MAX_CLASS_LINES
                if isinstance(node, ast.ClassDef)
                else MAX_FUNCTION_LINES
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
                else None
            )
            if limit and _size(node) > limit:
                too_big.append(f"{name}.py:{node.lineno} {node.name}: {_size(node)} lines")  # type: ignore[attr-defined]
    assert not too_big


def _module_level_imports(tree: ast.Module) -> set[str]:
    """The package's modules imported when `tree` is (not inside functions; not for typing)."""
    found: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                found.add(node.module.split(".")[0])
            else:
                found.update(alias.name for alias in node.names)
    return found


def _circle(graph: dict[str, set[str]]) -> list[str] | None:
    """An import circle in `graph` (module -> modules it imports), as a path, or None."""
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> list[str] | None:
        if name in path:
            return [*path[path.index(name) :], name]
        if name in done:
            return None
        for imported in sorted(graph.get(name, ())):
            found = visit(imported, [*path, name])
            if found:
                return found
        done.add(name)
        return None

    return next((found for name in graph if (found := visit(name, []))), None)


def test_no_import_circle() -> None:
    circle = _circle({name: _module_level_imports(tree) for name, tree in _modules().items()})
    assert circle is None, "import circle: " + " -> ".join(circle or [])


def test_the_circle_test_can_fail() -> None:
    looped = ast.parse("from . import b\nfrom .c import d\n")
    assert _module_level_imports(looped) == {"b", "c"}
    typing_only = ast.parse("if TYPE_CHECKING:\n    from .render import PageRenderer\n")
    assert _module_level_imports(typing_only) == set()
    assert _circle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _circle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None
