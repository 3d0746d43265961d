"""`serve`: live preview on livereload, fast and fault-tolerant.

livereload supplies the web server, the script injection and the LiveReload protocol. What it
lacks is supplied here:

- saves are noticed at once (watchdog's inotify/FSEvents observer, not a 0.8 s poll), a burst
  of them (a git checkout) gives one rebuild, and a save during a rebuild queues another, so
  none is dropped; reloads are sent directly, bypassing livereload's 3-second throttle;
- rebuilds run on a worker thread through the incremental `Builder`, never on the thread that
  serves requests;
- pages are served from an in-memory snapshot that is swapped whole after a good build, so no
  request ever sees a half-written site, and nothing outside it can be fetched;
- a failed build keeps the last good site and overlays the located errors on every page until
  the next good build; missing pages get the site's own 404.html, which reloads too;
- a taken port is a one-line message, not an OSError.

The snapshot is mirrored into `.preview/` (only changed files are rewritten), never `output/`.
"""

from __future__ import annotations

import errno
import gc
import logging
import mimetypes
import os
import posixpath
import re
import sys
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import livereload
from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from livereload.server import set_header
from livereload.watcher import Watcher
from markupsafe import escape
from tornado import web
from tornado.ioloop import IOLoop
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from .errors import BuildFailed, ContentError, Location, OutputError, display_path
from .load import fingerprint
from .pipeline import Builder, Project
from .theme import Templates
from .write import check_target, sync_folder

PREVIEW_FOLDER = Path(".preview")
QUIET_SECONDS = 0.008  # a burst of saves closer than this is one change
MAX_WAIT_SECONDS = 0.25  # but a long burst never delays the rebuild more than this
MIRROR_DELAY_SECONDS = 0.5
OVERLAY_PATH = "__explainer__/overlay.css"
OVERLAY_CSS = b"""#explainer-errors{position:fixed;inset:auto 0 0 0;z-index:2147483647;max-height:60vh;overflow:auto;
margin:0;padding:1rem 1.25rem;background:#3b0a0a;color:#fff;font:14px/1.5 ui-monospace,Menlo,Consolas,monospace;
border-top:4px solid #ff6b6b;box-shadow:0 -4px 16px rgba(0,0,0,.4)}#explainer-errors h2{margin:0 0 .5rem;font:700 16px/1.3 system-ui,sans-serif;color:#fff}
#explainer-errors pre{margin:0;white-space:pre-wrap;color:#fff;background:none}#explainer-errors p{margin:.5rem 0 0;font-family:system-ui,sans-serif}
"""


def _ignored(path: str) -> bool:
    """Editor temp files and hidden files never trigger a rebuild."""
    name = posixpath.basename(path.replace("\\", "/"))
    return name.startswith((".", "#")) or name.endswith(("~", ".swp", ".swx", ".tmp")) or name == "4913"


class SaveWatcher(Watcher):
    """A livereload watcher driven by filesystem events instead of polling."""

    def __init__(self, on_change: Callable[[str], None]):
        super().__init__()
        self.on_change = on_change
        self.observer: Any = None
        self.handler = _EventForwarder(on_change)
        self.awaited: list[str] = []  # folders to watch once they are made (a first template override)

    def start(self, callback: Callable[[], None]) -> bool:
        """Called by livereload when serving starts; True tells it not to poll."""
        if self.observer is None:
            self.observer = Observer()
            for path in self._tasks:
                self.observer.schedule(self.handler, path, recursive=True)
            for path in self.awaited:
                self.observer.schedule(_FolderMade(path, self._made), os.path.dirname(path), recursive=False)
            self.observer.daemon = True
            self.observer.start()
        return True

    def _made(self, path: str) -> None:
        """An awaited folder appeared: watch it first, then rebuild (so no save in it is missed)."""
        self.observer.schedule(self.handler, path, recursive=True)
        self.on_change(path)

    def examine(self) -> tuple[None, None]:
        return None, None  # livereload never needs to poll this watcher

    def stop(self) -> None:
        if self.observer is not None:
            self.observer.stop()


class _EventForwarder(FileSystemEventHandler):
    def __init__(self, on_change: Callable[[str], None]):
        self.on_change = on_change

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write") or (
            event.is_directory and event.event_type == "modified"
        ):
            return
        path = str(event.dest_path or event.src_path) if event.event_type == "moved" else str(event.src_path)
        if not _ignored(path):
            self.on_change(path)


