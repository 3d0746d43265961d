"""Command line: `build` (default), `check`, `serve`, `new`, `init`, `templates`, `schema`.

Exit codes: 0 ok, 1 content or output problems (printed as `path:line: message`), 2 usage.
Tracebacks only with --debug: editors need the location and the fix, not our call stack.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from .pipeline import Project

from .errors import BuildFailed, OutputError, ScaffoldError, UsageError, display_path
from .names import web_url_problem

# The heavy modules (jinja2, Markdown, pydantic) are imported only by the commands that need
# them, so `build` with nothing to do answers at once.

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2  # (2 as argparse exits for a mistyped option)
COMMANDS = (
    (
        "build",
        "build the site into the output folder (default)",
        "Build the site into the output folder, replacing it in one step.",
    ),
    (
        "check",
        "validate everything without writing",
        "Load, validate and render the whole site in memory; write nothing.",
    ),
    (
        "serve",
        "preview with live reload",
        "Build into a preview folder, serve it, and rebuild and reload the browser on every save.",
    ),
    (
        "new",
        "start a new item as a draft",
        "Create a draft item from a title (never overwrites) and print where it is.",
    ),
    (
        "init",
        "start a new explainer project in a folder",
        "Create a new project (example content of every kind, a templates folder for your "
        "changes, JSON Schemas for editors) in a new or empty folder.",
    ),
    (
        "templates",
        "list the default templates, or copy some here to change them",
        "Without names, list the default templates and which ones this project overrides; with "
        "names, copy those defaults into the templates folder (never overwrites).",
    ),
    (
        "schema",
        "write JSON Schemas of the content files, for editors",
        "Write a JSON Schema for every content file (front matter and YAML files), for editors "
        "that understand yaml-language-server.",
    ),
)
NEEDS_A_PROJECT = ("build", "check", "serve", "new", "templates")


SWITCHES = (  # the on/off options every command accepts
    (
        "--strict",
        "fail on placeholders left in the content (example.org addresses, TODO, TK, Lorem ipsum, empty sections)",
    ),
    ("--no-search", "build without the search index (Pagefind); the search page then lists every page"),
    ("--no-cards", "build without the social cards (a picture a page, for links shared in chats)"),
    ("--debug", "show tracebacks"),
    ("--quiet", "print only problems"),
)


def _base_url(value: str) -> str:
    problem = web_url_problem(value)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return value


def _jobs(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"'{value}' is not a number of processes: use 1 or more")
    return int(value)


def _port(value: str) -> int:
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise argparse.ArgumentTypeError(f"'{value}' is not a port: use a number from 1 to 65535")
    return int(value)


def _common_options(parser: argparse.ArgumentParser, top_level: bool) -> None:
    """Options every command accepts, before or after its name."""
    default = (lambda value: value) if top_level else (lambda value: argparse.SUPPRESS)
    parser.add_argument(
        "--src", type=Path, default=default(Path("site_src")), help="content folder (default: site_src)"
    )
    parser.add_argument(
        "--templates",
        type=Path,
        default=default(Path("templates")),
        help="templates folder (default: templates)",
    )
    parser.add_argument(
        "--out", type=Path, default=default(Path("output")), help="output folder (default: output)"
    )
    parser.add_argument(
        "--base-url",
        type=_base_url,
        default=default(None),
        metavar="URL",
        help="published address, overriding site.yaml's base_url",
    )
    parser.add_argument(
        "--jobs",
        type=_jobs,
        default=default(None),
        metavar="N",
        help="processes to build with (default: the usable cores, at most 2 are used; 1: one process)",
    )
    for flag, meaning in SWITCHES:
        parser.add_argument(flag, action="store_true", default=default(False), help=meaning)


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        description="Build the explainer site from site_src/ through templates/ into output/.",
        epilog="Without a command, 'build' runs.",
    )
    _common_options(main, top_level=True)
    commands = main.add_subparsers(
        dest="command", metavar="{" + ",".join(name for name, *_ in COMMANDS) + "}"
    )
    subcommands = {
        name: commands.add_parser(name, help=summary, description=description)
        for name, summary, description in COMMANDS
    }
    for sub in subcommands.values():
        _common_options(sub, top_level=False)
    serve_cmd, new_cmd = subcommands["serve"], subcommands["new"]
    subcommands["init"].add_argument("folder", type=Path, help="where to make it (new, or empty)")
    subcommands["templates"].add_argument(
        "names", nargs="*", help="default templates to copy, e.g. base.html"
    )
    subcommands["schema"].add_argument(
        "folder", type=Path, nargs="?", default=Path("schemas"), help="where to write them (default: schemas)"
    )
    serve_cmd.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)"
    )
    serve_cmd.add_argument("--port", type=_port, default=8000, help="port (default: 8000)")
    serve_cmd.add_argument("--open", action="store_true", help="open the site in a browser")
    new_cmd.add_argument("kind", help="what to create: a kind of content, such as event or term")
    new_cmd.add_argument("title", help="its title (the id is made from it)")
    return main


def _say(args: argparse.Namespace, text: str) -> None:
    if not args.quiet:
        print(text, flush=True)


def run(args: argparse.Namespace, exit_when_done: bool = False) -> int:
    command = args.command or "build"
    if command in NEEDS_A_PROJECT:
        from .preflight import check_folders

        check_folders(
            args.src,
            args.templates,
            args.out,
            src_given=args.src != Path("site_src"),
            templates_given=args.templates != Path("templates"),
        )
    if command in ("init", "templates", "schema"):
        return _project_files(args, command)
    if command == "new":
        from .scaffold import scaffold

        _say(args, scaffold(args.src, args.kind, args.title))
        return EXIT_OK
    if command == "build":
        return _build(args, exit_when_done)

    from .pipeline import assemble

    project = _project(args, placeholders="fail" if args.strict else "warn" if command == "check" else "skip")
    if command == "check":
        from .cache import BuildState
        from .check import broken_links
        from .render import site_root_path

        result = assemble(project, BuildState().compiled_templates())  # (its only write: the cache)
        base_url = project.base_url or result.site.config.base_url
        problems = broken_links(result.rendered.files, site_root_path(base_url))
        if problems:
            raise BuildFailed(problems)
        for warning in result.warnings:
            print(f"{warning.location}: warning: {warning.message}", file=sys.stderr)
        left = len(result.warnings)
        warned = (
            f"; {left} placeholder{'s' if left != 1 else ''} left (build --strict refuses them)"
            if left
            else ""
        )
        _say(
            args,
            f"OK: {result.rendered.pages} pages, every internal link resolves{warned} ({result.seconds:.2f} s)",
        )
        return EXIT_OK
    from .preflight import check_port
    from .serve import serve  # imports the web server only when needed

    check_port(args.host, args.port)  # (before a build, which can take a while)

    return serve(project, host=args.host, port=args.port, open_browser=args.open, quiet=args.quiet)


def _project(
    args: argparse.Namespace,
    placeholders: Literal["skip", "warn", "fail"],
    search: bool = False,
    cards: bool = False,
) -> Project:
    from .pipeline import Project

    return Project(
        src=args.src,
        templates=args.templates,
        out=args.out,
        base_url=args.base_url,
        jobs=args.jobs,
        placeholders=placeholders,
        search=search,
        cards=cards,
    )


def _project_files(args: argparse.Namespace, command: str) -> int:
    """`init`, `templates` and `schema`: files that make or serve a project, not the site."""
    if command == "schema":
        from .schemas import target_of, write_schemas

        if args.folder.exists() and not args.folder.is_dir():
            raise UsageError(
                f"{display_path(args.folder)} is a file: name a folder to write the schemas into"
            )
        for path in write_schemas(args.folder):
            _say(args, f"Wrote {display_path(path)} (for {target_of(path.name)})")
        return EXIT_OK
    from . import newproject
    from .theme import Templates

    if command == "init":
        _say(args, newproject.init(args.folder))
    elif args.names:
        _say(args, newproject.copy_templates(Templates.of(args.templates), args.names))
    else:
        print(newproject.list_templates(Templates.of(args.templates)))
    return EXIT_OK


def _build(args: argparse.Namespace, exit_when_done: bool = False) -> int:
    """Build, unless nothing changed since the last build (see cache.py). `exit_when_done`:
    this is the process's only job, so it ends as soon as the site is written (speedups.exit_now)."""
    started = time.perf_counter()
    from .cache import BuildState, stamps
    from .theme import Templates

    state = BuildState()
    out = args.out.absolute()
    options = {
        "src": str(args.src.absolute()),
        "templates": str(args.templates.absolute()),
        "out": str(out),
        "base_url": args.base_url,
        "strict": args.strict,
        "search": not args.no_search,
        "cards": not args.no_cards,
    }
    inputs = stamps(args.src, *Templates.of(args.templates).layers)
    last = state.unchanged(options, inputs, out)
    if last:
        _say(
            args,
            f"Built {last['pages']} pages ({last['files']} files) into {display_path(out)}/ in "
            f"{time.perf_counter() - started:.2f} s: nothing had changed",
        )
        return EXIT_OK
    from . import speedups

    if exit_when_done:
        # Builds pause the cycle collector (see pipeline._collector_paused), and this process
        # never resumes it: resumed, it made a full pass while the caches were saved (0.73 s
        # at 10,000 events), and its first pass went over everything the build made (0.56 s)
        # just before the process ended.
        speedups.pause_collector()
    from .pipeline import build

    result = build(
        _project(args, "fail" if args.strict else "skip", search=not args.no_search, cards=not args.no_cards),
        state,
    )
    summary = {"pages": result.rendered.pages, "files": result.rendered.count}
    state.save(options, inputs, out, result.rendered.digests, summary)
    drafts = f", {result.site.drafts} draft(s) skipped" if result.site.drafts else ""
    _say(
        args,
        f"Built {result.rendered.pages} pages ({result.rendered.count} files{drafts}) "
        f"into {display_path(out)}/ in {time.perf_counter() - started:.2f} s",
    )
    if exit_when_done:
        speedups.exit_now(EXIT_OK)
    return EXIT_OK


