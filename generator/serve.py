"""`serve`: build, serve build/ with live reload, rebuild on change (as MkDocs serve and Hugo).

watch(content/, templates/, site.toml) → debounce → rebuild what changed → reload.

Builds run one at a time in a background thread, DEBOUNCE after the last file event (an
editor's save is often several events: write a temporary file, rename it into place). An
edit is shown before the bulk downloads under data/ and the search index are redone
(`DEFERRED`: at a province they take most of a rebuild): those are linked from the last
build, then brought up to date by a build of their own once no file has changed for
REFRESH_AFTER seconds, without reloading the open pages (a save meanwhile waits for it).
A build writes to a staging folder and swaps it in atomically, so the server only ever
serves a whole site. When a build fails, the last good site stays on disk and every page
is answered with an error page showing the message with file:line, until a build succeeds.

Open pages reload by Server-Sent Events (`/__reload`): the server adds a small script to
each HTML response — never to the files in build/ — that knows the build generation the
page was served from and reloads when the server announces another one. The search page
also reloads when the search index alone was brought up to date (`SiteState.index`).
"""

from __future__ import annotations

import functools
import html
import os
import re
import sys
import threading
import time
import traceback
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from .build import SEARCH_INDEX, BuildReport, build
from .config import Config, ConfigError, load_config
from .incremental import ParseCache, cache_dir