class _FolderMade(FileSystemEventHandler):
    """Tells when one folder is made in the folder watched (not recursively) above it."""

    def __init__(self, path: str, on_made: Callable[[str], None]):
        self.path, self.on_made = path, on_made

    def on_any_event(self, event: FileSystemEvent) -> None:
        made = event.dest_path if event.event_type == "moved" else event.src_path
        if event.is_directory and event.event_type in ("created", "moved") and str(made) == self.path:
            self.on_made(self.path)


class Preview:
    """The served site: the last good snapshot, the current errors, and the rebuild loop."""

    def __init__(self, project: Project, folder: Path, say: Callable[[str], None]):
        self.builder = Builder(project, preview=True)
        self.folder = folder
        self.say = say
        self.files: dict[str, bytes] = {}
        self.versions: dict[str, bytes] = {}  # asset path -> short hash, appended to its links
        self.errors: list[ContentError] = []
        self.loop: IOLoop | None = None
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rebuild")
        self.timer: object | None = None
        self.first_change = 0.0
        self.running = False
        self.pending = False
        self.mirrored: dict[str, bytes] | None = None
        self.generation = 0  # of the site being served

    # --- building -----------------------------------------------------------------------
    def build_now(self) -> float:
        """Build and swap the outcome in, on this thread (the first build, before serving;
        bench/build_bench.py times the rebuilds this way); the seconds it took."""
        outcome = self._build()
        self._apply(outcome)
        return outcome[2]

    def _build(self) -> tuple[Any, list[ContentError], float]:
        started = time.perf_counter()
        try:
            return self.builder.assemble(), [], time.perf_counter() - started
        except BuildFailed as failure:
            return None, failure.errors, time.perf_counter() - started
        except Exception as error:  # a bug must not stop the server; show it like an error
            where = Location(display_path(self.builder.project.src), 1)
            return None, [ContentError(where, f"internal error: {type(error).__name__}: {error}")], 0.0

    def _apply(self, outcome: tuple[Any, list[ContentError], float]) -> bool:
        """Swap in a good build or keep the last one with its errors; True when pages changed."""
        result, errors, seconds = outcome
        before = (self.files, self.errors)
        if result is not None:
            self.files, self.errors = result.rendered.files, []
            self.generation = result.site.generation
            self.versions = {
                path: fingerprint(data)[:8].encode()
                for path, data in self.files.items()
                if path.startswith("assets/")
            }
            self.say(
                f"Built in {seconds * 1000:.0f} ms: {result.rendered.pages_rendered} of "
                f"{result.rendered.pages} pages rendered, {result.files_read} files read"
            )
        else:
            self.errors = errors
            self.say(
                "\n".join(map(str, errors)) + f"\n{len(errors)} problem(s); still serving the last good site"
            )
        return before != (self.files, self.errors)

    # --- reacting to saves (called on the serving thread) -----------------------------------
    def changed(self, path: str) -> None:
        """A file changed (watchdog thread): hand over to the serving thread."""
        if self.loop is not None:
            self.loop.add_callback(self._debounce)

    def _debounce(self) -> None:
        assert self.loop is not None
        now = time.monotonic()
        if self.timer is None:
            self.first_change = now
        else:
            self.loop.remove_timeout(self.timer)
        wait = 0.0 if now - self.first_change >= MAX_WAIT_SECONDS else QUIET_SECONDS
        self.timer = self.loop.call_later(wait, self._start)

    def _start(self) -> None:
        self.timer = None
        if self.running:
            self.pending = True  # rebuild again once this one ends: no save is lost
            return
        self.running = True
        future = self.worker.submit(self._build)
        assert self.loop is not None
        loop = self.loop
        future.add_done_callback(lambda done: loop.add_callback(self._finished, done))

    def _finished(self, future: Future[tuple[Any, list[ContentError], float]]) -> None:
        changed_paths = self._changed_paths(future)
        self.running = False
        if changed_paths is not None:
            css_only = len(changed_paths) == 1 and next(iter(changed_paths)).endswith(".css")
            LiveReloadHandler.reload_waiters(next(iter(changed_paths)) if css_only else "*")
            assert self.loop is not None  # settle once the tabs have reloaded, not while they do
            self.loop.call_later(MIRROR_DELAY_SECONDS, self.worker.submit, self.settle)
        if self.pending:
            self.pending = False
            self._start()

    def _changed_paths(self, future: Future[tuple[Any, list[ContentError], float]]) -> set[str] | None:
        """Apply the build; the output paths that changed (None: nothing a reader would see)."""
        previous_files, previous_errors = self.files, self.errors
        if not self._apply(future.result()):
            return None
        if self.errors != previous_errors or self.files is previous_files:
            return {"*"}
        changed = {p for p, data in self.files.items() if previous_files.get(p) != data}
        return (changed | (previous_files.keys() - self.files.keys())) or None

    def settle(self) -> None:
        """After a rebuild, once the tabs have reloaded (on the worker): the open data files
        the rebuild left for later, then the mirror and a garbage collection."""
        try:
            generation, data = self.builder.finish_deferred()
        except Exception as error:  # the pages are served already; say it, as for a build
            self.say(f"warning: internal error: {type(error).__name__}: {error} (open data files)")
            generation, data = 0, {}
        if self.loop is None:  # not serving yet (or a benchmark): nothing else reads the files
            self._take(generation, data)
            self.mirror()
        else:
            self.loop.add_callback(self._take_and_mirror, generation, data)

    def _take_and_mirror(self, generation: int, data: dict[str, bytes]) -> None:
        self._take(generation, data)
        self.worker.submit(self.mirror)

    def _take(self, generation: int, data: dict[str, bytes]) -> None:
        """Swap in files made after the pages, if they belong to the site being served."""
        if data and generation == self.generation:
            self.files = {**self.files, **data}

    def mirror(self) -> None:
        """Keep .preview/ equal to what is served (runs on the worker, after the reload), then
        collect garbage, which builds leave to this quiet moment (see pipeline.py)."""
        first = self.mirrored is None
        try:
            files = self.files
            sync_folder(files, self.folder, self.mirrored)
            self.mirrored = files
        except OutputError as error:
            self.say(f"warning: {error}")
        gc.collect()
        if first:
            gc.freeze()  # what the first build left (templates, caches) lives on: stop rescanning it

    # --- answering requests -------------------------------------------------------------------
    def response(self, url_path: str) -> tuple[int, str, bytes]:
        """Status, content type and body for a request path; never reads outside the snapshot."""
        path = posixpath.normpath(unquote(url_path).lstrip("/")) if url_path.strip("/") else "index.html"
        if path.startswith("..") or "\\" in path or "\0" in path:
            path = "\0"  # not in any snapshot: falls through to 404
        files = self.files
        for candidate in (path, f"{path}/index.html"):
            if candidate in files:
                return 200, _content_type(candidate), self._decorate(candidate, files[candidate])
        if "404.html" in files:
            return 404, "text/html; charset=utf-8", self._decorate("404.html", files["404.html"])
        return 404, "text/html; charset=utf-8", self._decorate("404.html", _BARE_PAGE)

    def _decorate(self, path: str, body: bytes) -> bytes:
        """Version asset links, so tabs cache them until they change, and overlay the current
        errors on every page (escaped: they quote editors' content)."""
        if not path.endswith(".html"):
            return body
        body = _ASSET_LINK.sub(
            lambda m: m.group(0) + b"?v=" + self.versions.get(m.group(1).decode(), b"0"), body
        )
        if not self.errors:
            return body
        items = "\n".join(str(escape(str(error))) for error in self.errors)
        overlay = (
            f'<div id="explainer-errors" role="alert"><h2>The last save did not build: '
            f"{len(self.errors)} problem{'s' if len(self.errors) != 1 else ''}</h2><pre>{items}</pre>"
            "<p>Still showing the last good version. Fix the problem and save: this page reloads by itself.</p></div>"
        ).encode()
        link = f'<link rel="stylesheet" href="/{OVERLAY_PATH}">'.encode()
        body = body.replace(b"</head>", link + b"</head>", 1)
        start = body.find(b"<body")
        end = body.find(b">", start) + 1 if start >= 0 else 0
        return body[:end] + overlay + body[end:]


