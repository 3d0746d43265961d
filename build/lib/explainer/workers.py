"""How helper processes start, on every platform Python runs on.

Two kinds of helper exist. One gets its work as arguments (paths to read: ahead.py's Markdown
converter) and can start any way the platform offers. The other shares the loaded site with
the build by being forked from it (schedule.py's second renderer): that is only safe where
`fork` exists and no other thread runs, since a thread holding a lock at the fork leaves the
child stuck on it (macOS also forbids many system calls in such a child). Linux without
threads forks; everywhere else (Windows and macOS, and any process with threads, such as
`serve`) a one-off build spawns its second renderer with its work given explicitly
(spawned.py), and `serve` renders in its own process. Either way the output is the same,
byte for byte.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator


def usable_cores() -> int:
    """The cores this process may run on (its affinity where the system has one)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def can_fork_safely() -> bool:
    """Whether a helper may be forked from this process: fork exists, the platform is one
    where a forked child may go on running Python (Linux), and no other thread runs; and the
    speedup is on (see speedups.py: without it, helpers get their work as arguments)."""
    from . import speedups  # (only here: it imports the libraries it tunes)

    return (
        speedups.on("fork")
        and hasattr(os, "fork")
        and sys.platform.startswith("linux")
        and threading.active_count() == 1
    )


@contextlib.contextmanager
def interrupts_held() -> Iterator[None]:
    """While a helper starts: Ctrl-C waits until it has (an interrupt in the middle of a fork
    surfaces in the fork handlers of other modules, as a traceback no one can catch), and the
    helper inherits it blocked, since Ctrl-C is the build's to handle; the build ends it."""
    if not hasattr(signal, "pthread_sigmask"):  # (Windows: no fork, and no masks)
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def start_method() -> str | None:
    """How to start a helper that gets its work as arguments: fork where that is safe (the
    cheapest start), else forkserver, else spawn; None where no process can start."""
    if can_fork_safely():
        return "fork"
    import multiprocessing  # (only here: it takes 20 ms to import, and most builds need none)

    methods = multiprocessing.get_all_start_methods()
    return next((method for method in ("forkserver", "spawn") if method in methods), None)
