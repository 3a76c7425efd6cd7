"""The whole-site database downloads: `data/budget.duckdb` and the Parquet files read back
from it, written anew by a clean build, brought up to date by an incremental one.

A clean build publishes the working database into a fresh file whose bytes depend only on
its content (`db.publish`). An incremental build starts from a copy of the last build's
file and replaces the rows of the documents that changed, came or went (`db.start_publishing`
with a base): the rows are those a clean build's file holds, the bytes are not (README,
"Downloads"). Which documents the last build's file holds, and under which keys, is
recorded beside the bulk layout (`bulkstore`, `data/budget.duckdb`: each doc_id's key, and
the size of the last file written anew); a build that finds the file changed since, or
grown past `GROWTH_LIMIT` times that size, publishes anew.

The spare (the site before last, `render/spare.py`) holds the file the build before last
published: when that is known (`bulkstore.PartStore.spare_record`: the very file recorded,
linked from nowhere else) the publishing process updates it in place instead of copying
the last build's (155 MB at 2,000 documents), and it becomes this build's; the last
build's file stays as it is, served until the swap, then the next spare's.

Each table's Parquet export is a folder, `data/parquet/<table>/`, of parts: the rows of a
run of about `bulk.PART_DOCS` documents each (`bulk.chunks`: where a run begins depends on
its first doc_id alone), then those of no document; a table of fewer than
`bulk.PART_MIN_ROWS` rows is one part. A part whose documents' keys are unchanged is
linked from the last build's; the others are written by the publishing process.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .. import db
from ..config import Config
from ..incremental import digest
from . import bulk
from .bulkstore import PartStore
from .downloads import BulkPlan, plan_bulk

PUBLISHED_REL = "data/budget.duckdb"
PARQUET_REL = "data/parquet"
# An updated file this much larger than the last one written anew is written anew: the
# rows DuckDB deletes leave their space in the file until it rewrites their row groups.
GROWTH_LIMIT = 1.5


def input_doc_keys(inputs: dict[str, str]) -> dict[str, str]:
    """doc_id → its input key (`doc:<doc_id>` in `inputs`)."""
    return {name[4:]: key for name, key in inputs.items() if name.startswith("doc:")}


def document_keys(inputs: dict[str, str], config: Config) -> dict[str, str]:
    """doc_id → what its rows in the database depend on: its input key (`doc:<doc_id>`
    in `inputs`), the generator's version and config, and DuckDB's version."""
    settings = digest(bulk.settings_key(config), db.ENGINE_VERSION)
    return {doc_id: digest(settings, key) for doc_id, key in input_doc_keys(inputs).items()}


def parquet_plan(con, inputs: dict[str, str], config: Config, store: PartStore) -> bulk.PartPlan:
    """Which Parquet parts of the tables of `con` to write and which to link from the last
    build (`store`), the documents' input keys being `inputs` (`doc:<doc_id>`)."""
    return bulk.plan(bulk.table_parts(con, site_chunks(inputs, config)), PARQUET_REL, "parquet", store)


def site_chunks(inputs: dict[str, str], config: Config) -> list[bulk.Chunk]:
    """The chunks of the site's documents (`bulk.chunks`), their input keys being `inputs`."""
    return bulk.chunks(input_doc_keys(inputs), bulk.settings_key(config))


def _parquet_parts(plan: bulk.PartPlan) -> list[db.ParquetPart]:
    return [(part.table, part.where, name, part.optional) for part, name in plan.write]


