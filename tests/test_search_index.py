"""The search index: the analyzer (Python and the search page's JavaScript agree), the
units a page is read into, byte-identical builds and per-document updates."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import zlib
from pathlib import Path

import numpy as np
import pytest

from generator.build import build
from generator.search import INDEX_DIR
from generator.search.analyzer import index_terms, query_terms, squeezed
from generator.search.index import (
    CHUNK,
    UNIT_FILE_BYTES,
    analyse_page,
    index_files,
    read_unit_file,
    term_hash,
    unit_files,
    varint,
)
from generator.search.pages import BODY, NAME, TITLE, PageUnits, Unit, read_page
from generator.search.postings import DIGITS as index_digits
from generator.search.store import unit_file_name
from tests.conftest import sample_paths
from tests.search_view import index_view, postings_of

REPO = Path(__file__).resolve().parents[1]
SITE_TOML = '[site]\ntitle = "检索"\n[build]\nsearch = true\ncharts = false\n'
STRINGS = ["信息化", "克州人民政府办公室", "PPP 项目", "ＰＰＰ项目２０２１", "2010301", "费",
           "住房公积金（30113）", "一 二", "⼀般公共预算", "a1b2 c3", "", "。，", "差旅费、会议费",
           "Ⅻ号", "资源勘探工业信息等支出", "x", "新疆𠀀维吾尔", "拟 购 买\n服务", "信  息",
           "信\u3000息 a 信\t息"]
NUMBERS = [0, 1, 31, 32, 33, 1023, 1024, 32767, 32768, 123456789, 0, 7]


def test_bigrams_single_characters_and_words():
    assert index_terms("信息化 PPP") == {"信", "信息", "息", "息化", "化", "ppp"}
    assert query_terms("信息化") == ["信息", "息化"]
    assert query_terms("化") == ["化"]
    assert query_terms("PPP 项目") == ["ppp", "项目"]
    # Han characters one white-space character apart (PDF letter-spacing, a wrapped line)
    # are a bigram in the text; two apart (table cells) are not, nor in a query
    assert query_terms("信 息") == ["信", "息"]
    assert {"信息", "息化"} <= index_terms("信 息\n化") and "信息" not in index_terms("信  息")
    assert "信息" not in index_terms("信，息")
    # full-width digits and Kangxi radicals read as the plain ones
    assert query_terms("２０１０３０１") == ["2010301"]
    assert query_terms("⼀般") == ["一般"]
    assert squeezed("PPP 项目，信息") == "ppp项目信息"


def test_the_search_page_analyzes_like_python():
    """search.js implements the same rules: every string gives the same terms and hashes."""
    from playwright.sync_api import sync_playwright

    from generator.render.screenshots import launch

    script = (REPO / "templates" / "assets" / "search.js").read_text(encoding="utf-8")
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page()
        page.set_content(f"<script>{script}</script>")
        got = page.evaluate("""(strings) => strings.map(s => [
            searchAnalyzer.queryTerms(s), searchAnalyzer.indexTerms(s), searchAnalyzer.squeezed(s),
            searchAnalyzer.queryTerms(s).map(t => searchAnalyzer.termHash(t))])""", STRINGS)
        read = page.evaluate("text => searchAnalyzer.numbers(text)", "".join(map(varint, NUMBERS)))
        browser.close()
    assert read == NUMBERS
    for text, (query, indexed, squeeze, hashes) in zip(STRINGS, got):
        assert query == query_terms(text), text
        assert set(indexed) == index_terms(text) and len(indexed) == len(set(indexed)), text
        assert squeeze == squeezed(text), text
        assert hashes == [term_hash(t) for t in query_terms(text)], text


def test_the_search_page_reads_postings_as_the_index_writes_them():
    """search.js reads a term's postings lazily (the pages at once, a page's codes when a
    query wants them): the pages and codes the writer put there, from its own files."""
    from playwright.sync_api import sync_playwright

    from generator.render.screenshots import launch

    corpus = [["信息化", "其他"], ["无关"], ["信息", "x", "信息公开"] + ["填充"] * (CHUNK + 8) + ["信息"]]
    analysed = [analyse_page(f"p{n}/", PageUnits(f"页{n}", {}, [
        Unit(f"u{k}", "", [(NAME if k == 0 else BODY, text)]) for k, text in enumerate(texts)]))
        for n, texts in enumerate(corpus)]
    files, _ = index_files(analysed)
    buckets = json.loads(files["meta.json"])["buckets"]
    bucket = files[f"t/{term_hash('信息') & (buckets - 1):x}.json"]
    # where each page's units are: unit k of a page has the id its unit files give it
    ids = [unit_files([], [[f"u{k}", "", t] for k, t in enumerate(texts)])[1] for texts in corpus]
    want = [(n, [ids[n][k] * 4 + (NAME if k == 0 else BODY) for k, t in enumerate(texts) if "信息" in t])
            for n, texts in enumerate(corpus) if any("信息" in t for t in texts)]
    assert len(want) == 2 and ids[2][-1] >= CHUNK  # a page of two unit files
    script = (REPO / "templates" / "assets" / "search.js").read_text(encoding="utf-8")
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page()
        page.set_content(f"<script>{script}</script>")
        got = page.evaluate("""text => { const p = new searchAnalyzer.Postings(text);
            return [p.pages, p.pages.map((_, k) => p.codes(k)), p.codes(0)]; }""",
                            json.loads(bucket)["信息"])
        browser.close()
    assert got == [[n for n, _ in want], [codes for _, codes in want], want[0][1]]


def test_postings_numbers_are_short_and_json_safe():
    assert [len(varint(n)) for n in (0, 31, 32, 1023, 1024)] == [1, 1, 2, 2, 3]
    assert len({varint(n) for n in range(5000)}) == 5000
    assert not set("".join(map(varint, NUMBERS))) & set('"\\ ,')


def test_the_term_arrays_follow_the_analyzer(monkeypatch):
    """`postings` analyses texts on arrays of code points (normalized per character where
    that is NFKC, whole where a character composes or expands) and names, orders and
    hashes terms on arrays: the same terms, fields, string order and hashes as
    `analyzer.index_terms` and `index.term_hash`, batches cut anywhere."""
    import random

    from generator.search import postings

    odd = ["café", "cafe\u0301", "ΣΑΣ abc", "…面积㎡", "ﬁle", "가각", "\u1100\u1161\u11a8",
           "e\u0301\u0323", "İstanbul", "Ǆ", "Ａ\u0301", "\u2f00\u2f01"]
    rng = random.Random(5)
    fields = [[(rng.choice([NAME, TITLE, BODY]), "".join(rng.sample(STRINGS + odd, 3)))
               for _ in range(rng.randint(0, 3))] for _ in range(400)]
    keys = list(dict.fromkeys(postings.field_key(f) for f in fields))
    monkeypatch.setattr(postings, "BATCH_CHARS", 300)
    analysed, numbers = postings.analyse_texts(keys)
    assert analysed.keys == keys and numbers.tolist() == list(range(len(keys)))
    terms = analysed.terms
    got: dict[int, dict[str, int]] = {}
    for text, code, kind in zip(terms.texts.tolist(), terms.codes.tolist(), terms.kinds.tolist()):
        got.setdefault(text, {})[postings.term_name(code, terms.words)] = kind
    for fields_ in dict.fromkeys(map(tuple, fields)):
        want: dict[str, int] = {}
        for kind, text in fields_:
            for term in index_terms(text):
                want[term] = max(want.get(term, kind), kind)
        assert got.get(keys.index(postings.field_key(list(fields_))), {}) == want
    names = sorted({postings.term_name(c, terms.words) for c in terms.codes.tolist()})
    rank = np.array([i for i, _ in sorted(enumerate(terms.words), key=lambda w: w[1])])
    word_rank = np.empty(len(rank), dtype=np.int64)
    word_rank[rank] = np.arange(len(rank))
    keys_ = np.unique(postings._order_keys(terms.codes, word_rank))
    words = sorted(terms.words)
    assert postings._names(keys_, words) == names
    assert postings._hashes(keys_, np.array([term_hash(w) for w in words], dtype=np.uint32)
                            ).tolist() == [term_hash(t) for t in names]


def test_unit_files_are_small_and_ids_name_their_place():
    """A unit id is its file × CHUNK + its place; files stay near UNIT_FILE_BYTES (a unit
    larger than that has a file of its own), anchors and labels written once a file."""
    head = ["budgets/x/", "甲局 2024年部门预算", ["部门预算"]]
    units = [["table-3", "表三 支出表", f"行政运行 {n}"] for n in range(70)]
    units += [["text", "情况说明", "说明文字。" * 40 + str(n)] for n in range(12)]
    units.insert(5, ["text", "情况说明", "长" * 5000])
    files, ids = unit_files(head, units)
    decoded = [read_unit_file(data) for data in files]
    for unit, uid in zip(units, ids):
        file = decoded[uid // CHUNK]
        anchor, label, text = file["units"][uid % CHUNK]
        assert [file["strings"][anchor], file["strings"][label], text] == unit
        assert file["page"] == head
    assert len(ids) == len(set(ids)) == sum(len(f["units"]) for f in decoded)
    assert all(len(f["units"]) <= CHUNK for f in decoded)
    sizes = [len(zlib.decompress(data)) for data in files]
    assert [s for s, f in zip(sizes, decoded) if s > UNIT_FILE_BYTES + 400 and len(f["units"]) > 1] == []
    assert len(files) < 16
    assert all(len(f["strings"]) == len(set(f["strings"])) for f in decoded)


def test_a_page_is_read_into_units_with_anchors_and_fields():
    html = ('<header><p>网站导航</p></header><main data-search-body>'
            '<h1 data-search-filter="类型:部门预算"><span data-search-filter="部门">甲局</span>'
            ' 2024年部门预算</h1><p>地区：乙市</p>'
            '<section id="tables"><h3>表三 支出表</h3><table><thead><tr><th>科目名称</th></tr></thead>'
            '<tr><td class="code">2010301</td><th scope="row">行政运行</th><td class="num">1.00</td></tr>'
            '<tr><td class="code">2010301</td><th scope="row">行政运行</th><td class="num">1.00</td></tr>'
            '</table></section><div data-search-ignore><p>图表说明</p></div>'
            '<h3 id="project-2">驻京办业务专项</h3><span>5.00 万元 <a class="src" href="#">L9</a></span>'
            '</main><footer>页脚</footer>')
    page = read_page(html)
    assert page.title == "甲局 2024年部门预算"
    assert page.filters == {"类型": "部门预算", "部门": "甲局"}
    texts = [" ".join(u.text().split()) for u in page.units]
    assert texts == ["甲局 2024年部门预算 地区：乙市", "表三 支出表", "2010301 行政运行",
                     "驻京办业务专项 5.00 万元"]
    head, table, row, project = page.units
    assert head.fields[0][0] == NAME and table.fields[0] == (NAME, "表三 支出表")
    assert row.anchor == "tables" and row.label == "表三 支出表" and (NAME, "行政运行") in row.fields
    assert project.anchor == "project-2" and project.fields[0] == (NAME, "驻京办业务专项")
    assert read_page("<main><h1>无正文</h1></main>") is None
    assert TITLE != NAME


def tree_hashes(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def two_document_site(make_site):
    paths = sorted(sample_paths(), key=lambda p: p.stat().st_size)[:2]
    files: dict[str, str | bytes] = {"site.toml": SITE_TOML}
    files.update({f"content/disclosures/{p.name}": p.read_bytes() for p in paths})
    return make_site(files), paths


def test_two_clean_builds_give_the_same_index(two_document_site):
    site, _ = two_document_site
    hashes = []
    for _ in range(2):
        report = build(site, clean=True)
        assert report.search.analysed == report.search.pages > 0
        hashes.append(tree_hashes(site / "build" / INDEX_DIR))
    assert any(name.startswith("t/") for name in hashes[0])
    assert hashes[0] == hashes[1]


def test_a_one_document_edit_gives_the_index_of_a_clean_build(two_document_site):
    """The edited document's pages are analysed again, the rest come from the cache, and
    a query sees in the index what it sees in a clean build's: the term files are the
    last build's, the change stands in a delta file beside them."""
    site, paths = two_document_site
    first = build(site)
    terms = tree_hashes(site / "build" / INDEX_DIR)
    source = site / "content" / "disclosures" / paths[0].name
    text = source.read_bytes().decode("utf-8-sig")
    assert "工作" in text  # in the 说明 text: one page changes, the department's does not
    source.write_text(text.replace("工作", "工做"), encoding="utf-8")
    edited = build(site)
    assert 0 < edited.search.analysed < first.search.pages
    # the files of the pages that did not change are links to the last build's
    assert 0 < edited.search.linked < edited.search.files
    index = site / "build" / INDEX_DIR
    incremental = tree_hashes(index)
    assert {k: v for k, v in incremental.items() if k.startswith("t/")} == {
        k: v for k, v in terms.items() if k.startswith("t/")}
    assert any(k.startswith("d/") for k in incremental) and "gone" in (index / "meta.json").read_text()
    view = index_view(index)
    assert "工做" in view["postings"]
    build(site, clean=True)
    assert view == index_view(index)
    assert not (index / "d").exists()
    assert os.listdir(site / ".cache" / "search" / "pages")


