"""The real `serve` on a free loopback port, driven by the LiveReload websocket and by Chromium.

Every wait is on an event (a line printed, a websocket message, a page load), never a fixed sleep.
"""

from __future__ import annotations

import json
import queue
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import websocket
from browser import CONNECTED_FLAG, free_port
from conftest import REPO, Project

READY = "Serving the preview at "

PROC = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc (Linux)")


class Server:
    """`python build.py serve` in its own process, with its output readable line by line."""

    def __init__(self, project: Project, port: int, *extra: str):
        self.project, self.port = project, port
        self.url = f"http://127.0.0.1:{port}/"
        self.process = subprocess.Popen(
            [sys.executable, "-u", str(REPO / "build.py"), "serve", "--port", str(port), *extra],
            cwd=project.root,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put("")  # the process has ended

    def wait_for(self, text: str, timeout: float = 30) -> str:
        """Block until the server prints a line containing `text`."""
        seen = []
        while True:
            try:
                line = self.lines.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(f"no line with {text!r} in {timeout} s; got {seen}") from None
            seen.append(line)
            if text in line:
                return line
            if line == "" and self.process.poll() is not None:
                raise AssertionError(f"server exited; output: {seen}")

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def server(project: Project) -> Iterator[Server]:
    running = Server(project, free_port())
    running.wait_for(READY)
    yield running
    running.stop()


def livereload_client(server: Server) -> websocket.WebSocket:
    """A LiveReload protocol client, registered for reloads like a browser tab."""
    client = websocket.create_connection(f"ws://127.0.0.1:{server.port}/livereload", timeout=10)
    client.send(json.dumps({"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]}))
    assert json.loads(client.recv())["command"] == "hello"
    client.send(json.dumps({"command": "info", "url": server.url, "plugins": {}}))
    return client


def edit(project: Project, relative: str, old: str, new: str) -> None:
    path = project.src / relative
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_serves_the_site_with_the_livereload_script(server: Server) -> None:
    status, page = server.get("timeline/index.html")
    assert status == 200 and "<h1>Timeline</h1>" in page and "livereload.js" in page
    status, page = server.get("no/such/page/")
    assert status == 404 and "Page not found" in page and "livereload.js" in page


def test_nothing_outside_the_site_can_be_fetched(server: Server) -> None:
    for path in [
        "../site_src/site.yaml",
        "%2e%2e/%2e%2e/etc/passwd",
        "..%2fsite_src%2fsite.yaml",
        "/etc/passwd",
    ]:
        status, body = server.get(path)
        assert status == 404 and "title:" not in body and "root:" not in body


def test_serve_builds_into_its_own_folder_never_output(server: Server) -> None:
    assert (server.project.root / ".preview/index.html").is_file()
    assert not server.project.out.exists()


def test_an_edit_sends_a_reload_over_the_websocket(server: Server) -> None:
    client = livereload_client(server)
    edit(server.project, "events/doha-round.md", "For two days", "Over two days")
    message = json.loads(client.recv())
    assert message["command"] == "reload"
    assert "Over two days" in server.get("timeline/doha-round/index.html")[1]
    client.close()


def test_a_first_template_override_is_picked_up(server: Server) -> None:
    """The project had no templates/ when serving began: the folder and a template made in it
    later (copied from the defaults, then changed) still reach the browser."""
    assert not (server.project.root / "templates").exists()
    client = livereload_client(server)
    override = server.project.template("page.html")
    override.write_text(
        override.read_text().replace("{% block content %}", "{% block content %}<p>Ours</p>", 1)
    )
    for _ in range(5):  # (a reload comes once a page changed; a half-written copy may show first)
        assert json.loads(client.recv())["command"] == "reload"
        if "<p>Ours</p>" in server.get("background/index.html")[1]:
            break
    assert "<p>Ours</p>" in server.get("background/index.html")[1]
    client.close()


def test_open_data_and_the_mirror_follow_an_edit(server: Server) -> None:
    """The pages come first; the open data files and .preview/ follow once the tab has them."""
    client = livereload_client(server)
    edit(server.project, "events/doha-round.md", "For two days", "Over two days")
    assert json.loads(client.recv())["command"] == "reload"
    mirrored = server.project.root / ".preview/data/events.json"
    for _ in range(100):  # (settling starts half a second after the reload)
        served = server.get("data/events.json")[1]
        if "Over two days" in served and "Over two days" in mirrored.read_text():
            break
        time.sleep(0.1)
    assert "Over two days" in served and "For two days" not in served
    assert "Over two days" in mirrored.read_text()
    client.close()


def test_two_saves_half_a_second_apart_both_reload(server: Server) -> None:
    client = livereload_client(server)
    edit(server.project, "events/doha-round.md", "For two days", "First save")
    assert json.loads(client.recv())["command"] == "reload"
    timer = threading.Timer(0.5, edit, (server.project, "events/doha-round.md", "First save", "Second save"))
    timer.start()
    assert json.loads(client.recv())["command"] == "reload"
    assert "Second save" in server.get("timeline/doha-round/index.html")[1]
    client.close()


def test_a_burst_of_saves_gives_one_rebuild(server: Server) -> None:
    client = livereload_client(server)
    actors = sorted((server.project.src / "actors").glob("*.md"))
    for index, path in enumerate(actors):
        path.write_text(path.read_text() + f"\nAppended in a burst, number {index}.\n")
    assert json.loads(client.recv())["command"] == "reload"
    assert server.wait_for("Built in").endswith(f"{len(actors)} files read")
    client.settimeout(1.0)
    with pytest.raises(websocket.WebSocketTimeoutException):
        client.recv()  # no second reload for the same burst
    client.close()


@PROC
def test_listens_on_loopback_only(server: Server) -> None:
    port_hex = f"{server.port:04X}"
    listening = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for row in Path(table).read_text().splitlines()[1:]:
            fields = row.split()
            if fields[1].endswith(":" + port_hex) and fields[3] == "0A":  # 0A: LISTEN
                listening.append(fields[1].split(":")[0])
    assert listening == ["0100007F"]  # 127.0.0.1, and nothing else


def test_taken_port_is_a_one_line_error(project: Project) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, str(REPO / "build.py"), "serve", "--port", str(port)],
            cwd=project.root,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 2, "a usage error"
    errors = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(errors) == 1
    assert errors[0].startswith(
        f"build.py: error: port {port} on 127.0.0.1 is already in use (another preview?); try --port "
    )
    suggested = int(errors[0].rsplit("--port ", 1)[1].split(",")[0])
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", suggested))  # (it was free when suggested)
    assert "Traceback" not in done.stdout + done.stderr
    assert not (project.root / ".preview").exists(), "told before building"


@pytest.fixture
def tab(chromium, server: Server):
    """A Chromium tab on the preview, connected to LiveReload."""
    context = chromium.new_context()
    page = context.new_page()
    page.problems = []
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    page.add_init_script(CONNECTED_FLAG)

    def open_page(path: str):
        page.goto(server.url + path)
        page.wait_for_function("window.liveReloadConnected === true")
        return page

    yield open_page
    context.close()


@pytest.mark.browser
def test_an_edit_reloads_the_tab_with_the_new_content(tab, server: Server) -> None:
    page = tab("timeline/doha-round/index.html")
    with page.expect_event("load"):
        edit(
            server.project,
            "events/doha-round.md",
            "title: Mediators and Israel meet in Doha",
            "title: Talks open in Doha",
        )
    assert page.locator("h1").inner_text() == "Talks open in Doha"
    assert page.problems == []


@pytest.mark.browser
def test_a_broken_edit_shows_the_errors_over_the_last_good_page_and_the_fix_clears_them(
    tab, server: Server
) -> None:
    page = tab("timeline/doha-round/index.html")
    with page.expect_event("load"):
        edit(
            server.project,
            "events/doha-round.md",
            "actors: [william-burns,",
            "actors: [<b>nobody</b>, william-burns,",
        )
    overlay = page.locator("#explainer-errors")
    assert overlay.is_visible()
    text = overlay.inner_text()
    assert "site_src/events/doha-round.md:" in text and "<b>nobody</b>" in text  # shown as text, escaped
    assert page.locator("#explainer-errors b").count() == 0
    assert page.locator("h1").inner_text() == "Mediators and Israel meet in Doha"  # the last good content
    server.wait_for("still serving the last good site")
    with page.expect_event("load"):
        edit(
            server.project,
            "events/doha-round.md",
            "actors: [<b>nobody</b>, william-burns,",
            "actors: [william-burns,",
        )
    assert page.locator("#explainer-errors").count() == 0


@pytest.mark.browser
def test_a_template_error_keeps_the_server_running(tab, server: Server) -> None:
    page = tab("index.html")
    template = server.project.template("home.html")
    original = template.read_text()
    with page.expect_event("load"):
        template.write_text(original.replace("{% endblock %}", "{% endblok %}", 1))
    assert "templates/home.html:" in page.locator("#explainer-errors").inner_text()
    with page.expect_event("load"):
        template.write_text(original.replace("In brief", "Briefly"))
    assert page.locator("#explainer-errors").count() == 0


@pytest.mark.browser
def test_the_404_page_reloads_too(tab, server: Server) -> None:
    page = tab("timeline/not-yet-written/index.html")
    assert page.locator("h1").inner_text() == "Page not found"
    with page.expect_event("load"):
        server.project.write(
            "events/not-yet-written.md",
            "---\ntitle: Written at last\ndate: 2024-06-26\nsources: [ap-2024-08-19]\n---\nNow here [@ap-2024-08-19].\n",
        )
    assert page.locator("h1").inner_text() == "Written at last"


def _resources(pid: int) -> tuple[int, int]:
    """Resident memory (KiB) and open file descriptors of a process."""
    status = Path(f"/proc/{pid}/status").read_text()
    rss = int(next(line for line in status.splitlines() if line.startswith("VmRSS:")).split()[1])
    return rss, len(list(Path(f"/proc/{pid}/fd").iterdir()))


@PROC
def test_a_thousand_rapid_saves_leave_the_server_answering_and_bounded(server: Server) -> None:
    path = server.project.src / "events/doha-round.md"
    original = path.read_text()
    broken = "---\ntitle: [unclosed\n---\n"

    def churn(saves: range) -> None:
        for save in saves:
            path.write_text(broken if save % 7 == 3 else original + f"\nSave number {save}.\n")
            if save % 50 == 49:  # let a rebuild happen now and then, good or broken
                server.wait_for(" ")

    churn(range(100))  # warm up caches before the baseline
    baseline = _resources(server.process.pid)
    churn(range(100, 1100))
    path.write_text(original + "\nThe final save.\n")
    for _ in range(200):  # each turn waits for the server to report a build
        if "The final save." in server.get("timeline/doha-round/index.html")[1]:
            break
        server.wait_for("Built in")
    status, page = server.get("timeline/doha-round/index.html")
    assert status == 200 and "The final save." in page and "explainer-errors" not in page
    rss, fds = _resources(server.process.pid)
    print(f"after 1,000 saves: RSS {baseline[0]} -> {rss} KiB, open files {baseline[1]} -> {fds}")
    assert rss - baseline[0] < 50 * 1024
    assert fds - baseline[1] <= 5
