"""Site search, made by Pagefind (the `pagefind` package ships its binary) over the staged
site once every page is there, before it is swapped in: a static index that a reader's
browser loads in pieces, only after typing on the search page.

Pages say what is searched: `<main data-pagefind-body>` on the pages worth finding (not the
timeline's filter pages, the lists of sources or the 404 page), with the page's kind and date
as metadata for the results; notes at the foot carry `data-pagefind-ignore`. Navigation and
the footer lie outside `main`. The same pages give the same index, byte for byte.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .cache import digest
from .errors import OutputError
from .metadata import kind_and_date

if TYPE_CHECKING:
    from .route import Route

SEARCH_FOLDER = "pagefind"  # the index, beside the pages
SEARCH_PAGE = "search/index.html"
MIRROR = ".search-pages"  # (in the staging folder while the index is made)
_NOT_SEARCHED = ("timeline/by-", "sources/", "404.html", SEARCH_PAGE)


def search_meta(route: Route) -> dict[str, str] | None:
    """What search results say of a page: its kind, and an event's date (base.html gives
    them to Pagefind as metadata); None for a page left out of the index."""
    if not route.path.endswith(".html") or route.path.startswith(_NOT_SEARCHED):
        return None
    kind, date = kind_and_date(route)
    return {"kind": kind, "date": date}


def index(site_folder: Path) -> dict[str, str]:
    """Index the staged site; the digest of each file of the index, by output path.

    Pagefind numbers pages in the order the file system lists them, which on some (tmpfs)
    is the order they were written: by parallel renderers, a different one each build. So it
    reads a mirror of the pages made in sorted order (hard links, where the disk allows), and
    the same pages give the same index."""
    mirror = site_folder / MIRROR
    try:
        _mirror(site_folder, mirror)
        _pagefind(mirror, site_folder / SEARCH_FOLDER)
    finally:
        shutil.rmtree(mirror, ignore_errors=True)
    return _digests(site_folder)


def _mirror(site_folder: Path, mirror: Path) -> None:
    """The pages worth finding (search_meta's), linked into `mirror` in sorted order."""
    pages = sorted(path.relative_to(site_folder).as_posix() for path in site_folder.rglob("*.html"))
    for page in pages:
        if page.startswith(_NOT_SEARCHED):
            continue  # (Pagefind would read it only to find it has nothing to index)
        target = mirror / page
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(site_folder / page, target)
        except OSError:
            shutil.copyfile(site_folder / page, target)


def _pagefind(mirror: Path, output: Path) -> None:
    command = [sys.executable, "-m", "pagefind", "--site", str(mirror), "--output-path", str(output)]
    try:
        done = subprocess.run(
            [*command, "--keep-index-url", "--silent"], capture_output=True, text=True, timeout=600
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise OutputError(
            f"search: Pagefind did not run ({error}); build with --no-search to skip it"
        ) from None
    if done.returncode != 0:
        why = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no message"]
        raise OutputError(
            f"search: Pagefind failed ({why[0]}); install it with `pip install 'pagefind[bin]'`, "
            "or build with --no-search"
        )


def _digests(site_folder: Path) -> dict[str, str]:
    digests = {}
    for folder, _subfolders, files in os.walk(site_folder / SEARCH_FOLDER):
        for name in files:
            path = Path(folder, name)
            digests[path.relative_to(site_folder).as_posix()] = digest(path.read_bytes())
    return digests