def test_a_first_build_keys_each_page_by_its_bytes_where_it_is_read(two_document_site, monkeypatch):
    """With nothing cached, each page's key is worked out by the worker reading it (not in
    the parent beforehand): the state records each page under the key of its bytes, and
    the cache keeps an entry under each."""
    import sys

    from generator.search import _salt, indexed_pages
    from generator.search.store import IndexState, PageCache

    hashed_by = []  # who asked for a page's key (a forked worker's asks stay in the worker)
    key = PageCache.key
    monkeypatch.setattr(PageCache, "key", lambda self, html: (
        hashed_by.append(sys._getframe(1).f_code.co_name), key(self, html))[1])
    site, _ = two_document_site
    report = build(site)
    assert "build_search_index" not in hashed_by
    monkeypatch.undo()
    out, folder = site / "build", site / ".cache" / "search"
    state = IndexState.load(folder, out / INDEX_DIR, _salt())
    cache = PageCache(folder, _salt())
    assert state is not None and report.search.analysed == len(state.pages) > 2
    assert sorted(state.pages) == indexed_pages(out)
    for page, entry in state.pages.items():
        assert entry[0] == cache.key((out / page).read_bytes())
        assert cache.stored(entry[0]) and cache.get(entry[0]) is not None or not entry[3]
    assert not PageCache(folder, _salt()).blank() and PageCache(folder, _salt(), read=False).blank()


