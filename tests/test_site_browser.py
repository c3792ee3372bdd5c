"""The trend site in a real browser: headless Chromium (Debian's ``chromium``) driven over the DevTools protocol.

A warehouse is built from the seed report and two earlier years made from it (so the charts have a series to
draw), the site is built beside a copy of the inbox, and the folder holding both is served on 127.0.0.1 by
``http.server`` in a thread. The overview and an issuer page are opened; the test checks what a reader would
see: the SVG charts are in the page, nothing is logged as an error (console errors, uncaught exceptions,
failed loads), every request stays on the local server (no network at view time), Chinese headings are drawn
with a CJK font (the platform fonts Chromium reports for the node, so no missing-glyph boxes), and every link
of the issuer page answers 200. Full-page screenshots are saved under the test's tmp folder; their paths are
printed (``pytest -s``).

Needs ``/usr/bin/chromium`` (``apt-get install chromium fonts-noto-cjk``) and the ``websockets`` package;
skips with a message without them.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import http.server
import json
import re
import shutil
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import dagster as dg
import pytest

from pipelines.defs.build import build_all
from pipelines.site import build_site
from pipelines.site.pages import issuer_file
from tests.conftest import SEED

CHROMIUM = Path("/usr/bin/chromium")
KEY = "iss-31340571ef3edd6f"  # 德归镇人民政府 (its issuer_id)
CJK_FONT = re.compile(r"CJK|Source Han|WenQuanYi|Hei|Song|Ming|Droid Sans Fallback", re.IGNORECASE)

pytestmark = pytest.mark.slow


# --------------------------------------------------------------------------------------------------------
# Chromium over the DevTools protocol


class Browser:
    """One headless Chromium with one page, driven over CDP (a WebSocket speaking JSON commands and events).

    ``errors`` collects what the page logged as an error: console.error/assert, uncaught exceptions, and Log
    entries of level error (failed resource loads, CSP violations …). ``requests`` lists every URL the page
    asked for.
    """

    FLAGS = (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-default-apps",
        "--hide-scrollbars",
        "--remote-debugging-port=0",
    )

    def __init__(self, profile: Path, width: int = 1280, height: int = 900) -> None:
        from websockets.sync.client import connect

        self.width = width
        self.process = subprocess.Popen(
            [
                str(CHROMIUM),
                *self.FLAGS,
                f"--user-data-dir={profile}",
                f"--window-size={width},{height}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        port = self._devtools_port()
        page_url = ""
        for _ in range(50):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5) as answer:
                pages = [t for t in json.load(answer) if t.get("type") == "page"]
            if pages:
                page_url = str(pages[0]["webSocketDebuggerUrl"])
                break
            time.sleep(0.1)
        assert page_url, "Chromium opened no page target"
        self._closing = contextlib.ExitStack()
        self.socket = self._closing.enter_context(connect(page_url, max_size=None, open_timeout=10))
        self.next_id = 0
        self.events: list[dict[str, Any]] = []
        for domain in ("Page", "Runtime", "Log", "Network", "DOM", "CSS"):
            self.send(f"{domain}.enable")

    def _devtools_port(self) -> int:
        assert self.process.stderr is not None
        deadline = time.monotonic() + 30
        seen: list[str] = []
        while time.monotonic() < deadline:
            line = self.process.stderr.readline()
            if not line:
                break
            seen.append(line)
            match = re.search(r"DevTools listening on ws://127\.0\.0\.1:(\d+)/", line)
            if match:
                # Keep draining stderr so Chromium never blocks on a full pipe.
                threading.Thread(target=self.process.stderr.read, daemon=True).start()
                return int(match.group(1))
        self.process.kill()
        raise AssertionError("Chromium did not start its DevTools server:\n" + "".join(seen[-20:]))

    def send(self, method: str, timeout: float = 30, **params: Any) -> dict[str, Any]:
        """Run one command and return its result; events arriving meanwhile are kept in ``events``."""
        self.next_id += 1
        self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        deadline = time.monotonic() + timeout
        while True:
            message = json.loads(self.socket.recv(timeout=max(deadline - time.monotonic(), 0.01)))
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise AssertionError(f"{method}: {message['error']}")
                return dict(message.get("result", {}))
            self.events.append(message)

    def wait_for(self, event: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not any(e.get("method") == event for e in self.events):
            self.events.append(json.loads(self.socket.recv(timeout=max(deadline - time.monotonic(), 0.01))))

    def open(self, url: str) -> None:
        """Navigate and wait for the load event (every subresource fetched), then let late events arrive."""
        self.events.clear()
        self.send("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")
        self.evaluate("new Promise(resolve => setTimeout(resolve, 200))")

    def evaluate(self, expression: str) -> Any:
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise AssertionError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    @property
    def errors(self) -> list[str]:
        found = []
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                found.append(f"console.{params['type']}: {params.get('args')}")
            elif method == "Runtime.exceptionThrown":
                found.append(f"exception: {params.get('exceptionDetails')}")
            elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
                entry = params["entry"]
                found.append(f"log {entry.get('source')}: {entry.get('text')} {entry.get('url', '')}")
        return found

    @property
    def requests(self) -> list[str]:
        return [
            str(e["params"]["request"]["url"]) for e in self.events if e.get("method") == "Network.requestWillBeSent"
        ]

    def fonts_of(self, selector: str) -> list[str]:
        """The platform fonts Chromium drew the first ``selector`` node's text with (family names)."""
        root = self.send("DOM.getDocument", depth=-1)["root"]["nodeId"]
        node = self.send("DOM.querySelector", nodeId=root, selector=selector)["nodeId"]
        assert node, f"no {selector} on the page"
        fonts = self.send("CSS.getPlatformFontsForNode", nodeId=node)["fonts"]
        return [str(f["familyName"]) for f in fonts]

    def screenshot(self, path: Path) -> Path:
        """The whole page (not just the window) as a PNG."""
        metrics = self.send("Page.getLayoutMetrics")
        height = int(min(metrics["cssContentSize"]["height"], 12000))
        self.send(
            "Emulation.setDeviceMetricsOverride", width=self.width, height=height, deviceScaleFactor=1, mobile=False
        )
        data = self.send("Page.captureScreenshot", format="png", captureBeyondViewport=True)["data"]
        self.send("Emulation.clearDeviceMetricsOverride")
        path.write_bytes(base64.b64decode(data))
        return path

    def close(self) -> None:
        try:
            self._closing.close()
        finally:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the test prints its own findings."""


def serve(root: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """``root`` over HTTP on 127.0.0.1 at a free port, in a daemon thread; returns the server and its base URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