@dataclass
class Publishing:
    """The downloads being published by another process (`db.Started`), the keys of the
    documents they hold, the size of the last DuckDB file written anew (None: this one
    is), the Parquet parts and the layout store they were planned from (the bulk files'
    too: `render_downloads` records in it)."""

    started: db.Started
    keys: dict[str, str]
    clean_size: int | None
    parquet: bulk.PartPlan
    store: PartStore
    exports: BulkPlan | None = None  # the CSV and JSON parts, written by that process too

    def finish(self, con, data_dir: Path) -> None:
        """Write the CSV and JSON parts that process has not begun (from `con`, with its
        memory capped), wait for it, put the files in place under `data_dir` and record
        them in `store` (the CSV and JSON parts are recorded as they are placed:
        `downloads.write_bulk`)."""
        with bulk.capped_memory(con):
            self.started.help_copies(con, data_dir)
        self.started.finish(data_dir / "budget.duckdb", data_dir / "parquet", data_dir)
        self.parquet.place(data_dir.parent, self.store)
        record(self.store, data_dir / "budget.duckdb", self.keys, self.clean_size)

    def cancel(self) -> None:
        self.started.cancel()


def start(con, config: Config, inputs: dict[str, str], previous_dir: Path | None,
          spare_file: Path | None = None) -> Publishing | None:
    """Start publishing the database of `con` (documents' input keys: `inputs`), as an
    update of an earlier build's file when what it holds is known: the spare's
    (`spare_file`: where the site before last's lies now, not served) updated in place,
    else a copy of the last build's (in `previous_dir`). The same process then writes the
    bulk CSV and JSON parts that changed (`downloads.BulkPlan.copies`) from its file, on
    the second core while this one renders the pages (an edit's parts of a province took
    0.7 CPU-s here, after the pages)."""
    store = PartStore(bulk.cache_folder(config), previous_dir)
    keys = document_keys(inputs, config)
    base, replace, clean_size = _base(store, keys, spare_file)
    chunks = site_chunks(inputs, config)
    parts = bulk.table_parts(con, chunks)
    plan = bulk.plan(parts, PARQUET_REL, "parquet", store)
    started = db.start_publishing(con, base, replace, _parquet_parts(plan),
                                  in_place=base is not None and base == spare_file, copies=True)
    if started is None:
        return None
    exports = plan_bulk(con, chunks, store, parts)  # (planned while the process starts)
    started.give_copies(exports.copies())
    return Publishing(started, keys, clean_size, plan, store, exports)


@contextmanager
def publishing(con, config: Config, inputs: dict[str, str], store: PartStore,
               data_dir: Path) -> Iterator[None]:
    """Publish the database of `con` anew into `data_dir` (`db.publishing`) while the body
    runs, then record it in `store`."""
    plan = parquet_plan(con, inputs, config, store)
    with db.publishing(con, data_dir / "budget.duckdb", data_dir / "parquet", _parquet_parts(plan)):
        yield
    plan.place(data_dir.parent, store)
    record(store, data_dir / "budget.duckdb", document_keys(inputs, config), None)


def _base(store: PartStore, keys: dict[str, str], spare_file: Path | None = None
          ) -> tuple[Path | None, list[str] | None, int | None]:
    """The file to bring up to date (the spare's `spare_file`, else the last build's), the
    doc_ids whose rows differ there, and the size of the last file of its line written
    anew; (None, None, None) if it is to be written anew."""
    for path, recorded in ((spare_file, store.spare_record(PUBLISHED_REL, spare_file)
                            if spare_file is not None else None),
                           store.file_record(PUBLISHED_REL) or (None, None)):
        if recorded is None:
            continue
        before, clean_size = recorded.get("docs"), recorded.get("clean")
        if isinstance(before, dict) and isinstance(clean_size, int) \
                and recorded["file"][1] <= clean_size * GROWTH_LIMIT:
            return path, sorted(d for d in before.keys() | keys.keys() if before.get(d) != keys.get(d)), clean_size
    return None, None, None


def record(store: PartStore, target: Path, keys: dict[str, str], clean_size: int | None) -> None:
    """`target` holds the documents `keys`; `clean_size`: that of the last file written
    anew (None: `target` was)."""
    store.record_file(PUBLISHED_REL, target, docs=keys,
                      clean=target.stat().st_size if clean_size is None else clean_size)
