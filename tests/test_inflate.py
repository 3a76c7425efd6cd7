"""templates/assets/inflate.js, the search page's zlib reader for browsers without
DecompressionStream, run in headless Chromium on what Python's zlib writes: every block
type (stored, fixed and dynamic Huffman codes), back-references across the whole window,
and data cut short."""

from __future__ import annotations

import base64
import os
import random
import zlib
from pathlib import Path

import pytest

from generator.render.screenshots import launch

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
assert Path(CHROMIUM).exists(), f"{CHROMIUM} missing: run `make test` (it installs Debian's chromium)"
INFLATE = Path(__file__).resolve().parents[1] / "templates" / "assets" / "inflate.js"
RUN = """(packed) => packed.map(b64 => {
  const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
  try { return btoa(String.fromCharCode(...window.searchInflate(bytes.buffer))); }
  catch (e) { return "error: " + e.message; }
})"""


def _fixed(data: bytes) -> bytes:
    packer = zlib.compressobj(6, zlib.DEFLATED, 15, 9, zlib.Z_FIXED)
    return packer.compress(data) + packer.flush()


def _cases() -> list[tuple[str, bytes, bytes]]:
    rng = random.Random(3)
    json_text = ('{"units":[' + ",".join(
        f'[{i},0,"一般公共预算基本支出情况表（单位：万元） 公务接待费 30217 项目{i % 7}"]'
        for i in range(400)) + "]}").encode()
    noise = bytes(rng.randrange(256) for _ in range(5000))
    far = noise[:3000] + bytes(28_000) + noise[:3000]  # a match 31 kB back
    cases = [("empty", b""), ("json", json_text), ("noise", noise), ("far", far),
             ("short", "部门预算".encode())]
    out = []
    for name, data in cases:
        for level in (0, 1, 6, 9):
            out.append((f"{name}-level{level}", data, zlib.compress(data, level)))
        out.append((f"{name}-fixed", data, _fixed(data)))
    return out


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = launch(p)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def page(browser):
    tab = browser.new_page()
    tab.add_script_tag(content=INFLATE.read_text(encoding="utf-8"))
    return tab


def test_inflates_what_zlib_writes(page):
    cases = _cases()
    got = page.evaluate(RUN, [base64.b64encode(packed).decode() for _, _, packed in cases])
    for (name, data, _), result in zip(cases, got):
        assert not result.startswith("error"), f"{name}: {result}"
        assert base64.b64decode(result) == data, name


def test_data_cut_short_or_not_zlib_is_an_error(page):
    packed = zlib.compress(("说明" * 500).encode(), 9)
    got = page.evaluate(RUN, [base64.b64encode(packed[:len(packed) // 2]).decode(),
                              base64.b64encode(b"\x1f\x8b\x08\x00gzip").decode()])
    assert got[0].startswith("error:") and got[1].startswith("error:")


def test_search_page_without_decompression_stream_uses_inflate_js(browser, make_site, tmp_path):
    """A browser without DecompressionStream: the search page loads assets/inflate.js and
    shows the same results as one with it."""
    from generator.build import build
    from generator.render.screenshots import serve
    from tests.conftest import SAMPLES

    sample = "001_39ebdcf812bae707.txt"
    site = make_site({"site.toml": '[site]\ntitle = "搜索"\n[build]\ncharts = false\n',
                      f"content/disclosures/{sample}": (SAMPLES / sample).read_bytes()})
    out = tmp_path / "www"
    build(site, output=out)
    shown = {}
    with serve(out) as base:
        for native in (True, False):
            context = browser.new_context()
            if not native:
                context.add_init_script("delete window.DecompressionStream;")
            page = context.new_page()
            asked: list[str] = []
            page.on("request", lambda r, asked=asked: asked.append(r.url))
            page.goto(base + "search/?q=公务接待", wait_until="load")
            page.wait_for_function("document.body.hasAttribute('data-search-done')")
            shown[native] = page.inner_text("#search-results")
            assert any(u.endswith("/assets/inflate.js") for u in asked) is not native
            context.close()
    assert "公务接待" in shown[True] and shown[False] == shown[True]
