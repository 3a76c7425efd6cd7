"""`serve`: a running preview server rebuilds what changed, keeps the last good site on a
build error (showing the error with file:line), and reloads open pages."""

from __future__ import annotations

import os
import time
import urllib.error
import urllib.request

import pytest

from generator import serve
from generator.render.templating import BUILTIN_TEMPLATES
from generator.search.analyzer import query_terms
from generator.serve import PreviewServer

from .test_incremental import (
    EDITED,
    EDITED_DOC,
    OTHER_DOC,
    edit_source,
    incremental_site,
    inodes,
    rewritten,
)
from .test_incremental_deferred import indexed

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


@pytest.fixture
def server(make_site):
    site = incremental_site(make_site)
    srv = PreviewServer(site, port=0, log=lambda message: None)
    srv.start()
    yield srv
    srv.stop()


def wait_for_build(srv: PreviewServer, builds: int, timeout: float = 60) -> None:
    """Until the rebuilder finished more than `builds` builds."""
    deadline = time.monotonic() + timeout
    while srv.rebuilder.builds <= builds:
        assert time.monotonic() < deadline, "no rebuild after the change"
        time.sleep(0.02)


def change(srv: PreviewServer, action) -> None:
    builds = srv.rebuilder.builds
    action()
    wait_for_build(srv, builds)


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def test_served_pages_carry_the_reload_script_but_build_does_not(server):
    status, body = fetch(server.url + EDITED_DOC)
    assert status == 200 and "/__reload" in body
    assert "/__reload" not in (server.root / EDITED_DOC / "index.html").read_text(encoding="utf-8")
    status, body = fetch(server.url + "no-such-page/")
    assert status == 404 and "/__reload" in body
    with urllib.request.urlopen(server.url + "__reload", timeout=5) as stream:
        assert stream.headers["Content-Type"] == "text/event-stream"
        assert stream.readline().decode() == f"data: {server.state.generation} 0\n"


def test_edit_add_and_delete_a_source_under_a_running_server(server):
    site, build_dir = server.site_dir, server.root
    before = inodes(build_dir)
    change(server, lambda: edit_source(site))
    assert "测试标记" in fetch(server.url + EDITED_DOC)[1]
    changed = rewritten(before, build_dir)
    assert EDITED_DOC + "index.html" in changed
    assert not {k for k in changed if k.startswith(OTHER_DOC)}

    # an editor that saves by writing a temporary file and renaming it into place
    source = site / "content" / "disclosures" / EDITED
    copy = site / "content" / "disclosures" / "copy.txt"

    def save_by_rename() -> None:
        tmp = copy.with_name(".copy.txt.swp")
        text = source.read_text(encoding="utf-8").replace("阿图什市人民政府办公室", "阿图什市测试局")
        tmp.write_text(text, encoding="utf-8")
        tmp.rename(copy)

    change(server, save_by_rename)
    added = "budgets/a-tu-shi-shi-ce-shi-ju-3e4d07-2021/"
    assert fetch(server.url + added)[0] == 200
    change(server, copy.unlink)
    assert fetch(server.url + added)[0] == 404
    assert not (build_dir / added).exists()


def test_template_change_under_a_running_server(server):
    before = inodes(server.root)
    override = server.site_dir / "templates" / "source.html"
    text = (BUILTIN_TEMPLATES / "source.html").read_text(encoding="utf-8")
    marked = text.replace("{% block content %}", "{% block content %}<p>模板标记</p>", 1)

    def add_override() -> None:
        override.parent.mkdir(exist_ok=True)
        override.write_text(marked, encoding="utf-8")

    change(server, add_override)  # templates/ did not exist when the server started
    assert "模板标记" in fetch(server.url + EDITED_DOC + "source/")[1]
    assert "模板标记" in fetch(server.url + OTHER_DOC + "source/")[1]
    assert OTHER_DOC + "index.html" not in rewritten(before, server.root)
    before = inodes(server.root)
    change(server, lambda: override.write_text(marked.replace("模板标记", "模板改了"), encoding="utf-8"))
    assert "模板改了" in fetch(server.url + OTHER_DOC + "source/")[1]
    assert {k for k in rewritten(before, server.root) if k.endswith(".html")} == {
        EDITED_DOC + "source/index.html", OTHER_DOC + "source/index.html"}


