"""What each speedup (explainer/speedups.py) saves: cold builds of one synthetic site with all
speedups on, with all off, and with each one off in turn, interleaved run by run.

    python bench/speedups_bench.py --events 10000 [--runs 3] [--seed 1] [--only NAME ...]

A speedup's saving is the median cold build without it, less the median with all on, as a
share of the latter; one that saves less than 3 % goes. Run it from a checkout nothing edits
meanwhile (a `git worktree`): each build runs the code of the tree this file is in.
The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from build_bench import cold_run  # noqa: E402
from synth import synthesize  # noqa: E402

from explainer.speedups import ENV_SWITCH, SPEEDUPS  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", nargs="+", metavar="NAME", help="time only these off (and all on)")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix=f"bench-speedups-{args.events}-"))
    shutil.copytree(REPO / "templates", root / "templates")
    synthesize(root / "site_src", args.events, args.seed)
    names = args.only or [speedup.name for speedup in SPEEDUPS]
    settings = {
        "all on": "",
        **({} if args.only else {"all off": "0"}),
        **{f"-{name}": f"-{name}" for name in names},
    }
    seconds: dict[str, list[float]] = {label: [] for label in settings}
    peak: dict[str, float] = dict.fromkeys(settings, 0.0)
    for run in range(args.runs):
        for label, setting in settings.items():
            took, rss, _ = cold_run(root, env={ENV_SWITCH: setting})
            seconds[label].append(took)
            peak[label] = max(peak[label], rss)
            print(f"run {run + 1}, {label}: cold {took:.2f} s, {rss:.0f} MiB", flush=True)
    medians = {label: statistics.median(values) for label, values in seconds.items()}
    base = medians["all on"]
    summary: dict[str, object] = {"events": args.events, "runs": args.runs, "all_on_s": round(base, 2)}
    for label, median in medians.items():
        saving = (median - base) / base * 100
        summary[label] = {
            "cold_s": round(median, 2),
            "saves_pct": round(saving, 1),
            "peak_mb": round(peak[label]),
        }
        print(f"{label:>28}: {median:6.2f} s  saves {saving:5.1f} %  peak {peak[label]:.0f} MiB")
    shutil.rmtree(root, ignore_errors=True)
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