def test_an_index_the_cache_does_not_describe_is_written_whole(two_document_site):
    """The last build's index replaced by a copy (other files than the cache recorded):
    nothing is linked from it, and the index is still that of a clean build."""
    site, paths = two_document_site
    build(site)
    index = site / "build" / INDEX_DIR
    shutil.copytree(index, index.with_name("copy"))
    shutil.rmtree(index)
    index.with_name("copy").rename(index)
    source = site / "content" / "disclosures" / paths[0].name
    source.write_bytes(source.read_bytes().replace("工作".encode(), "工做".encode()))
    edited = build(site)
    assert edited.search.linked == 0 and edited.search.analysed > 0
    incremental = tree_hashes(index)
    build(site, clean=True)
    assert incremental == tree_hashes(index)


@pytest.mark.parametrize("chunk_chars", [None, 40])
def test_term_files_patched_for_changed_pages_are_those_computed_whole(tmp_path, monkeypatch,
                                                                        chunk_chars):
    """`update` patches the last index's term files for the pages that changed (one that
    gains, loses and keeps terms, one emptied, one that first gets units, one of new
    words): the files it writes are those computed from all pages, and the others are
    the same there. With a small `CHUNK_CHARS` the postings are read in many chunks (a
    province's are), not all in one."""
    import random

    from generator.search import update
    from generator.search.update import changed_codes, changed_terms, patched_files

    if chunk_chars is not None:
        monkeypatch.setattr(update, "CHUNK_CHARS", chunk_chars)

    words = ["信息化", "预算", "项目支出", "办公室", "PPP", "30113", "差旅费", "会议", "一般公共"]
    rng = random.Random(7)

    def page(n: int, count: int) -> dict:
        return analyse_page(f"p{n}/", PageUnits(f"页{n}", {}, [
            Unit(f"u{k}", "", [(rng.choice([NAME, BODY]), " ".join(rng.sample(words, 3)))])
            for k in range(count)]))

    before = [page(n, rng.randint(0, 45)) for n in range(12)]
    after = list(before)
    after[3], after[5], after[11] = page(3, 40), page(5, 0), page(11, 2)
    after[0] = analyse_page("p0/", PageUnits("页0", {}, before[0] and [
        Unit("u0", "", [(NAME, "只在这里的新词")])]))
    units = [Unit(f"u{k}", "", [(NAME if k % 3 else BODY, " ".join(words[k % 9:k % 9 + 2]))])
             for k in range(30)]
    before[7] = analyse_page("p7/", PageUnits("页7", {}, units))
    units[4] = Unit("u4", "", [(BODY, "预算 新词 会议")])  # one unit of thirty: only it is read
    after[7] = analyse_page("p7/", PageUnits("页7", {}, units))
    old_files, old_size = index_files(before)
    new_files, new_size = index_files(after)
    assert old_files["meta.json"] == new_files["meta.json"]
    for name, text in old_files.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    buckets = json.loads(old_files["meta.json"])["buckets"]
    changes = changed_terms({n: changed_codes(before[n], after[n]) for n in (0, 3, 5, 7, 11)})
    partly = [change[7][0] is not None for change in changes.values() if 7 in change]
    assert partly and all(partly)  # codes dropped and added: the other units not read
    patched, size = patched_files(tmp_path, buckets, old_size, changes)
    assert size == new_size
    assert patched and {name: new_files[name] for name in patched} == patched
    assert {name for name in new_files if name.startswith("t/")
            and new_files[name] != old_files[name]} <= set(patched)



