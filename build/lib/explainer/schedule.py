"""How the pages of a render are shared out: in this process, with a forked second renderer
that shares the loaded site (Linux, where that is safe), or with a spawned one that builds
the site itself (spawned.py). The bytes are the same every way (see workers.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from . import routes
from .errors import ContentError
from .finish import PageFinisher
from .markup import TextKey
from .model import text_key
from .pagecache import RenderedPage
from .resolve import Site, walk
from .spawned import SpawnedRenderer, SpawnSpec, site_fingerprint
from .workers import can_fork_safely, interrupts_held, start_method

if TYPE_CHECKING:
    from .render import PageRenderer

PARALLEL_FROM = 400  # pages to render before a second process pays for itself
APART_SHARE = 0.4  # the share of the pages a spawned renderer takes (it loads the site first)


PARTS = 64  # the pages to share come in this many parts, taken by whichever process is free
# Families of pages (Route.origin) that list the same events through cached() macros: the
# timeline's filter and month pages (event_summary), and the pages of actors, phases and
# sticking points (event_line). Each family is one part, so that one process makes each
# event's line once and reuses it; split in parts between two processes, both made nearly
# every line (at 10,000 events 20,000 of each, where 10,000 do).
_LISTING_FAMILIES = ({"timeline_filter", "month"}, {"actor", "phase", "sticking_point"})
_WORKER_JOB: Job | None = None  # in the forked worker: its job, handed to it as it starts (_adopt)


class Job:
    """Rendering a list of routes, in this process or split with a forked one.

    The worker is forked after everything is loaded and resolved, so it shares the site and the
    compiled templates without copying; Markdown is converted by both processes first (each
    text once), then the pages are split between them. Output is the same either way.
    """

    def __init__(
        self,
        renderer: PageRenderer,
        todo: list[tuple[routes.Route, str]],
        site: Site,
        base_url: str,
        shared: dict[str, Any],
        finish: PageFinisher,
    ):
        self.renderer, self.todo, self.site = renderer, todo, site
        # when split between processes: the texts and the pages in parts, and how many parts
        # of each either process has taken so far (in shared memory)
        self.parts: dict[str, list[list[Any]]] = {}
        self.taken: dict[str, Any] = {}
        self.base_url, self.shared, self.finish = base_url, shared, finish
        self.saving_texts: int | None = None  # the part of the pages that saves the texts instead

    def run(
        self, share: list[tuple[routes.Route, str]] | None = None
    ) -> tuple[dict[str, RenderedPage], list[ContentError]]:
        pages: dict[str, RenderedPage] = {}
        errors: list[ContentError] = []
        for route, key in self.todo if share is None else share:
            page = self.renderer.render_route(
                route, key, self.site, self.base_url, self.shared, self.finish, errors
            )
            if page is not None:
                pages[route.path] = page
        return pages, errors

    def texts(self) -> list[TextKey]:
        """Every Markdown text the pages will ask for, as the templates ask for them."""
        keys = []
        for items in self.site.by_kind.values():
            for item in items.values():
                for what, path, value in walk(item):
                    if what == "text":
                        keys.append((value, *text_key(item.id, path, type(item))))
        return [key for key in dict.fromkeys(keys) if not self.renderer.markdown.cached(key)]

    def convert(self, part: int) -> list[Markup]:
        """A part of the texts, converted (in the part's order: the other process knows the
        keys, so only the HTML travels between them)."""
        return [self.renderer.markdown.render(key) for key in self.parts["texts"][part]]

    def add_converted(self, converted: dict[int, list[Markup]]) -> None:
        """Parts the other process converted, by part index."""
        for part, html in converted.items():
            self.renderer.markdown.add(dict(zip(self.parts["texts"][part], html, strict=True)))

    def take(self, work: str) -> int | None:
        """The index of the next part of `work` ("texts" or "pages") that no process has taken
        (None: all are taken)."""
        parts, taken = self.parts[work], self.taken[work]
        with taken.get_lock():
            part = taken.value
            if part >= len(parts):
                return None
            taken.value = part + 1
        return part

    def run_parallel(self) -> tuple[dict[str, RenderedPage], list[ContentError]]:
        # Markdown first, then pages, each in parts taken by whichever process is free, so
        # neither waits long for the other at the end. A renderer that lives on (serve)
        # keeps the open data files itself, so its cache of serialised items stays warm.
        producers = [pair for pair in self.todo if pair[0].producer]
        kept = producers if self.renderer.preview else []
        # Otherwise the open data files are shared too: by far the longest routes (seconds each
        # at 10,000 events), they come first, as one part (they share finished texts), so that
        # whichever process takes them is not the one the other waits for at the end.
        first = [producers] if producers and not kept else []
        listings = [
            [pair for pair in self.todo if pair[0].origin[0] in family] for family in _LISTING_FAMILIES
        ]
        listed = set().union(*_LISTING_FAMILIES)
        rest = [pair for pair in self.todo if not pair[0].producer and pair[0].origin[0] not in listed]
        page_parts = first + [part for part in listings if part]
        # A build that renders once keeps its converted texts for the next build (all are
        # converted by now) as one of these parts, beside the other process's pages: saved
        # after the pages, 0.5 s at 10,000 events, it kept one core busy and the other idle.
        if self.renderer.once and self.renderer.markdown.store is not None:
            self.saving_texts = len(page_parts)
            page_parts.append([])
        self.parts = {"texts": _in_parts(self.texts()), "pages": page_parts + _in_parts(rest)}
        # (imported here: a site of fewer than PARALLEL_FROM pages never needs them)
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context("fork")  # (the counters are made before the fork)
        self.taken = {work: context.Value("i", 0) for work in self.parts}
        # (the job is handed to the worker as it starts: forked, it shares the site unpickled)
        with ProcessPoolExecutor(
            max_workers=1, mp_context=context, initializer=_adopt, initargs=(self,)
        ) as pool:
            # one task a part (a task finding every part taken returns nothing), so results
            # come back a part at a time, never in one huge message
            with interrupts_held():  # (the worker is forked at the first submit)
                theirs_texts = [pool.submit(_convert_in_worker) for _ in self.parts["texts"]]
            mine: dict[int, list[Markup]] = {}
            while (part := self.take("texts")) is not None:
                mine[part] = self.convert(part)
            for converted in theirs_texts:
                self.add_converted(converted.result())
            pool.submit(_take_texts, mine).result()
            theirs_pages = [pool.submit(_render_in_worker) for _ in self.parts["pages"]]
            pages, errors = self.run(kept)
            while (part := self.take("pages")) is not None:
                more_pages, more_errors = self.run_part(part)
                pages.update(more_pages)
                errors += more_errors
            for rendered in theirs_pages:
                more_pages, more_errors = rendered.result()
                pages.update(more_pages)
                errors += more_errors
        self.renderer.markdown.saved = self.saving_texts is not None
        return pages, errors

    def run_apart(self, method: str, spec: SpawnSpec) -> tuple[dict[str, RenderedPage], list[ContentError]]:
        """Split with a spawned renderer (see spawned.py): it builds the site itself first, so
        it takes the last APART_SHARE of the pages; what it could not stage, this process
        renders. (The open data files, the longest to make, stay here.)"""
        pages_only = [pair for pair in self.todo if not pair[0].producer]
        cut = len(pages_only) - int(len(pages_only) * APART_SHARE)
        theirs = pages_only[cut:]
        helper = SpawnedRenderer(
            method, spec, [route.path for route, _ in theirs], site_fingerprint(self.site)
        )
        taken = {route.path for route, _ in theirs}
        pages, errors = self.run([pair for pair in self.todo if pair[0].path not in taken])
        digests = helper.result()
        if digests is None:
            more_pages, more_errors = self.run(theirs)
            pages.update(more_pages)
            errors += more_errors
        else:
            for path, file_digest in digests.items():
                pages[path] = RenderedPage("", frozenset(), "", b"", frozenset(), file_digest)
        return pages, errors

    def run_part(self, part: int) -> tuple[dict[str, RenderedPage], list[ContentError]]:
        """A part of the pages, rendered (or the part that saves the converted texts, done)."""
        if part == self.saving_texts:
            self.renderer.markdown.save()
            return {}, []
        return self.run(self.parts["pages"][part])


def _in_parts(work: list[Any]) -> list[list[Any]]:
    size = max(1, -(-len(work) // PARTS))
    return [work[start : start + size] for start in range(0, len(work), size)]


def _adopt(job: Job) -> None:
    """In the forked worker, as it starts: the job it works on."""
    global _WORKER_JOB
    _WORKER_JOB = job


def _convert_in_worker() -> dict[int, list[Markup]]:
    """The next part of the Markdown nobody has taken yet, converted."""
    assert _WORKER_JOB is not None
    part = _WORKER_JOB.take("texts")
    return {part: _WORKER_JOB.convert(part)} if part is not None else {}


def _take_texts(converted: dict[int, list[Markup]]) -> None:
    assert _WORKER_JOB is not None
    _WORKER_JOB.add_converted(converted)


def _render_in_worker() -> tuple[dict[str, RenderedPage], list[ContentError]]:
    """The next part of the pages nobody has taken yet, rendered."""
    assert _WORKER_JOB is not None
    part = _WORKER_JOB.take("pages")
    return _WORKER_JOB.run_part(part) if part is not None else ({}, [])


def run(
    job: Job, workers: int, spawn_spec: SpawnSpec | None
) -> tuple[dict[str, RenderedPage], list[ContentError]]:
    """The job's pages, with a second renderer where it pays: forked, sharing the site, where
    that is safe; else, in a one-off build, spawned with its pages given explicitly; else none."""
    parallel = workers > 1 and len(job.todo) >= PARALLEL_FROM
    method = start_method() if parallel and spawn_spec is not None else None
    if parallel and can_fork_safely():
        return job.run_parallel()
    if method is not None and spawn_spec is not None:
        return job.run_apart(method, spawn_spec)
    return job.run()
