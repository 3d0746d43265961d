"""Save-to-updated-page latency of `python build.py serve`, measured in a real headless Chromium.

For each save: note the wall-clock time, change one event's text on disk, and wait for the open
tab to reload; then pause (default 1 s, an editor's pace) so the next save finds both idle. The latency is the moment the reloaded page's DOM was ready (from the page's own
Navigation Timing) minus the moment of the save. Prints every sample, then the median and spread,
and as its last line one JSON object.

    python bench/serve_bench.py [--saves 15] [--page timeline/doha-round/index.html]
"""

from __future__ import annotations

import argparse
import json
import queue
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from browser import CHROMIUM, CHROMIUM_ARGS, CONNECTED_FLAG, free_port  # noqa: E402  (shared with the tests)


def start_server(root: Path, port: int) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-u", str(REPO / "build.py"), "serve", "--port", str(port)],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        for line in process.stdout or []:
            lines.put(line)
            if "Built in" in line:
                print("   server:", line.strip(), flush=True)

    threading.Thread(target=pump, daemon=True).start()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if "Serving the preview" in lines.get(timeout=1):
                return process
        except queue.Empty:
            if process.poll() is not None:
                break
    process.kill()
    raise SystemExit("the server did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--saves", type=int, default=15)
    parser.add_argument("--page", default="timeline/doha-round/index.html")
    parser.add_argument("--file", default="events/doha-round.md", help="the file edited on each save")
    parser.add_argument("--pause", type=float, default=1.0, help="seconds between a reload and the next save")
    args = parser.parse_args()

    root = Path(tempfile.mkdtemp(prefix="serve-bench-"))
    shutil.copytree(REPO / "site_src", root / "site_src")
    shutil.copytree(REPO / "templates", root / "templates")
    edited = root / "site_src" / args.file
    original = edited.read_text(encoding="utf-8")
    port = free_port()
    server = start_server(root, port)
    samples: list[float] = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.add_init_script(CONNECTED_FLAG)
            page.goto(f"http://127.0.0.1:{port}/{args.page}")
            page.wait_for_function("window.liveReloadConnected === true")
            for save in range(0, args.saves + 1):  # save 0 warms up and is not counted
                marker = f"Benchmark save number {save}."
                with page.expect_event("load"):
                    saved_at = time.time() * 1000
                    edited.write_text(original.rstrip("\n") + f"\n\n{marker}\n", encoding="utf-8")
                ready_at = page.evaluate(
                    "performance.timeOrigin + performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd"
                )
                started_at = page.evaluate("performance.timeOrigin")
                print(
                    f"   reload began after {started_at - saved_at:.0f} ms, page ready {ready_at - started_at:.0f} ms later"
                )
                if marker not in page.content():
                    raise SystemExit(f"save {save}: the reloaded page does not show the edit")
                if save:
                    samples.append(ready_at - saved_at)
                print(
                    f"save {save:2d}: {ready_at - saved_at:6.1f} ms{'' if save else ' (warm-up)'}", flush=True
                )
                page.wait_for_function("window.liveReloadConnected === true")
                time.sleep(args.pause)  # an editor's pace: the tab and the server are idle again
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(root, ignore_errors=True)
    ordered = sorted(samples)
    summary = {
        "saves": len(samples),
        "median_ms": round(statistics.median(samples), 1),
        "min_ms": round(ordered[0], 1),
        "p90_ms": round(ordered[int(0.9 * (len(ordered) - 1))], 1),
        "max_ms": round(ordered[-1], 1),
        "stdev_ms": round(statistics.stdev(samples), 1),
    }
    print(
        f"save -> updated page: median {summary['median_ms']} ms, min {summary['min_ms']}, p90 {summary['p90_ms']}, max {summary['max_ms']} ms"
    )
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