def test_term_files_computed_in_processes_are_those_computed_in_one():
    """The term files' hash groups computed in forked processes (`workers`) give the
    files one process computes, byte for byte, over terms of many groups."""
    import random

    rng = random.Random(11)
    han = [chr(0x4E00 + rng.randrange(3000)) for _ in range(400)]
    pages = [analyse_page(f"p{n}/", PageUnits(f"页{n}", {}, [
        Unit(f"u{k}", "", [(rng.choice([NAME, TITLE, BODY]),
                            "".join(rng.sample(han, 6)) + f" w{rng.randrange(50)}")])
        for k in range(rng.randint(1, 80))])) for n in range(40)]
    numbers = [3 * n + 1 for n in range(40)]
    alone, size = index_files(pages, None, numbers)
    together, size_in_processes = index_files(pages, None, numbers, workers=3)
    terms = [json.loads(text) for name, text in alone.items() if name.startswith("t/")]
    assert sum(1 for entries in terms if entries) >= 16  # terms of every hash group
    assert together == alone and size_in_processes == size


def test_page_numbers_follow_from_the_set_of_pages_and_stay_put():
    """Numbers are distinct, the same whatever order the pages come in, grouped by kind of
    page, and a page added or removed moves few others (those after it in its run)."""
    import random

    from generator.search.index import page_numbers

    rng = random.Random(3)
    pages = sorted({f"budgets/d{n}-{year}/index.html" for n in range(400) for year in (2023, 2024)}
                   | {f"departments/d{n}/index.html" for n in range(400)}
                   | {f"classifications/function/{n}/index.html" for n in range(90)})
    numbers = dict(zip(pages, page_numbers(pages)))
    assert len(set(numbers.values())) == len(pages)
    shuffled = rng.sample(pages, len(pages))
    assert dict(zip(shuffled, page_numbers(shuffled))) == numbers
    ranges = {kind: [n for p, n in numbers.items() if p.startswith(kind)]
              for kind in ("classifications", "departments", "budgets")}
    assert max(ranges["classifications"]) < min(ranges["departments"])
    assert max(ranges["departments"]) < min(ranges["budgets"])
    for _ in range(20):
        changed = pages + ["budgets/new-2025/index.html"]
        changed.remove(rng.choice(pages))
        moved = [p for p, n in zip(changed, page_numbers(changed)) if numbers.get(p, n) != n]
        assert len(moved) <= 8


