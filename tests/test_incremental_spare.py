"""The spare: the site a build replaced is kept, and the next build updates it in place
(`render.spare`) instead of linking every unchanged file into a new folder. Its result is
the same site, file for file, as a clean build, and the site being served is never
written into."""

from __future__ import annotations

import shutil
from pathlib import Path

from generator.build import build
from generator.output_guard import spare_folder

from .conftest import sample_paths
from .test_incremental import (
    EDITED,
    OTHER,
    OTHER_DOC,
    assert_same_as_clean_build,
    edit_source,
    hashes,
    incremental_site,
)


def folder_id(folder: Path) -> int:
    return folder.stat().st_ino


def test_the_site_before_last_is_updated_in_place(make_site, tmp_path):
    site = incremental_site(make_site, charts=True)
    build(site)
    cold = folder_id(site / "build")
    edit_source(site)
    build(site)
    spare = spare_folder(site / "build")
    assert folder_id(spare) == cold  # the replaced site is kept, not deleted
    served = hashes(site / "build")
    path = site / "content" / "disclosures" / OTHER
    path.write_bytes(path.read_bytes().replace("克州".encode(), "克孜勒苏州".encode(), 1))
    report = build(site)
    assert folder_id(site / "build") == cold and report.parsed == 1
    # the site it replaced (served meanwhile) is the spare now, every byte as it was
    assert hashes(spare) == served
    assert_same_as_clean_build(site, tmp_path)


def test_a_removed_document_leaves_nothing_in_the_spare(make_site, tmp_path):
    site = incremental_site(make_site, charts=True)
    build(site)
    edit_source(site)
    build(site)
    moved = tmp_path / OTHER
    shutil.move(site / "content" / "disclosures" / OTHER, moved)
    build(site)  # the spare, the first build's site, had OTHER's pages
    assert not (site / "build" / OTHER_DOC).exists()
    assert_same_as_clean_build(site, tmp_path / "without")
    shutil.move(moved, site / "content" / "disclosures" / OTHER)
    build(site)  # the spare, the second build's site, had them too: linked or held again
    assert (site / "build" / OTHER_DOC / "index.html").is_file()
    assert_same_as_clean_build(site, tmp_path / "with")


def test_a_spare_not_described_by_its_manifest_is_not_used(make_site, tmp_path):
    site = incremental_site(make_site)
    build(site)
    edit_source(site)
    build(site)
    spare = spare_folder(site / "build")
    # replaced by a copy (another folder): its manifest does not describe it
    shutil.copytree(spare, tmp_path / "copy", copy_function=shutil.copy)
    shutil.rmtree(spare)
    shutil.move(tmp_path / "copy", spare)
    (spare / "index.html").write_text("stale", encoding="utf-8")
    sample = next(p for p in sample_paths() if p.name == EDITED)
    shutil.copy(sample, site / "content" / "disclosures" / EDITED)  # back as it was
    build(site)
    assert "stale" not in (site / "build" / "index.html").read_text(encoding="utf-8")
    assert_same_as_clean_build(site, tmp_path / "clean")
