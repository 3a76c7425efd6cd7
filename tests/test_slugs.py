"""URLs never change meaning: a slug depends on the document's own name, year and path,
never on which other files the site has or the order they are read in."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator import slugs
from generator.build import assign_ids, build

from .conftest import SAMPLES

SAMPLE = "004_27a732d9d5264bbf.txt"  # 阿图什市人民政府办公室 2021
SITE_TOML = '[site]\ntitle = "网址"\n[build]\nsearch = false\ncharts = false\n'


def disclosure(department: str) -> str:
    text = (SAMPLES / SAMPLE).read_text(encoding="utf-8")
    return text.replace("阿图什市人民政府办公室", department)


def budget_pages(site: Path) -> dict[str, str]:
    """doc_id → the department named in its page's title."""
    folder = site / "build" / "budgets"
    pages = {}
    for page in folder.glob("*/index.html"):
        html = page.read_text(encoding="utf-8")
        title = html.split("<title>", 1)[1].split("</title>", 1)[0]
        pages[page.parent.name] = title
    return pages


def test_a_new_department_read_alike_does_not_take_an_existing_url(make_site):
    site = make_site({"site.toml": SITE_TOML, "content/disclosures/a.txt": disclosure("市正局")})
    build(site)
    (first,) = budget_pages(site)
    assert first.startswith("shi-zheng-ju-")
    (site / "content" / "disclosures" / "b.txt").write_text(disclosure("市政局"), encoding="utf-8")
    build(site)
    pages = budget_pages(site)
    assert len(pages) == 2 and "市正局" in pages[first] and "市政局" not in pages[first]
    departments = site / "build" / "departments"
    listed = [p.read_text(encoding="utf-8") for p in departments.glob("*/index.html")]
    assert len(listed) == 2
    assert all(len([doc_id for doc_id in pages if doc_id in html]) == 1 for html in listed)


@dataclass(frozen=True)
class Doc:
    path: str
    department: str | None
    year: int | None


def test_doc_ids_do_not_shift_as_files_are_added():
    a = Doc("content/disclosures/a.txt", "市正局", 2021)
    c = Doc("content/disclosures/c.txt", "市正局", 2021)
    b = Doc("content/disclosures/b.txt", "市正局", 2021)
    two = {doc.path: doc_id for doc_id, doc in assign_ids([a, c]).items()}
    three = {doc.path: doc_id for doc_id, doc in assign_ids([a, b, c]).items()}
    assert len(set(two.values())) == 2 and len(set(three.values())) == 3
    assert two[a.path] == three[a.path] and two[c.path] == three[c.path]
    for order in itertools.permutations([a, b, c]):
        assert {d.path: i for i, d in assign_ids(list(order)).items()} == three


def test_a_slug_depends_only_on_its_name():
    alone = slugs.unique_slugs(["市正局"])
    more = slugs.unique_slugs(["市政局", "市正局", "阿图什市市正局"])
    assert alone["市正局"] == more["市正局"] != more["市政局"]
    assert alone["市正局"].startswith("shi-zheng-ju-")


def test_colliding_slugs_are_told_apart_whatever_the_order(monkeypatch):
    real = slugs.short_hash
    monkeypatch.setattr(slugs, "short_hash", lambda text, length=6:
                        "0" * length if length <= 6 else real(text, length))
    names = ["市政局", "市正局", "什正局"]  # the same pinyin, and (patched) the same hash
    found = [slugs.unique_slugs(order) for order in itertools.permutations(names)]
    assert all(f == found[0] for f in found)
    assert len(set(found[0].values())) == 3
    # an ASCII name spelled like another's hashed slug gets a slug of its own
    crafted = slugs.unique_slugs(["市正局", "市政局", slugs.name_slug("市正局")])
    assert len(set(crafted.values())) == 3


@pytest.mark.parametrize("name, slug", [
    ("阿图什市", "a-tu-shi-shi"), ("乌什县", "wu-shi-xian"), ("克孜勒苏柯尔克孜自治州",
                                                          "ke-zi-le-su-ke-er-ke-zi-zi-zhi-zhou"),
    ("尼勒克县", "ni-le-ke-xian"), ("伽师县", "jia-shi-xian"), ("喀什地区", "ka-shi-di-qu"),
    ("银行", "yin-hang"), ("行政公署", "xing-zheng-gong-shu"), ("什么", "shen-me"),
])
def test_place_names_slug_by_their_reading(name, slug):
    assert slugs.slugify(name) == slug