def found_pages(index: Path, term: str) -> list[str]:
    """The URLs of the pages a term's postings name, read as search.js reads them."""
    text = postings_of(index, term)
    numbers, value = [], 0
    for digit in text:  # index.varint: the last digit of a number from the upper half
        value = value << 5 | (index_digits.index(digit) & 31)
        if index_digits.index(digit) >= 32:
            numbers.append(value)
            value = 0
    urls, at, page = [], 0, 0
    while at < len(numbers):
        page += numbers[at]
        unit_file = read_unit_file((index / unit_file_name(page, 0)).read_bytes())
        urls.append(unit_file["page"][0])
        at += 2 + numbers[at + 1]
    return urls


@pytest.mark.parametrize("change", ["add", "remove", "rename"])
def test_a_changed_set_of_pages_is_patched_into_the_index_of_a_clean_build(
        two_document_site, change):
    """A document added, removed, or its department renamed (its pages' URLs change):
    pages keep their numbers (`index.page_numbers`), so the rebuild writes the changes of
    the pages whose number changed hands as a delta, and a query sees a clean build's
    index, its postings naming the pages that are there now."""
    site, paths = two_document_site
    folder = site / "content" / "disclosures"
    if change == "add":
        (folder / paths[1].name).unlink()
    build(site)
    old = "克州人民政府办公室"
    if change == "add":
        (folder / paths[1].name).write_bytes(paths[1].read_bytes())
    elif change == "remove":
        (folder / paths[1].name).unlink()
    else:
        source = folder / paths[0].name
        assert old in source.read_text(encoding="utf-8-sig")
        source.write_text(source.read_text(encoding="utf-8-sig").replace(old, "克州人民政府研究室"),
                          encoding="utf-8")
    before = {p.name for p in (site / "build" / "budgets").iterdir() if p.is_dir()}
    edited = build(site)
    after = {p.name for p in (site / "build" / "budgets").iterdir() if p.is_dir()}
    assert before != after  # the set of pages changed
    assert edited.search.patched and 0 < edited.search.analysed < edited.search.pages
    index = site / "build" / INDEX_DIR
    incremental = index_view(index)
    urls = found_pages(index, "预算")
    build(site, clean=True)
    assert incremental == index_view(index)
    budgets = sorted(f"budgets/{name}/" for name in after)
    assert sorted(u for u in urls if u.startswith("budgets/")) == budgets
    if change == "rename":  # the new name is found on the renamed pages alone
        renamed = {u for u in found_pages(index, "究室") if u.startswith("budgets/")}
        assert renamed and renamed <= {f"budgets/{name}/" for name in after - before}


