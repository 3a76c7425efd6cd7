"""The caches under .cache are checked before they are believed: a damaged, edited or
crafted entry is dropped and built again, never published and never executed."""

from __future__ import annotations

import os
import pickle
import random
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from generator import cachefile
from generator.build import build
from generator.cli import main

from .conftest import SAMPLES
from .test_atomic import duckdb_content

SITE_TOML = '[site]\ntitle = "缓存"\n[build]\nsearch = false\ncharts = true\n'
AMOUNT = "002_612b4141f6be892e.txt"  # prints 本年收入 1314.40 nine times


def cached_site(make_site) -> Path:
    files: dict[str, str | bytes] = {"site.toml": SITE_TOML}
    for name in (AMOUNT, "004_27a732d9d5264bbf.txt"):
        files[f"content/disclosures/{name}"] = (SAMPLES / name).read_bytes()
    site = make_site(files)
    build(site)
    return site


def cache_files(site: Path, kind: str) -> list[Path]:
    return sorted(p for p in (site / ".cache" / kind).iterdir() if p.is_file())


def rebuild_everything(site: Path):
    """A build that renders every page again from the caches (as after a template change)
    and loads every document's rows from the parse cache (the last build's database is not
    reused: `incremental.DatabaseCache`)."""
    (site / ".cache" / "build-manifest.entry").unlink()
    (site / ".cache" / "db" / "state.entry").unlink()
    return build(site)


def published(site: Path) -> dict[str, bytes]:
    folder = site / "build"
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != "budget.duckdb"}


def test_truncated_chart_entries_are_drawn_again(make_site):
    site = cached_site(make_site)
    before = published(site)
    charts = {k: v for k, v in before.items() if k.startswith("charts/")}
    assert charts and all(charts.values())
    for path in cache_files(site, "charts"):
        path.write_bytes(path.read_bytes()[:0 if path.stat().st_size % 2 else 40])
    rebuild_everything(site)
    assert published(site) == before
    assert all(p.stat().st_size > 100 for p in cache_files(site, "charts"))


def test_an_edited_amount_in_the_parse_cache_is_not_published(make_site):
    site = cached_site(make_site)
    before = duckdb_content(site / "build" / "data" / "budget.duckdb")
    edited = 0
    for path in cache_files(site, "parse"):
        data = path.read_bytes()
        if b"1314.40" in data:
            path.write_bytes(data.replace(b"1314.40", b"1314.41"))
            edited += 1
    assert edited == 1
    rebuild_everything(site)
    # the edited entry was dropped, its source parsed again and stored afresh
    assert not any(b"1314.41" in p.read_bytes() for p in cache_files(site, "parse"))
    assert duckdb_content(site / "build" / "data" / "budget.duckdb") == before
    assert not any(b"1314.41" in data for data in published(site).values())


def test_random_bit_flips_in_any_cache_rebuild_the_same_site(make_site, capsys):
    site = cached_site(make_site)
    before = published(site)
    rng = random.Random(19)
    manifest = site / ".cache" / "build-manifest.entry"
    for path in cache_files(site, "parse") + cache_files(site, "charts") + [manifest]:
        data = bytearray(path.read_bytes())
        for _ in range(3):
            i = rng.randrange(len(data))
            data[i] ^= 1 << rng.randrange(8)
        path.write_bytes(bytes(data))
    assert main(["build", str(site)]) == 0
    assert "已是最新" not in capsys.readouterr().out  # the damaged manifest was not trusted
    assert published(site) == before


class _Crafted:
    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_a_crafted_cache_entry_runs_nothing(make_site, tmp_path):
    site = cached_site(make_site)
    before = published(site)
    marker = tmp_path / "ran"
    crafted = pickle.dumps(_Crafted(marker))
    for path in cache_files(site, "parse") + cache_files(site, "charts"):
        path.write_bytes(crafted)
        if path.suffix != ".pickle":
            shutil.copy(path, path.with_suffix(".pickle"))  # under the old name too
    report = rebuild_everything(site)
    assert not marker.exists()
    assert report.parsed == 2 and published(site) == before
    assert not list((site / ".cache" / "parse").glob("*.pickle"))  # old entries are removed


@pytest.mark.parametrize("amount", ["1314.40", "-0.00", "0", "1E+2", "12345678901234567.89"])
def test_amounts_round_trip_exactly(amount):
    value = {"amount": Decimal(amount), "row": (1, None, "名称", [Decimal(amount)]), "raw": b"\xff"}
    again = cachefile.loads(cachefile.dumps(value))
    assert str(again["amount"]) == amount and str(again["row"][3][0]) == amount
    assert again["row"] == [1, None, "名称", [Decimal(amount)]] and again["raw"] == b"\xff"


def test_an_entry_of_another_version_or_an_unknown_type_is_dropped(tmp_path, monkeypatch):
    entry = tmp_path / "x.entry"
    cachefile.write_entry(entry, [b"one", b"two"])
    assert cachefile.read_entry(entry, 1) == [b"two"]
    monkeypatch.setattr(cachefile, "generator_version", lambda: "another")
    assert cachefile.read_entry(entry) is None and not entry.exists()
    with pytest.raises(ValueError):
        cachefile.loads(b'{"$type": "Popen", "args": ["true"]}')