def main(argv: Sequence[str] | None = None, exit_when_done: bool = False) -> int:
    """The command line. `exit_when_done`: called as the process's entry point (build.py,
    `python -m explainer`, the `explainer` command), so a build may end the process itself."""
    command_line = parser()
    args = command_line.parse_args(argv)
    if args.debug or os.environ.get("EXPLAINER_SPEEDUPS"):
        from . import speedups  # (only then: it imports the libraries it tunes)

        problem = speedups.setting_problem()
        if problem:
            command_line.error(problem)
        if args.debug:
            print("\n".join(speedups.report()), file=sys.stderr)
    if args.command == "new":
        from .scaffold import NEW_KINDS  # (only here: it reads the content kinds and their schemas)

        if args.kind not in NEW_KINDS:
            command_line.error(
                f"argument kind: invalid choice: '{args.kind}' (choose from {', '.join(NEW_KINDS)})"
            )
    try:
        return run(args, exit_when_done)
    except BuildFailed as failure:
        print(failure.report(), file=sys.stderr)
        return EXIT_CONTENT
    except (OutputError, ScaffoldError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_CONTENT
    except UsageError as error:
        print(f"{command_line.prog}: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except Exception:
        if args.debug:
            raise
        print(
            "internal error: the build failed in a way it should not; run again with --debug for "
            "the traceback, and please report it:\n  " + traceback.format_exc().strip().splitlines()[-1],
            file=sys.stderr,
        )
        return EXIT_CONTENT


def entry() -> int:
    """The `explainer` command."""
    return main(exit_when_done=True)


if __name__ == "__main__":
    sys.exit(main(exit_when_done=True))
