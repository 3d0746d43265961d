"""Content cannot reach outside the project, and a read-only or full disk keeps the old site."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import Project
from test_build import tree_digest


def test_a_linked_folder_outside_site_src_is_an_error(project: Project, tmp_path: Path) -> None:
    outside = tmp_path / "outside-events"
    outside.mkdir()
    (outside / "secret.md").write_text("---\ntitle: x\ndate: 2024\nsources: [ap-2024-08-19]\n---\n")
    (project.src / "phases").rename(project.root / "phases-real")
    try:
        (project.src / "phases").symlink_to(
            project.root / "phases-real"
        )  # inside the project, outside site_src
    except OSError:  # (Windows without the right to make links)
        pytest.skip("cannot make symbolic links here")
    run = project.cli()
    assert run.code == 1
    assert (
        "site_src/phases:1: this link points outside site_src; copy the file into site_src instead" in run.err
    )
    assert "Traceback" not in run.err


def test_ids_cannot_name_paths(project: Project) -> None:
    project.write(
        "events/x.md", "---\ntitle: x\ndate: 2024\nactors: [../../etc/passwd]\nsources: [/etc/passwd]\n---\n"
    )
    run = project.cli()
    assert run.code == 1
    assert "actors[0]: '../../etc/passwd' is not a valid id" in run.err
    assert "sources[0]: '/etc/passwd' is not a valid id" in run.err


def change_every_page(project: Project) -> None:
    """An edit that changes every page, so the next build must write them all."""
    base = project.template("base.html")
    base.write_text(base.read_text().replace("</body>", "<!-- changed --></body>"))


def _can_mount() -> bool:
    return (
        hasattr(os, "geteuid")
        and os.geteuid() == 0
        and subprocess.run(["mount", "--version"], capture_output=True).returncode == 0
    )


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A small tmpfs of our own, to fill up or make read-only."""
    if not _can_mount():
        pytest.skip("needs root to mount a small tmpfs")
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount_point)], check=True)
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def test_a_full_disk_is_a_clear_error_and_keeps_the_old_site(project: Project, small_disk: Path) -> None:
    out = small_disk / "site"
    assert project.cli("--out", str(out)).code == 0
    before = tree_digest(out)
    used = sum(p.stat().st_blocks * 512 for p in out.rglob("*"))
    disk = os.statvfs(small_disk)
    filler = small_disk / "filler"
    filler.write_bytes(b"\0" * max(0, disk.f_bavail * disk.f_frsize - used // 2))  # room for half a copy
    change_every_page(project)
    run = project.cli("--out", str(out))
    assert run.code == 1
    assert run.err.startswith("error: ") and "the previous site is unchanged" in run.err
    assert "No space left on device" in run.err and "Traceback" not in run.err
    assert tree_digest(out) == before
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler", "site"]  # the half-written copy is gone


def test_a_read_only_location_is_a_clear_error_and_keeps_the_old_site(
    project: Project, small_disk: Path
) -> None:
    out = small_disk / "site"
    assert project.cli("--out", str(out)).code == 0
    before = tree_digest(out)
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    change_every_page(project)
    run = project.cli("--out", str(out))
    assert run.code == 1
    assert run.err.startswith("error: ") and "Read-only file system" in run.err and "Traceback" not in run.err
    assert tree_digest(out) == before


@pytest.mark.parametrize(
    ("path", "written"),
    [("a/b.html", "a/b.html"), ("a//b/./c/", "a/b/c"), ("./index.html", "index.html")],
)
def test_output_paths_are_normalised_as_pure_posix_paths(path: str, written: str) -> None:
    from pathlib import PurePosixPath

    from explainer.write import _safe_relative

    assert _safe_relative(path) == written == PurePosixPath(path).as_posix()


@pytest.mark.parametrize("path", ["/etc/passwd", "//x", "../x", "a/../../x", "a/..", "", ".", "./"])
def test_no_output_path_leads_out_of_the_output_folder(path: str) -> None:
    from explainer.errors import OutputError
    from explainer.write import _safe_relative

    with pytest.raises(OutputError, match="refusing to write outside the output folder"):
        _safe_relative(path)