RELOAD_PATH = "/__reload"
DEBOUNCE = 0.1  # seconds without file events before a rebuild starts
# What an edit's rebuild leaves as the last build had it: the bulk downloads ("data") and
# the search index, which at a province take most of a rebuild.
DEFERRED = frozenset({"data", SEARCH_INDEX})
REFRESH_AFTER = 2.0  # seconds without file events before the deferred units are rebuilt
HEARTBEAT = 15.0  # seconds between keep-alive comments on an idle reload stream
# Editors' swap, backup and lock files: never a change to the site by themselves.
SCRATCH = re.compile(r"(^\.|^#|~$|\.sw[a-p]$|\.tmp$|^4913$)")
RELOAD_SCRIPT = """<script>(() => {{
  const built = {generation}, index = {index};
  const events = new EventSource("{path}");
  events.onmessage = (e) => {{
    const [pages, search] = e.data.split(" ").map(Number);
    if (pages !== built || (index >= 0 && search !== index)) location.reload();
  }};
}})();</script>"""
SEARCH_PAGES = ("search/", "search/index.html")  # reloaded when the search index changes
ERROR_PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>构建失败</title>
<style>body{{font:15px/1.5 system-ui,sans-serif;margin:2rem;color:#1d2329}}
pre{{background:#fff4f4;border-left:4px solid #c0392b;padding:1rem;white-space:pre-wrap}}</style>
</head><body><h1>构建失败</h1>
<p>上一次成功的构建仍在使用；错误修正后本页会自动刷新。</p>
<pre id="build-error">{message}</pre>{script}</body></html>"""


class ServeError(Exception):
    """The preview cannot start (e.g. its address is in use): a message for the user."""


class SiteState:
    """What the server shows: the build generation (bumped on every change), the search
    index's (bumped when a build brought it alone up to date) and the last error."""

    def __init__(self) -> None:
        self.generation = 0
        self.index = 0
        self.error: str | None = None
        self.closing = False
        self.changed = threading.Condition()

    def snapshot(self) -> tuple[int, int, str | None]:
        with self.changed:
            return self.generation, self.index, self.error

    def update(self, error: str | None, site_changed: bool, index_changed: bool = False) -> None:
        with self.changed:
            if index_changed:
                self.index += 1
                self.changed.notify_all()
            if site_changed or error != self.error:
                self.generation += 1
                self.error = error
                self.changed.notify_all()

    def wait(self, seen: tuple[int, int] | None, timeout: float) -> tuple[int, int]:
        """(generation, index) once it differs from `seen` (or after `timeout`)."""
        with self.changed:
            self.changed.wait_for(lambda: (self.generation, self.index) != seen or self.closing,
                                  timeout)
            return self.generation, self.index

    def close(self) -> None:
        with self.changed:
            self.closing = True
            self.changed.notify_all()


def describe_error(exc: BaseException, site_dir: Path) -> str:
    """The build error as `file:line: message`, relative to the site where possible."""

    def shown(path: str | Path | None) -> str:
        if not path:
            return "?"
        try:
            return Path(path).resolve().relative_to(site_dir).as_posix()
        except ValueError:
            return str(path)

    if isinstance(exc, ConfigError):
        lines = []
        for problem in exc.problems:
            at = re.search(r"at line (\d+)", problem)
            lines.append(f"{shown(exc.path)}:{at.group(1) if at else 1}: {problem}")
        return "\n".join(lines)
    filename, lineno = getattr(exc, "filename", None), getattr(exc, "lineno", None)
    if not (filename and lineno):  # a render error: Jinja puts the template's line in the traceback
        frames = traceback.extract_tb(exc.__traceback__)
        where = next((f for f in reversed(frames) if f.filename.endswith((".html", ".xml"))),
                     frames[-1] if frames else None)
        filename, lineno = (where.filename, where.lineno) if where else (None, None)
    message = getattr(exc, "message", None) or str(exc)
    return f"{shown(filename)}:{lineno or '?'}: {type(exc).__name__}: {message}"


class Rebuilder:
    """Rebuilds the site in a background thread, one build at a time, debounced."""

    def __init__(self, site_dir: Path, state: SiteState, log=print):
        self.site_dir = site_dir
        self.state = state
        self.log = log
        self.cache = ParseCache(cache_dir(load_config(site_dir)) / "parse")
        self.pending = threading.Event()
        self.last_event = 0.0
        self.stopped = False
        self.builds = 0  # finished builds, failed ones included (tests wait on it)
        self.refreshed = 0  # builds of the deferred units alone (not counted in `builds`)
        self.stale = False  # the site's deferred units are the last build's (a refresh is due)
        self.index_stale = False  # and so is its search index
        self.thread = threading.Thread(target=self._run, name="rebuild", daemon=True)

    def changed(self) -> None:
        self.last_event = time.monotonic()
        self.pending.set()

    def build_now(self, refresh: bool = False) -> BuildReport | None:
        """Rebuild what changed (leaving the `DEFERRED` units as they were), or with
        `refresh`, bring those up to date too."""
        try:
            config = load_config(self.site_dir)
            report = build(self.site_dir, config=config, cache=self.cache, background_cleanup=True,
                           defer=frozenset() if refresh else DEFERRED)
        except Exception as exc:  # noqa: BLE001 — the server goes on, showing the error
            message = describe_error(exc, self.site_dir)
            self.log(f"构建失败：{message}")
            self.state.update(message, site_changed=False)
            self.stale = False  # not tried again before the next change
            return None
        finally:
            if refresh:
                self.refreshed += 1
            else:
                self.builds += 1
        self.stale = bool(report.deferred)
        index_was_stale, self.index_stale = self.index_stale, SEARCH_INDEX in report.deferred
        if refresh:  # the downloads and the search index: only the search page shows them
            self.log(report.summary())
            self.state.update(None, site_changed=False,
                              index_changed=index_was_stale and not self.index_stale)
            return report
        for failed in report.failed:
            for issue in failed.issues:
                self.log(str(issue))
        for issue in report.page_issues:
            self.log(str(issue))
        self.log(report.summary())
        self.state.update(None, site_changed=not report.up_to_date)
        return report

    def _run(self) -> None:
        while not self.stopped:
            if not self.pending.wait(REFRESH_AFTER if self.stale else None):
                self.build_now(refresh=True)  # quiet since the last build
                continue
            while not self.stopped and time.monotonic() - self.last_event < DEBOUNCE:
                time.sleep(DEBOUNCE / 4)
            self.pending.clear()
            if not self.stopped:
                self.build_now()

    def stop(self) -> None:
        self.stopped = True
        self.pending.set()


class ChangeHandler(FileSystemEventHandler):
    """Calls `on_change` for events that may change the site: a source, template, asset or
    Markdown page written, created, deleted or renamed into place, or site.toml."""

    IGNORED = frozenset({"opened", "closed_no_write"})

    def __init__(self, config: Config, on_change):
        from .render.templating import template_dirs

        site_templates = config.site_dir / "templates"  # watched once it appears
        self.roots = list(dict.fromkeys(p.resolve() for p in [config.content_dir, site_templates]
                                        + template_dirs(config)))
        self.site_toml = (config.site_dir / "site.toml").resolve()
        self.on_change = on_change

    def relevant(self, path: str) -> bool:
        p = Path(path).resolve()
        if p == self.site_toml:
            return True
        return not SCRATCH.search(p.name) and any(p.is_relative_to(r) for r in self.roots)

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in self.IGNORED or (event.is_directory and event.event_type == "modified"):
            return
        paths = [event.src_path, getattr(event, "dest_path", "")]
        if any(self.relevant(p) for p in paths if p):
            self.on_change()


class PreviewHandler(SimpleHTTPRequestHandler):
    """Serves the current build/ under the site's base path, adding the reload script to HTML."""

    server: PreviewServer

    def log_message(self, format: str, *args) -> None:
        pass

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path == RELOAD_PATH:
            return self._stream_reloads()
        if not path.startswith(self.server.prefix):
            self.send_response(HTTPStatus.FOUND)
            self.send_header("Location", self.server.prefix)
            self.end_headers()
            return None
        # before reading: never miss a reload
        generation, index, error = self.server.state.snapshot()
        if path[len(self.server.prefix):] not in SEARCH_PAGES:
            index = -1  # only the search page shows the search index
        # os.path's tests, not Path's: they answer False for a name the system refuses
        # (a path part over 255 bytes), which is then a 404, not a dropped connection.
        target = Path(self.translate_path(self.path))
        if os.path.isdir(target) and path.endswith("/"):
            target = target / "index.html"
        is_page = target.suffix == ".html" or path.endswith("/")
        if error is not None and is_page:
            body = ERROR_PAGE.format(message=html.escape(error), script=self._script(generation, index))
            return self._send_html(body.encode("utf-8"), HTTPStatus.INTERNAL_SERVER_ERROR)
        if target.suffix == ".html" and os.path.isfile(target):
            return self._send_html(self._with_script(target.read_bytes(), generation, index))
        if not os.path.exists(target):
            missing = self.server.root / "404.html"
            if missing.is_file():
                return self._send_html(self._with_script(missing.read_bytes(), generation, index),
                                       HTTPStatus.NOT_FOUND)
        return super().do_GET()

    def translate_path(self, path: str) -> str:
        path = urlsplit(path).path
        return super().translate_path("/" + path[len(self.server.prefix):])

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")  # a preview: always the latest build
        super().end_headers()

    def _script(self, generation: int, index: int) -> str:
        return RELOAD_SCRIPT.format(generation=generation, index=index, path=RELOAD_PATH)

    def _with_script(self, page: bytes, generation: int, index: int) -> bytes:
        script = self._script(generation, index).encode("utf-8")
        at = page.rfind(b"</body>")
        return page[:at] + script + page[at:] if at >= 0 else page + script

    def _send_html(self, body: bytes, status: HTTPStatus = HTTPStatus.OK) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _stream_reloads(self) -> None:
        """Server-Sent Events: the current generation and search index ("7 2") now, then
        each new one."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        state, seen = self.server.state, None
        try:
            while not state.closing:
                current = state.wait(seen, HEARTBEAT)
                message = f"data: {current[0]} {current[1]}\n\n" if current != seen else ": ping\n\n"
                self.wfile.write(message.encode("ascii"))
                self.wfile.flush()
                seen = current
        except (BrokenPipeError, ConnectionResetError):
            pass


class PreviewServer(ThreadingHTTPServer):
    """The preview: HTTP server, file watcher and rebuilder. `start()`, then `stop()`."""

    daemon_threads = True
    # Connections waiting to be accepted (socketserver's default is 5): a page's burst of
    # asset requests, or a few browsers at once, would otherwise stall for a minute.
    request_queue_size = 1024

    def __init__(self, site_dir: Path, host: str = "127.0.0.1", port: int = 8000, log=print):
        self.site_dir = site_dir.resolve()
        config = load_config(self.site_dir)
        self.root = config.output_dir.resolve()
        self.prefix = urlsplit(config.base_url).path or "/"
        self.state = SiteState()
        self.rebuilder = Rebuilder(self.site_dir, self.state, log)
        self.observer = Observer()
        self.handler = ChangeHandler(config, self._changed)
        self.watched: set[Path] = set()
        self._watch_new_folders()
        self.observer.schedule(self.handler, str(self.site_dir), recursive=False)
        try:
            super().__init__((host, port), functools.partial(PreviewHandler, directory=str(self.root)))
        except OSError as exc:
            raise ServeError(f"无法监听 {host}:{port}：{exc.strerror}（是否已有另一个 "
                             "`serve` 在运行？可用 --port 换一个端口）") from exc

    def _watch_new_folders(self) -> None:
        for folder in self.handler.roots:
            if folder not in self.watched and folder.is_dir():
                self.observer.schedule(self.handler, str(folder), recursive=True)
                self.watched.add(folder)

    def _changed(self) -> None:
        self._watch_new_folders()  # e.g. a templates/ folder created after the start
        self.rebuilder.changed()

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}{self.prefix}"

    def start(self) -> None:
        """Build once, then watch, rebuild and serve in background threads."""
        self.rebuilder.build_now()
        self.observer.start()
        self.rebuilder.thread.start()
        threading.Thread(target=self.serve_forever, name="http", daemon=True).start()

    def stop(self) -> None:
        self.observer.stop()
        self.rebuilder.stop()
        self.state.close()
        self.shutdown()
        self.server_close()
        if self.observer.is_alive():
            self.observer.join(timeout=5)
        if self.rebuilder.thread.is_alive():
            self.rebuilder.thread.join(timeout=60)


def serve(site_dir: Path, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve until interrupted (Ctrl-C)."""
    server = PreviewServer(site_dir, host, port)
    server.start()
    print(f"正在 {server.url} 预览 {server.root}（按 Ctrl-C 停止）", file=sys.stderr)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
