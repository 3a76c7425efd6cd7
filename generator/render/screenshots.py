"""`make screenshots`: PNGs of a department-year page at 390 px (phone) and 1280 px.

    python -m generator.render.screenshots [BUILD_DIR] [--out DIR] [--page budgets/<doc_id>/]

Serves BUILD_DIR (default `build/`) on a local port and drives headless Chromium
(Playwright with Debian's /usr/bin/chromium, or $CHROMIUM). Writes
`<out>/document-390.png` and `<out>/document-1280.png` (default out: `build-screenshots/`).
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
import threading
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
WIDTHS = (390, 1280)


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:
        pass


@contextmanager
def serve(directory: Path, prefix: str = ""):
    """Serve `directory` on 127.0.0.1 (under `prefix` when it is a subfolder); yields the base URL."""
    handler = functools.partial(QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/{prefix}"
    finally:
        server.shutdown()
        server.server_close()


def launch(playwright):
    return playwright.chromium.launch(
        executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"), args=CHROMIUM_ARGS)


def first_document(build_dir: Path) -> str:
    pages = sorted(p.parent.name for p in (build_dir / "budgets").glob("*/index.html"))
    if not pages:
        raise SystemExit(f"{build_dir}: no department-year page (build the site first)")
    return f"budgets/{pages[0]}/"


def take(build_dir: Path, out_dir: Path, page: str | None = None) -> list[Path]:
    from playwright.sync_api import sync_playwright

    page = page or first_document(build_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with serve(build_dir) as base, sync_playwright() as p:
        browser = launch(p)
        for width in WIDTHS:
            context = browser.new_context(viewport={"width": width, "height": 900},
                                          device_scale_factor=1, locale="zh-CN")
            tab = context.new_page()
            tab.goto(base + page, wait_until="load")
            target = out_dir / f"document-{width}.png"
            tab.screenshot(path=str(target), full_page=True)
            written.append(target)
            context.close()
        browser.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("build_dir", nargs="?", default="build")
    parser.add_argument("--out", default="build-screenshots")
    parser.add_argument("--page", help="site path of the page, e.g. budgets/<doc_id>/")
    args = parser.parse_args(argv)
    for path in take(Path(args.build_dir), Path(args.out), args.page):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
