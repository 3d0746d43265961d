"""A project's templates/ holds only what it changes: every other template, and every asset,
comes from the package's defaults (theme.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import REPO, Project
from test_build import tree_digest

from explainer.templating import compact_css
from explainer.theme import Templates, default_templates


def test_the_defaults_are_the_repositorys_templates_in_a_checkout() -> None:
    assert default_templates() == REPO / "templates"


def test_a_project_without_templates_builds_what_a_full_copy_builds(project: Project, tmp_path: Path) -> None:
    assert not (project.root / "templates").exists()
    assert project.cli("--quiet").code == 0
    copy = Project(tmp_path / "copy")
    shutil.copytree(REPO / "site_src", copy.src)
    shutil.copytree(REPO / "templates", copy.root / "templates")
    assert copy.cli("--quiet").code == 0
    assert tree_digest(project.out) == tree_digest(copy.out)


def test_one_overridden_template_and_asset_change_only_what_uses_them(project: Project) -> None:
    assert project.cli("--quiet").code == 0
    before = tree_digest(project.out)
    page = project.template("page.html")
    page.write_text(page.read_text().replace("{% block content %}", "{% block content %}<p>Ours</p>", 1))
    css = project.template("assets/style.css")
    css.write_text(css.read_text() + "\nbody { color: black; }\n")
    assert sorted(p.relative_to(project.root).as_posix() for p in project.root.glob("templates/**/*.*")) == [
        "templates/assets/style.css",
        "templates/page.html",
    ]
    assert project.cli("--quiet").code == 0
    after = tree_digest(project.out)
    background = (project.out / "background/index.html").read_text()
    assert "<p>Ours</p>" in background
    assert "<p>Ours</p>" not in (project.out / "timeline/doha-round/index.html").read_text()
    old_css = [name for name in before if name.startswith("assets/style.")]
    new_css = [name for name in after if name.startswith("assets/style.")]
    assert old_css != new_css and len(new_css) == 1, "the changed stylesheet gets a new name"
    assert (project.out / new_css[0]).read_text().endswith("body{color: black;}\n")
    assert f'href="../{new_css[0]}"' in background


def test_the_project_folder_is_searched_first_even_before_it_exists(tmp_path: Path) -> None:
    templates = Templates.of(tmp_path / "templates")
    assert templates.layers[0] == (tmp_path / "templates").resolve()
    assert templates.found, "the defaults are there"
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates/base.html").write_text("mine")
    assert templates.files()["base.html"] == (tmp_path / "templates/base.html").resolve()
    assert templates.files()["event.html"] == REPO / "templates/event.html"
    assert "assets/style.css" in templates.files(assets=True)
    assert "assets/style.css" not in templates.files()


def test_published_css_loses_comments_and_spaces_not_strings() -> None:
    written = b'/* a comment */\na::after {\n  content: "/* kept */" / "";\n}\n/* two\n lines */\nb { c: \'it\\\'s /* too */\' }\n'
    assert compact_css(written) == b'a::after{content: "/* kept */" / "";}\nb{c: \'it\\\'s /* too */\'}\n'
    real = (REPO / "templates/assets/style.css").read_bytes()
    assert len(compact_css(real)) < len(real) - 500
    assert compact_css(real).count(b"{") == real.count(b"{"), "every rule is still there"
