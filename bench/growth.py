"""Linear growth: cold builds at N and 2N events, interleaved.

    python bench/growth.py --events 10000 [--pairs 2] [--seed 1]

A shared machine's speed drifts by the hour (see README.md), so cold builds of N and of 2N
events measured at different times do not compare. Here they alternate (N, 2N, N, 2N, ...),
each a whole `python build.py` from scratch as in build_bench.py, and the ratio is taken per
pair. The last line printed is one JSON object: the cold seconds of each size, every pair's
ratio, and their median (the issue asks for at most 2.2).
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
sys.path.insert(0, str(REPO / "bench"))

from build_bench import cold_run  # noqa: E402
from synth import synthesize  # noqa: E402


def cold(root: Path) -> float:
    seconds, _, printed = cold_run(root)
    print(f"{root.name}: cold {seconds:.2f} s: {printed}", flush=True)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, required=True, help="N (the larger site has 2N)")
    parser.add_argument("--pairs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="growth-"))
    sizes = (args.events, 2 * args.events)
    roots = {size: work / f"events-{size}" for size in sizes}
    for size, root in roots.items():
        shutil.copytree(REPO / "templates", root / "templates")
        synthesize(root / "site_src", size, args.seed)
    seconds: dict[int, list[float]] = {size: [] for size in sizes}
    for _ in range(args.pairs):
        for size in sizes:
            seconds[size].append(cold(roots[size]))
    ratios = [large / small for small, large in zip(seconds[sizes[0]], seconds[sizes[1]], strict=True)]
    shutil.rmtree(work, ignore_errors=True)
    print(
        json.dumps(
            {
                "events": list(sizes),
                "cold_s": {str(size): [round(s, 2) for s in seconds[size]] for size in sizes},
                "ratios": [round(r, 2) for r in ratios],
                "median_ratio": round(statistics.median(ratios), 2),
            }
        )
    )


if __name__ == "__main__":
    main()
