"""`serve` under load and abuse: many concurrent requests are all answered, an overlong
path part is a 404 rather than a dropped connection, and a port in use is a clear message."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from generator.serve import PreviewServer

SITE = {"site.toml": '[site]\ntitle = "小站"\n[build]\nsearch = false\ncharts = false\n',
        "content/pages/about.md": "# 关于\n\n一个小站。\n"}


@pytest.fixture
def server(make_site):
    srv = PreviewServer(make_site(SITE), port=0, log=lambda message: None)
    srv.start()
    yield srv
    srv.stop()


def status_of(url: str, timeout: float = 20) -> int | str:
    """The HTTP status, or the name of the error when no answer came."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError as error:
        return type(error).__name__


def test_two_hundred_concurrent_requests_are_all_answered(server):
    # The listen backlog used to be 5: a burst left some connections unanswered for a minute.
    start = threading.Barrier(200)

    def request(_) -> int | str:
        start.wait()  # all at once
        return status_of(server.url, timeout=30)

    with ThreadPoolExecutor(max_workers=200) as pool:
        statuses = list(pool.map(request, range(200)))
    assert statuses == [200] * 200, {s: statuses.count(s) for s in set(statuses)}


def test_an_overlong_path_part_is_not_found(server):
    for part in ("a" * 300, "页" * 100, "x" * 256 + "/index.html"):
        assert status_of(server.url + urllib.request.quote(part)) == 404
    assert status_of(server.url) == 200  # and the server goes on serving


def test_a_port_in_use_is_a_clear_message_and_a_failed_exit(make_site):
    site = make_site(SITE)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        run = subprocess.run([sys.executable, "-m", "generator", "serve", str(site),
                              "--port", str(port)], capture_output=True, text=True, timeout=120)
    assert run.returncode != 0
    assert f"127.0.0.1:{port}" in run.stderr and "in use" in run.stderr
    assert "Traceback" not in run.stderr
