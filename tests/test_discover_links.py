"""`sources.discover`: a folder is resolved once for its files, and a link out of the site
is still left out, whether it is the file or a folder on the way to it."""

from __future__ import annotations

from generator.config import load_config
from generator.sources import discover


def test_links_out_of_the_site_are_left_out_and_the_rest_found(tmp_path):
    site = tmp_path / "site"
    inner = site / "content" / "disclosures" / "inner"
    inner.mkdir(parents=True)
    (site / "site.toml").write_text('[site]\ntitle = "t"\n', encoding="utf-8")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "secret.txt").write_text("x", encoding="utf-8")
    (inner / "a.txt").write_text("x", encoding="utf-8")
    (inner / "b.txt").symlink_to(outside / "secret.txt")           # a file linked out
    (inner / "c.txt").symlink_to(inner / "a.txt")                  # a file linked within
    (site / "content" / "disclosures" / "out").symlink_to(outside)  # a folder linked out
    config = load_config(site)
    found = [p.relative_to(site).as_posix() for p in discover(config.content_dir, config.inside)]
    assert found == ["content/disclosures/inner/a.txt", "content/disclosures/inner/c.txt"]
    assert len(discover(config.content_dir)) >= 3  # without the check, the links are found