def test_the_spare_index_is_updated_in_place_into_a_clean_builds(two_document_site,
                                                                 tmp_path_factory):
    """From the third build on, the staging folder is the spare site (the build before
    last), and its index is updated in place (the same folder, only the files that differ
    replaced): through an edit, a rename, a document removed and added again, each
    rebuild's index reads as a clean build's of the same sources, and the index it
    replaced, which was being served meanwhile, still holds its own bytes."""
    from generator.output_guard import spare_folder

    site, paths = two_document_site
    source = site / "content" / "disclosures" / paths[0].name
    other = site / "content" / "disclosures" / paths[1].name
    text = source.read_text(encoding="utf-8-sig")
    changes = [lambda: source.write_text(text.replace("工作", "工做"), encoding="utf-8"),
               lambda: source.write_text(text.replace("克州人民政府办公室", "克州人民政府研究室"),
                                         encoding="utf-8"),
               lambda: other.unlink(),
               lambda: other.write_bytes(paths[1].read_bytes())]
    build(site)
    folders = [(site / "build" / INDEX_DIR).stat().st_ino]
    served = tree_hashes(site / "build" / INDEX_DIR)
    for change in changes:
        change()
        report = build(site)
        index = site / "build" / INDEX_DIR
        folders.append(index.stat().st_ino)
        assert tree_hashes(spare_folder(site / "build") / INDEX_DIR) == served
        served = tree_hashes(index)
        clean = tmp_path_factory.mktemp("clean")  # the same sources, built clean elsewhere
        shutil.copytree(site / "content", clean / "content")
        (clean / "site.toml").write_text(SITE_TOML, encoding="utf-8")
        build(clean, clean=True)
        assert index_view(index) == index_view(clean / "build" / INDEX_DIR)
        assert report.search.patched is not None
    assert folders[2:] == folders[:-2]  # the index of the build before last, updated


