"""Where templates come from: a project's own `templates/` first, then the default templates
that ship inside this package. A project holds only the templates it changes (as a Hugo site
overrides its theme); a file of the same name in the project's folder wins.

In a checkout (or an editable install) the defaults are the repository's `templates/`; a wheel
carries them as `explainer/theme/` (pyproject.toml maps one onto the other).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ASSETS_DIR = "assets"  # static files beside the templates, copied as they are
_HERE = Path(__file__).resolve().parent
_PLACES = (_HERE / "theme", _HERE.parent / "templates")  # (installed, checkout)


def default_templates() -> Path | None:
    """The package's default templates, or None when this copy of the package has none."""
    return next((folder for folder in _PLACES if (folder / "base.html").is_file()), None)


@dataclass(frozen=True)
class Templates:
    """The template folders of a project, searched in order: its own, then the defaults."""

    project: Path  # the project's templates folder (it may not exist, or not yet)
    layers: tuple[Path, ...]  # absolute folders, the first one wins

    @classmethod
    def of(cls, project: Path) -> Templates:
        layers = [project.resolve()]
        default = default_templates()
        if default is not None and default not in layers:
            layers.append(default)
        return cls(project, tuple(layers))

    @property
    def found(self) -> bool:
        """Whether there are templates to render with: the project's, or the defaults."""
        return any(layer.is_dir() for layer in self.layers)

    def files(self, assets: bool = False) -> dict[str, Path]:
        """Every template (or, with `assets`, every static file) by name, as the search finds it."""
        found: dict[str, Path] = {}
        for layer in self.layers:
            for path in sorted(layer.rglob("*")):
                name = path.relative_to(layer).as_posix()
                if (
                    path.is_file()
                    and (name.split("/", 1)[0] == ASSETS_DIR) == assets
                    and not path.name.startswith(".")
                ):
                    found.setdefault(name, path)
        return dict(sorted(found.items()))

    def owns(self, filename: str) -> bool:
        """Whether a file (from a traceback) is one of these templates."""
        return any(filename.startswith(str(layer)) for layer in self.layers)