def test_a_build_error_keeps_the_last_good_site_and_shows_the_error(server):
    good = (server.root / "index.html").read_bytes()
    override = server.site_dir / "templates" / "home.html"
    override.parent.mkdir(exist_ok=True)
    broken = "{% extends \"base.html\" %}\n{% block content %}\n{% if %}\n{% endblock %}\n"
    toml = server.site_dir / "site.toml"

    def break_config() -> None:  # any change triggers a build; this one also fails it
        toml.write_text(toml.read_text(encoding="utf-8") + "[site\n", encoding="utf-8")

    change(server, break_config)
    status, body = fetch(server.url)
    assert status == 500 and "site.toml:" in body and "/__reload" in body
    assert (server.root / "index.html").read_bytes() == good
    assert fetch(server.url + "assets/style.css")[0] == 200  # non-pages are still served

    change(server, lambda: toml.write_text(toml.read_text(encoding="utf-8")[:-6], encoding="utf-8"))
    assert fetch(server.url)[0] == 200
    change(server, lambda: override.write_text(broken, encoding="utf-8"))
    status, body = fetch(server.url + EDITED_DOC)
    assert status == 500 and "templates/home.html:3" in body, body[:800]
    assert (server.root / "index.html").read_bytes() == good
    change(server, override.unlink)
    status, body = fetch(server.url)
    assert status == 200 and "build-error" not in body


def test_an_open_page_reloads_after_an_edit(server):
    from playwright.sync_api import sync_playwright

    from generator.render.screenshots import launch

    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page()
        page.goto(server.url + EDITED_DOC, wait_until="load")
        page.evaluate("window.notReloaded = true")
        page.wait_for_timeout(300)  # the reload stream is connected
        edit_source(server.site_dir)
        page.wait_for_function("() => document.body.textContent.includes('测试标记')", timeout=30000)
        assert page.evaluate("window.notReloaded === undefined")
        browser.close()


def test_the_downloads_follow_an_edit_once_the_files_are_quiet(server, monkeypatch):
    """An edit is shown before the bulk downloads are redone (they are linked from the last
    build); a build of their own brings them up to date soon after."""
    monkeypatch.setattr(serve, "REFRESH_AFTER", 5.0)  # time to look before they are redone
    download = server.root / "data" / "budget.duckdb"
    before = download.stat().st_ino
    refreshed = server.rebuilder.refreshed
    change(server, lambda: edit_source(server.site_dir))
    assert "测试标记" in fetch(server.url + EDITED_DOC)[1]
    assert download.stat().st_ino == before and server.rebuilder.stale
    deadline = time.monotonic() + 60
    while server.rebuilder.refreshed == refreshed:
        assert time.monotonic() < deadline, "the downloads were not redone"
        time.sleep(0.05)
    assert download.stat().st_ino != before and not server.rebuilder.stale


def test_the_search_page_reloads_once_the_search_index_follows_an_edit(make_site, monkeypatch):
    """An edit is shown before the search index is updated (it is linked from the last
    build); the build that updates it announces it to the search page alone."""
    monkeypatch.setattr(serve, "REFRESH_AFTER", 3.0)  # time to look before the index is redone
    site = incremental_site(make_site)
    toml = site / "site.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("search = false", "search = true"),
                    encoding="utf-8")
    srv = PreviewServer(site, port=0, log=lambda message: None)
    srv.start()
    try:
        assert "index = 0;" in fetch(srv.url + "search/")[1]
        assert "index = -1;" in fetch(srv.url + EDITED_DOC)[1]  # not reloaded for the index
        (new_term,) = [t for t in query_terms("测试标记") if not indexed(site, t)][:1]
        refreshed, first = srv.rebuilder.refreshed, srv.state.generation
        with urllib.request.urlopen(srv.url + "__reload", timeout=60) as stream:
            change(srv, lambda: edit_source(site))
            generation = srv.state.generation
            assert "测试标记" in fetch(srv.url + EDITED_DOC)[1] and not indexed(site, new_term)
            events: list[str] = []
            while len(events) < 3:  # each event ends with a blank line; pings are comments
                line = stream.readline().decode().strip()
                if line.startswith("data:"):
                    events.append(line)
        # the pages' generation, then the index's
        assert events == [f"data: {first} 0", f"data: {generation} 0", f"data: {generation} 1"]
        assert srv.rebuilder.refreshed > refreshed and not srv.rebuilder.stale
        assert indexed(site, new_term) and "index = 1;" in fetch(srv.url + "search/")[1]
    finally:
        srv.stop()