# --------------------------------------------------------------------------------------------------------
# Fixtures


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The base URL of a folder holding ``raw/`` (the inbox) and ``site/`` (built from it), and that folder."""
    if not CHROMIUM.exists():
        pytest.skip(
            f"{CHROMIUM} not found: install Debian's chromium and fonts-noto-cjk (apt-get install -y "
            "chromium fonts-noto-cjk) to run the browser test"
        )
    pytest.importorskip("websockets", reason="the browser test drives Chromium over CDP with the websockets package")
    root = tmp_path_factory.mktemp("site_browser")
    raw = root / "raw"
    raw.mkdir()
    seed = SEED.read_text(encoding="utf-8")
    shutil.copy(SEED, raw / SEED.name)
    (raw / "德归镇人民政府_2021.txt").write_text(
        seed.replace("2023", "2021").replace("行政许可\t215", "行政许可\t96"), encoding="utf-8"
    )
    (raw / "德归镇人民政府_2022.txt").write_text(
        seed.replace("2023", "2022").replace("行政许可\t215", "行政许可\t180"), encoding="utf-8"
    )
    runs = build_all(raw, root / "out", dg.DagsterInstance.ephemeral())
    assert runs[-1].success
    build_site(root / "out" / "warehouse" / "xxgk.duckdb", root / "site", raw)
    server, base = serve(root)
    try:
        yield base, root
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory, served: tuple[str, Path]) -> Iterator[Browser]:
    one = Browser(tmp_path_factory.mktemp("chromium_profile"))
    try:
        yield one
    finally:
        one.close()


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value and not value.startswith(("#", "data:")):
                self.hrefs.append(value)


# --------------------------------------------------------------------------------------------------------
# Tests


@pytest.mark.parametrize(("name", "path", "charts"), [("overview", "site/index.html", 8), ("issuer", None, 6)])
def test_page_renders_charts_and_chinese_without_errors_or_network(
    browser: Browser, served: tuple[str, Path], tmp_path: Path, name: str, path: str | None, charts: int
) -> None:
    base, _ = served
    url = base + (path or "site/" + issuer_file(KEY))
    browser.open(url)

    assert browser.errors == [], browser.errors
    outside = [u for u in browser.requests if not u.startswith((base, "data:"))]
    assert outside == [], f"the page asked the network for {outside}"
    assert browser.evaluate("document.characterSet") == "UTF-8"
    assert browser.evaluate("document.querySelectorAll('svg.chart').length") >= charts
    # Bars or dots were drawn, and the stylesheet applied (the charts' grid is laid out).
    assert browser.evaluate("document.querySelectorAll('svg.chart rect, svg.chart circle').length") > 0
    assert browser.evaluate("getComputedStyle(document.querySelector('.charts')).display") == "grid"
    heading = browser.evaluate("document.querySelector('h1').textContent")
    assert re.search(r"[\u4e00-\u9fff]", heading), heading
    fonts = browser.fonts_of("h1")
    assert any(CJK_FONT.search(f) for f in fonts), f"h1 {heading!r} drawn with {fonts}: no CJK font installed?"
    shot = browser.screenshot(tmp_path / f"{name}.png")
    assert shot.stat().st_size > 10_000
    print(f"\nscreenshot of {url}: {shot} (h1 fonts: {fonts})")


def test_every_link_of_the_issuer_page_answers(browser: Browser, served: tuple[str, Path]) -> None:
    base, _ = served
    url = base + "site/" + issuer_file(KEY)
    with urllib.request.urlopen(url, timeout=10) as answer:
        parser = _Links()
        parser.feed(answer.read().decode("utf-8"))
    assert any("raw/" in href for href in parser.hrefs), "no figure links to its raw file"
    for href in sorted(set(parser.hrefs)):
        target = urljoin(url, href)
        assert urlsplit(target).netloc == urlsplit(base).netloc, href
        with urllib.request.urlopen(target.split("#")[0], timeout=10) as answer:
            assert answer.status == 200, (href, unquote(target))