_ASSET_LINK = re.compile(rb'(?<=["/])(assets/[\w./-]+\.(?:css|js|svg))(?=")')
_BARE_PAGE = b"<!doctype html><html lang=en><head><meta charset=utf-8><title>Preview</title></head><body></body></html>"


def _content_type(path: str) -> str:
    guessed = mimetypes.guess_type(path)[0] or "application/octet-stream"
    return (
        f"{guessed}; charset=utf-8"
        if guessed.startswith("text/")
        or guessed in ("application/json", "application/xml", "image/svg+xml", "application/javascript")
        else guessed
    )


class _SnapshotHandler(web.RequestHandler):
    """Serves the preview snapshot (livereload's transform then injects its script)."""

    def initialize(self, preview: Preview) -> None:
        self.preview = preview

    def get(self, url_path: str) -> None:
        if url_path == OVERLAY_PATH:
            status, kind, body = 200, "text/css; charset=utf-8", OVERLAY_CSS
        else:
            status, kind, body = self.preview.response(url_path)
        self.set_status(status)
        self.set_header("Content-Type", kind)
        if self.get_query_argument("v", None) and status == 200:  # a versioned asset link
            self.set_header("Cache-Control", "max-age=31536000, immutable")
        else:
            self.set_header("Cache-Control", "no-cache")  # revalidate: tornado answers 304 by ETag
        self.finish(body)

    def head(self, url_path: str) -> None:
        self.get(url_path)