def test_edits_stand_in_a_delta_that_reads_as_a_clean_build(two_document_site,
                                                            tmp_path_factory):
    """A document added, edited, renamed and removed, one build each: no term file is
    written again (all are the first build's, linked), the changes since it stand in the
    delta, and every query sees what it sees in a clean build of the same sources: the
    same postings for every term, the same unit files and filters."""
    site, paths = two_document_site
    folder = site / "content" / "disclosures"
    build(site)
    index = site / "build" / INDEX_DIR
    first = {p.stat().st_ino for p in (index / "t").glob("*.json")}
    source = folder / paths[0].name
    text = source.read_text(encoding="utf-8-sig")
    added = folder / f"{paths[0].stem}-copy.txt"  # another department of the same region
    edits = [lambda: added.write_text(text.replace("克州人民政府办公室", "克州人民政府参事室"),
                                      encoding="utf-8"),
             lambda: source.write_text(text.replace("工作", "工做"), encoding="utf-8"),
             lambda: source.write_text(text.replace("克州人民政府办公室", "克州人民政府研究室"),
                                       encoding="utf-8"),
             lambda: added.unlink()]
    for edit in edits:
        edit()
        assert build(site).search.patched
        meta = json.loads((index / "meta.json").read_text(encoding="utf-8"))
        assert meta["delta"] >= 1 and len(list((index / "d").glob("*.json"))) == meta["delta"]
        assert {p.stat().st_ino for p in (index / "t").glob("*.json")} <= first
        clean = tmp_path_factory.mktemp("clean")
        shutil.copytree(site / "content", clean / "content")
        (clean / "site.toml").write_text(SITE_TOML, encoding="utf-8")
        build(clean, clean=True)
        assert index_view(index) == index_view(clean / "build" / INDEX_DIR)
    assert meta["gone"]  # the removed document's pages: dropped from every term


def test_a_delta_past_its_limit_is_folded_into_the_term_files(two_document_site, monkeypatch):
    """Once the delta would grow past `DELTA_LIMIT`, the changes are spliced into the term
    files: no delta is left and the index is byte for byte a clean build's; the next edit
    starts a delta from there."""
    from generator.search import update

    site, paths = two_document_site
    build(site)
    source = site / "content" / "disclosures" / paths[0].name
    text = source.read_text(encoding="utf-8-sig")
    source.write_text(text.replace("克州人民政府办公室", "克州人民政府研究室"), encoding="utf-8")
    monkeypatch.setattr(update, "DELTA_LIMIT", 0)
    folded = build(site)
    index = site / "build" / INDEX_DIR
    assert folded.search.patched and "delta" not in (index / "meta.json").read_text()
    incremental = tree_hashes(index)
    monkeypatch.undo()
    source.write_text(text.replace("克州人民政府办公室", "克州人民政府研究室").replace("工作", "工做"),
                      encoding="utf-8")
    build(site)
    assert json.loads((index / "meta.json").read_text(encoding="utf-8"))["delta"] == 1
    assert '"工做"' in "".join(p.read_text(encoding="utf-8") for p in (index / "d").glob("*"))
    source.write_text(text.replace("克州人民政府办公室", "克州人民政府研究室"), encoding="utf-8")
    build(site, clean=True)
    assert incremental == tree_hashes(index)


def test_the_search_page_merges_a_delta_as_python_does():
    """search.js applies a term's delta entry and the emptied pages to its postings as
    `update.merged` does (pages dropped, replaced, patched, added before, between and
    after the term file's own), on random postings."""
    import random

    from playwright.sync_api import sync_playwright

    from generator.render.screenshots import launch
    from generator.search.update import _delta_entry, merged

    rng = random.Random(5)
    cases = []
    for _ in range(200):
        pages = sorted(rng.sample(range(60), rng.randint(0, 12)))
        held = {p: sorted(rng.sample(range(400), rng.randint(1, 6))) for p in pages}
        main = "".join(varint(p - q) + varint(len(c)) + "".join(
            varint(b - a) for a, b in zip([0] + c, c)) for q, (p, c) in zip([0] + pages, held.items()))
        changes = {}
        for page in rng.sample(range(60), rng.randint(0, 6)):
            had = held.get(page, [])
            dropped = (None if rng.random() < 0.4
                       else rng.sample(had, rng.randint(0, len(had))) + [rng.randrange(400)])
            changes[page] = (dropped, sorted(set(rng.sample(range(400), rng.randint(0, 4)))))
        gone = sorted(rng.sample([p for p in range(60) if p not in changes], rng.randint(0, 3)))
        cases.append([main, _delta_entry(changes), gone])
    script = (REPO / "templates" / "assets" / "search.js").read_text(encoding="utf-8")
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page()
        page.set_content(f"<script>{script}</script>")
        got = page.evaluate("cases => cases.map(c => searchAnalyzer.merge(c[0], c[1], c[2]))",
                            cases)
        browser.close()
    want = [merged(*case) for case in cases]
    assert got == want and sum(a != b[0] for a, b in zip(want, cases)) > 150
