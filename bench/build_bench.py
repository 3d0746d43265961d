"""Build speed at scale: the real CLI on a synthetic site of N events.

    python bench/build_bench.py --events 10000 [--runs 3] [--seed 1]
    python bench/build_bench.py --events 10000 --against a62f569 [--runs 3]

With --against REF: the same synthetic site built by this tree and by commit REF (extracted
from git into a temporary folder, with its own templates), cold then no-op, the two
interleaved run by run so both meet the machine in the same state; prints each build's
medians and this tree's ratio to REF's (a figure from another day compares nothing).

Figures (median of --runs, seconds):
  cold_s      `python build.py` as a whole process, from scratch: no output/, no cache (each
              run's output is moved aside and deleted at the end, see cold_run)
  noop_s      the same command again, nothing changed (the persistent cache in .cache/ is used)
  one_edit_s  one event's text changed, rebuilt through serve's own Preview (a warm Builder)
              until the new pages can be served; what serve does after the tabs reloaded
              (the open data files, the mirror into .preview/, a garbage collection) is
              printed per run
  template_s  the same after one template changed
  *_process_s with --process-edits: the same two edits, each as a whole `python build.py`
  peak_rss_mb the most memory a cold build used (the build and its worker process)
  bare_loop_ms_per_page  this machine's speed at the time, by the issue's yardstick (see
              bare_loop.py; the anchors' machine: 1.54), measured before the builds
The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from bare_loop import bare_loop_ms_per_page  # noqa: E402
from synth import synthesize  # noqa: E402

from explainer.pipeline import Project  # noqa: E402
from explainer.serve import Preview  # noqa: E402


def run_cli(root: Path, code: Path = REPO, env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """One `python build.py` of the tree `code` in `root` (with `env` added to the environment):
    seconds, peak RSS in MiB, and what it printed."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, str(code / "build.py")],
        cwd=root,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = process.stdout.read() if process.stdout else ""
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"the build failed:\n{output}")
    return seconds, usage.ru_maxrss / 1024, output.strip()


def cold_run(root: Path, code: Path = REPO, env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """run_cli from scratch: no cache, no output. The last output is moved aside, not deleted
    (the caller deletes `root` at the end): on this VM, deleting 12,000 files just before a
    build made the build's own file creation slower, run after run (see README.md)."""
    shutil.rmtree(root / ".cache", ignore_errors=True)
    if (root / "output").exists():
        (root / "output").rename(Path(tempfile.mkdtemp(prefix=".old-output-", dir=root)) / "output")
    return run_cli(root, code, env)


def compare_against(ref: str, events: int, runs: int, seed: int) -> dict[str, object]:
    """Cold and no-op builds of one synthetic site by this tree and by commit `ref`, interleaved."""
    work = Path(tempfile.mkdtemp(prefix=f"bench-against-{events}-"))
    theirs_code = work / "code"
    theirs_code.mkdir()
    archive = subprocess.run(["git", "-C", str(REPO), "archive", ref], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(theirs_code)], input=archive, check=True)
    trees = {"this tree": (REPO, work / "ours"), ref: (theirs_code, work / "theirs")}
    for code, root in trees.values():
        synthesize(root / "site_src", events, seed)
        shutil.copytree(code / "templates", root / "templates")
    figures: dict[str, dict[str, list[float]]] = {name: {"cold": [], "noop": [], "rss": []} for name in trees}
    for run in range(runs):
        for name, (code, root) in trees.items():
            seconds, rss, printed = cold_run(root, code)
            noop, _, _ = run_cli(root, code)
            figures[name]["cold"].append(seconds)
            figures[name]["noop"].append(noop)
            figures[name]["rss"].append(rss)
            print(
                f"run {run + 1}, {name}: cold {seconds:.2f} s, {rss:.0f} MiB, noop {noop:.2f} s: {printed}",
                flush=True,
            )
    summary: dict[str, object] = {"events": events, "against": ref}
    for name, values in figures.items():
        label = "ours" if name == "this tree" else "theirs"
        summary[f"{label}_cold_s"] = round(statistics.median(values["cold"]), 3)
        summary[f"{label}_noop_s"] = round(statistics.median(values["noop"]), 3)
        summary[f"{label}_peak_rss_mb"] = round(max(values["rss"]))
    for kind in ("cold", "noop"):
        summary[f"{kind}_ratio"] = round(summary[f"ours_{kind}_s"] / summary[f"theirs_{kind}_s"], 3)  # type: ignore[operator]
    shutil.rmtree(work, ignore_errors=True)
    return summary


