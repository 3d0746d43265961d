"""`init` and `templates`: start a new explainer project from the starter shipped in this
package, and copy a default template into a project to change it.

The starter (explainer/starter/) is one small item of every kind, marked as example content,
citing one placeholder source that `check` flags until it is replaced. Its YAML files name
their JSON Schema in a `yaml-language-server` comment, and `init` writes the schemas beside.
Nothing existing is ever overwritten: `init` wants an empty or new folder.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from .errors import ScaffoldError, UsageError, did_you_mean, display_path
from .schemas import write_schemas
from .theme import Templates, default_templates

STARTER = Path(__file__).resolve().parent / "starter"
RENAMED = {"gitignore": ".gitignore"}  # (a wheel's data files had better not start with a dot)
SCHEMAS_DIR = "schemas"


def init(target: Path) -> str:
    """Make a new project in `target` (new or empty); what to do next, for the editor."""
    if target.exists() and not target.is_dir():
        raise UsageError(
            f"{display_path(target)} is a file: init makes a new project in a new or empty folder"
        )
    if target.exists() and any(target.iterdir()):
        raise UsageError(
            f"{display_path(target)} is not empty: init makes a new project in a new or empty folder, "
            "so nothing there is overwritten"
        )
    if default_templates() is None:
        raise UsageError("this copy of explainer has no default templates: reinstall it")
    for source in sorted(STARTER.rglob("*")):
        relative = source.relative_to(STARTER)
        destination = target / relative.parent / RENAMED.get(relative.name, relative.name)
        if source.is_dir():
            destination.mkdir(parents=True, exist_ok=True)
        elif source.suffix != ".pyc" and "__pycache__" not in relative.parts:
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, destination)
    write_schemas(target / SCHEMAS_DIR)
    where = display_path(target)
    return (
        f"Created a new explainer in {where}/ (every item in it is example content to replace).\n"
        f"Next:  cd {where} && explainer serve"
    )


def list_templates(templates: Templates) -> str:
    """The default templates, each marked when the project has its own."""
    default = default_templates()
    if default is None:
        return "this copy of explainer has no default templates"
    lines = []
    for name, path in {**templates.files(), **templates.files(assets=True)}.items():
        if name != "README.md":
            lines.append(
                f"{name}{'  (yours: ' + display_path(path) + ')' if default not in path.parents else ''}"
            )
    return "\n".join([f"Templates (defaults in {display_path(default)}):", *sorted(lines)])


def _closest(name: str, known: dict[str, Path]) -> str:
    """A did-you-mean for a template name, by its file name too ('nav.htm': 'partials/nav.html')."""
    by_file_name = {full.rsplit("/", 1)[-1]: full for full in known}
    return did_you_mean(name.rsplit("/", 1)[-1], by_file_name, by_file_name.__getitem__)


def copy_templates(templates: Templates, names: list[str]) -> str:
    """Copy default templates into the project's folder, to be changed there; never overwrites."""
    default = default_templates()
    defaults = Templates(templates.project, (default,) if default else ())
    known = {**defaults.files(), **defaults.files(assets=True)}
    unknown = [name for name in names if name not in known]
    if unknown:
        raise UsageError(
            "; ".join(f"no default template '{name}'{_closest(name, known)}" for name in unknown)
            + ": `explainer templates` lists them"
        )
    existing = [name for name in names if (templates.project / name).exists()]
    if existing:
        raise ScaffoldError(
            f"{', '.join(existing)} already in {display_path(templates.project)}/: not overwritten"
        )
    for name in names:
        (templates.project / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(known[name], templates.project / name)
    return "\n".join(f"Copied {name} into {display_path(templates.project / name)}" for name in names)
