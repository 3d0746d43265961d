"""The jinja2 environment pages are rendered with, their static assets, and template errors
located in the template's own lines.

jinja2 keeps compiled templates in `.cache/explainer/templates` and checks each against its
source, so later builds skip compiling them.
"""

from __future__ import annotations

import re
from pathlib import Path

import jinja2

from . import speedups
from .errors import ContentError, Location, display_path
from .load import fingerprint
from .theme import ASSETS_DIR, Templates


def environment(templates: Templates, compiled: Path | None = None, once: bool = False) -> jinja2.Environment:
    """The environment for `templates` (autoescaped, undefined names are errors), without the
    filters and globals, which the renderer adds before loading any template.
    `compiled`: where compiled templates are kept between builds. `once`: one build only, so
    templates are not checked for changes."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates.layers),  # (compiled templates are kept by path)
        autoescape=jinja2.select_autoescape(("html", "xml"), default_for_string=True, default=False),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=not once,  # (a one-off build need not stat every template on every page)
        bytecode_cache=jinja2.FileSystemBytecodeCache(str(compiled)) if compiled else None,
    )
    speedups.tune_jinja(env)
    return env


def assets(templates: Templates, preview: bool) -> tuple[dict[str, bytes], dict[str, str]]:
    """Static files under templates/assets (plain names in a `preview`), and the output path of each by its name.

    Published names carry a hash of the content (style.3f9c2a7b.css), so hosts can let
    browsers cache them for a year and a change still reaches every reader at once.
    """
    files: dict[str, bytes] = {}
    paths: dict[str, str] = {}
    for full_name, path in templates.files(assets=True).items():
        name = full_name.removeprefix(f"{ASSETS_DIR}/")
        data = path.read_bytes()
        if name.endswith(".css") and not preview:
            data = compact_css(data)
        stem, dot, suffix = name.rpartition(".")
        hashed = f"{stem}.{fingerprint(data)[:10]}.{suffix}" if dot and not preview else name
        paths[name] = f"{ASSETS_DIR}/{hashed}"
        files[paths[name]] = data
    return files, paths


# a CSS string (kept whole), or a comment (dropped)
_CSS_STRING_OR_COMMENT = re.compile(rb"(\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*')|/\*.*?\*/", re.S)


_CSS_SPACE = re.compile(rb"\s*([{};,>\n])\s*")  # space beside punctuation, and indentation


def compact_css(data: bytes) -> bytes:
    """A published stylesheet without its comments and indentation: what readers download
    counts against every page's budget (the preview keeps the file as written)."""
    parts = _CSS_STRING_OR_COMMENT.split(data)  # text, string, text...; a comment's "string" is None
    for index in range(0, len(parts), 2):
        parts[index] = _CSS_SPACE.sub(rb"\1", parts[index])
    return b"".join(part for part in parts if part is not None).strip() + b"\n"


def template_location(error: BaseException, templates: Templates) -> Location:
    """Where in a template an error happened (jinja keeps template lines in tracebacks)."""
    if isinstance(error, jinja2.TemplateSyntaxError) and error.filename:
        return Location(display_path(Path(error.filename)), error.lineno)
    where = Location(display_path(templates.project), 1)
    traceback = error.__traceback__
    while traceback is not None:
        filename = traceback.tb_frame.f_code.co_filename
        if templates.owns(filename):
            where = Location(display_path(Path(filename)), traceback.tb_lineno)
        traceback = traceback.tb_next
    return where


def load_template(
    env: jinja2.Environment, templates: Templates, name: str, errors: list[ContentError]
) -> jinja2.Template | None:
    """A template by name; None, with its problem in `errors`, if it is missing or broken."""
    try:
        return env.get_template(name)
    except jinja2.TemplateNotFound:
        errors.append(
            ContentError(Location(display_path(templates.project / name), 1), "template is missing")
        )
    except jinja2.TemplateSyntaxError as error:
        errors.append(
            ContentError(template_location(error, templates), f"template syntax error: {error.message}")
        )
    return None