def edit_event(root: Path, count: int) -> None:
    path = root / "site_src/events/event-00042.md"
    path.write_text(
        path.read_text(encoding="utf-8") + f"\nOne more sentence, edit number {count}.\n", encoding="utf-8"
    )


def edit_template(root: Path, count: int) -> None:
    path = root / "templates/event.html"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("</article>", f"<!-- edit {count} --></article>", 1), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--process-edits", action="store_true", help="also time the edits as whole processes")
    parser.add_argument("--against", metavar="REF", help="compare with the build of this git commit")
    args = parser.parse_args()
    if args.against:
        print(json.dumps(compare_against(args.against, args.events, args.runs, args.seed)))
        return

    machine = bare_loop_ms_per_page(1000)
    print(
        f"this machine: the bare loop takes {machine:.2f} ms a page (the anchors' machine: 1.54)", flush=True
    )
    root = Path(tempfile.mkdtemp(prefix=f"bench-{args.events}-"))
    shutil.copytree(REPO / "templates", root / "templates")
    synthesize(root / "site_src", args.events, args.seed)
    figures: dict[str, list[float]] = {
        name: [] for name in ("cold", "noop", "one_edit", "template", "one_edit_process", "template_process")
    }
    peak = 0.0
    pages = 0
    for run in range(args.runs):
        seconds, rss, printed = cold_run(root)
        figures["cold"].append(seconds)
        peak = max(peak, rss)
        pages = int(printed.split()[1])
        print(f"run {run + 1}: cold {seconds:.2f} s, {rss:.0f} MiB: {printed}", flush=True)
        seconds, _, printed = run_cli(root)
        figures["noop"].append(seconds)
        print(f"run {run + 1}: noop {seconds:.2f} s: {printed}", flush=True)
        if args.process_edits:
            edit_event(root, run)
            seconds, _, printed = run_cli(root)
            figures["one_edit_process"].append(seconds)
            print(f"run {run + 1}: one edit, whole process {seconds:.2f} s: {printed}", flush=True)
            edit_template(root, run)
            seconds, _, printed = run_cli(root)
            figures["template_process"].append(seconds)
            print(f"run {run + 1}: template, whole process {seconds:.2f} s: {printed}", flush=True)

    # The incremental path `serve` uses (its Preview, with a Builder kept warm): an edit is
    # timed until the new pages can be served; serve reloads the tabs then, and only later
    # settles (open data files, .preview/, garbage collection), which is printed apart.
    preview = Preview(
        Project(root / "site_src", root / "templates", root / "output"), root / ".preview", print
    )
    preview.build_now()
    preview.mirror()
    preview.say = lambda text: None
    for run in range(args.runs):
        for name, edit in (("one_edit", edit_event), ("template", edit_template)):
            edit(root, 100 + run)
            figures[name].append(preview.build_now())
            if preview.errors:
                raise SystemExit("the rebuild failed:\n" + "\n".join(map(str, preview.errors)))
            started = time.perf_counter()
            preview.settle()
            settled = time.perf_counter() - started
            print(
                f"run {run + 1}: {name} (incremental) {figures[name][-1]:.3f} s; "
                f"then open data, mirror and collection in {settled:.3f} s",
                flush=True,
            )

    summary: dict[str, object] = {"events": args.events, "pages": pages}
    for name in ("cold", "noop", "one_edit", "template"):
        summary[f"{name}_s"] = round(statistics.median(figures[name]), 3)
    summary["peak_rss_mb"] = round(peak)
    summary["bare_loop_ms_per_page"] = round(machine, 2)
    for name in ("one_edit_process", "template_process"):
        if figures[name]:
            summary[f"{name}_s"] = round(statistics.median(figures[name]), 3)
    shutil.rmtree(root, ignore_errors=True)
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
