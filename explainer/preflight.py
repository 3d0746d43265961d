"""Checks before a command starts, for the mistakes a newcomer meets first: running in the wrong
folder (or inside the output), a content folder that is not there, no templates to render
with, a preview port already taken. Each is a UsageError saying what to do instead; none
needs the heavy libraries, so the answer comes at once.
"""

from __future__ import annotations

import errno
import os
import socket
from pathlib import Path

from .errors import UsageError, display_path
from .theme import Templates

SITE_FILE = "site.yaml"  # (load.SITE_FILE: not imported, so a usage error needs no pydantic)
PORTS_TRIED = 50  # how far past a busy port to look for a free one
# a port in use, or one the system keeps (Windows reports its own socket codes)
_TAKEN = {
    errno.EADDRINUSE,
    errno.EACCES,
    *(getattr(errno, n) for n in ("WSAEADDRINUSE", "WSAEACCES") if hasattr(errno, n)),
}


def _project_above(folder: Path) -> Path | None:
    """The nearest folder above `folder` that holds a project (a site_src with a site.yaml)."""
    for parent in folder.parents:
        if (parent / "site_src" / SITE_FILE).is_file():
            return parent
    return None


def check_folders(
    src: Path, templates: Path, out: Path, src_given: bool, templates_given: bool = False
) -> None:
    """The content and template folders are there, and we are not inside the output."""
    here = Path.cwd().resolve()
    if here == out.resolve() or out.resolve() in here.parents:
        raise UsageError(
            f"this is the output folder ({display_path(out)}), which each build replaces: "
            "run explainer from the project folder above it"
        )
    if not src.is_dir():
        above = None if src_given else _project_above(here)
        if above is not None and (above / "output") in (here, *here.parents):
            raise UsageError(
                f"this is the output folder of the project in {above.as_posix()}, which each build "
                "replaces: run explainer from the project folder"
            )
        if above is not None:
            raise UsageError(
                f"there is no {display_path(src)} folder here; this folder is inside the project in "
                f"{above.as_posix()}: run explainer from there"
            )
        hint = "check --src" if src_given else "run explainer in a project folder, or pass --src"
        raise UsageError(
            f"the content folder {display_path(src)} does not exist: {hint}, "
            "or start a new project with `explainer init FOLDER`"
        )
    if templates_given and not templates.is_dir():
        raise UsageError(f"the templates folder {display_path(templates)} does not exist: check --templates")
    if not Templates.of(templates).found:
        raise UsageError(
            f"no templates: {display_path(templates)} does not exist and this copy of explainer has no "
            "default templates; reinstall it, or pass --templates"
        )


def check_port(host: str, port: int) -> None:
    """The preview's port is free (checked before the first build, not after it)."""
    if _free(host, port):
        return
    candidates = range(port + 1, min(port + PORTS_TRIED, 65536))
    free = next((candidate for candidate in candidates if _free(host, candidate)), None)
    suggestion = f"; try --port {free}, which is free" if free else "; choose another with --port"
    raise UsageError(f"port {port} on {host} is already in use (another preview?){suggestion}")


def _free(host: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        if os.name != "nt":  # (as tornado binds: a port in TIME_WAIT is free to it)
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno in _TAKEN:
                return False
            raise UsageError(
                f"cannot listen on {host}:{port} ({error.strerror}); check --host and --port"
            ) from None
    return True