class PreviewServer(livereload.Server):
    """livereload's server, answering from the in-memory snapshot."""

    def __init__(self, preview: Preview, watcher: SaveWatcher):
        super().__init__(watcher=watcher)
        self.preview = preview
        # livereload.js never changes while we run: let every reload take it from the cache
        # (livereload's own setHeader() does the same, for its static file handler)
        LiveReloadJSHandler.set_default_headers = set_header(
            LiveReloadJSHandler.set_default_headers, "Cache-Control", "max-age=86400"
        )

    def get_web_handlers(self, script: bytes) -> list[Any]:
        return [(r"/(.*)", _SnapshotHandler, {"preview": self.preview})]

    def _setup_logging(self) -> None:
        """livereload logs every connection at INFO; keep the terminal for our own lines."""
        logger = logging.getLogger("livereload")
        logger.setLevel(logging.WARNING)
        if not logger.handlers:
            logger.addHandler(logging.StreamHandler())
        logging.getLogger("tornado.access").setLevel(logging.ERROR)  # a 404 is not news


def serve(
    project: Project,
    host: str = "127.0.0.1",
    port: int = 8000,
    open_browser: bool = False,
    quiet: bool = False,
) -> int:
    """Build, serve and rebuild on every save until Ctrl+C; returns the exit code."""

    def say(text: str) -> None:
        if not quiet or "problem" in text or text.startswith(("error", "warning", "Serving")):
            print(text, flush=True)

    folder = PREVIEW_FOLDER.absolute()
    try:
        check_target(folder, [project.src, project.templates, project.out])
    except OutputError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    preview = Preview(project, folder, say)
    preview.build_now()
    preview.mirror()
    watcher = SaveWatcher(preview.changed)
    server = PreviewServer(preview, watcher)
    for path in (project.src.absolute(), *Templates.of(project.templates).layers):
        if path.is_dir():
            server.watch(str(path))
        elif path.parent.is_dir():  # (a project that has no templates of its own yet)
            watcher.awaited.append(str(path))
    shown = "127.0.0.1" if host in ("", "0.0.0.0") else f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/"
    loop = IOLoop.current()
    preview.loop = loop
    if host not in ("127.0.0.1", "localhost", "::1"):
        say(f"warning: listening on {host}: other machines on the network can see this preview")
    loop.add_callback(
        lambda: say(f"Serving the preview at {url} (mirrored in {display_path(folder)}/); Ctrl+C stops")
    )
    try:
        server.serve(host=host, port=port, open_url_delay=0 if open_browser else None)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            print(
                f"error: port {port} is already in use; stop what uses it or choose another with --port {port + 1}",
                file=sys.stderr,
            )
        else:
            print(
                f"error: cannot listen on {host}:{port} ({error.strerror}); check --host and --port",
                file=sys.stderr,
            )
        return 1
    finally:
        watcher.stop()
        preview.worker.shutdown(wait=True, cancel_futures=True)
    return 0
