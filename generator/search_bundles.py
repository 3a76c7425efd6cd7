"""Search bundles: a big site's pages in shards, each indexed by its own Pagefind process.

Pagefind holds all it indexes in memory until it writes the bundle: one process over a
2,000-document province peaked at 3.8 GB, and a shard of 4 million Han characters at about
870 MB (some 220 bytes a character). A site with more text than `build.search_shard_size` (Han characters, word tails
included) is therefore indexed in shards:

- every page goes to one of K shards by a hash of its path, K = ceil(text / shard size);
  the first shard is the primary bundle, `pagefind/`, the others `pagefind/shards/N/`. A
  page's shard depends only on its path and K, so a rebuild puts it in the same shard;
  and each shard is a sample of all kinds of pages, so the word statistics Pagefind ranks
  by are alike in every shard, and their scores can be compared when merged (shards by
  kind of page ranked short department pages above the department-year page of the very
  project searched for);
- at most `jobs` Pagefind processes run at once, so memory is bounded by the shard size,
  not by the size of the site; each is stopped only once its bundle is whole on disk
  (`run_pagefind`: Pagefind answers before its writes are done);
- the search page merges the shards into the primary in the browser (Pagefind's
  `mergeIndex`, which ranks and filters the results of all of them together);
  `pagefind/shards.json` lists them. A site within one shard gets one bundle, as before.

Every bundle is keyed by the hash of the pages it indexes (as indexed, tails included), the
binary and the settings. With a cache folder, a bundle built before under the same key is
taken from `<cache>/bundles/<key>/` instead of being indexed again: changing one document
re-indexes its shard and the primary, not the whole site. Bundles no build used last are
dropped from the cache.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import math
import os
import shutil
import time
import zlib
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from .search_stable import bundle_problems

DEFAULT_SHARD_SIZE = 2_000_000  # Han characters: a Pagefind process of about 450 MB
SHARDS_FILE = "shards.json"
SHARDS_DIR = "shards"
# What a merged shard needs; the scripts, styles and WebAssembly come from the primary.
SHARD_FILES = ("pagefind-entry.json", "*.pf_meta", "index", "fragment", "filter")


def plan_shards(weights: dict[str, int], shard_size: int) -> list[list[str]]:
    """Pages (path → characters of text) in bundles, the first the primary.

    One bundle when everything fits in `shard_size` (or `shard_size` ≤ 0); else
    K = ceil(text / shard size) shards, each page in shard crc32(path) mod K. Each list is
    sorted; a shard that gets no page is dropped (K stays, so other pages keep theirs).
    """
    total = sum(weights.values())
    if shard_size <= 0 or total <= shard_size:
        return [sorted(weights)]
    count = math.ceil(total / shard_size)
    shards: list[list[str]] = [[] for _ in range(count)]
    for page in sorted(weights):
        shards[zlib.crc32(page.encode("utf-8")) % count].append(page)
    return [shard for shard in shards if shard]


def bundle_key(salt: str, pages: dict[str, bytes]) -> str:
    """The key of a shard: the hash of `salt` and of its pages as Pagefind will read them
    (path → SHA-256 of the bytes)."""
    digest = hashlib.sha256(salt.encode("utf-8"))
    for page in sorted(pages):
        digest.update(page.encode("utf-8") + b"\0" + pages[page])
    return digest.hexdigest()


class BundleCache:
    """Finished bundles by key, in `<folder>/bundles/<key>/`; no folder: no cache.
    `read=False` (a clean build) never reuses a bundle, and replaces it with the new one."""

    def __init__(self, folder: Path | None, read: bool = True):
        self.root = folder / "bundles" if folder is not None else None
        self.read = read

    def get(self, key: str) -> Path | None:
        if self.root is None or not self.read:
            return None
        path = self.root / key
        return path if path.is_dir() and not bundle_problems(path) else None  # whole, or not used

    def put(self, key: str, bundle: Path) -> Path:
        """Move a finished bundle in (atomically: a killed build leaves no half bundle)."""
        if self.root is None:
            return bundle
        self.root.mkdir(parents=True, exist_ok=True)
        target = self.root / key
        if target.exists():
            if self.read:  # put meanwhile by another build: the same pages, the same bundle
                shutil.rmtree(bundle)
                return target
            shutil.rmtree(target)
        tmp = self.root / f".{key}.{os.getpid()}.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.move(str(bundle), tmp)
        tmp.rename(target)
        return target

    def prune(self, keep: set[str]) -> None:
        """Drop every bundle (and leftover temporary) that this build did not use."""
        if self.root is None or not self.root.is_dir():
            return
        for entry in self.root.iterdir():
            if entry.name not in keep:
                shutil.rmtree(entry, ignore_errors=True)


async def index_folders(jobs: list[tuple[Path, Path]], config: Any, workers: int) -> None:
    """Index each (pages folder, bundle folder) pair with its own Pagefind process, at most
    `workers` at once."""
    gate = asyncio.Semaphore(max(1, workers))

    async def one(pages: Path, bundle: Path) -> None:
        async with gate:
            # One directory: one request to the service, not one per page (its client
            # reads a reply every 0.1 s).
            await run_pagefind(config(output_path=str(bundle)), bundle,
                               lambda index: index.add_directory(str(pages)))

    await asyncio.gather(*(one(pages, bundle) for pages, bundle in jobs))


ATTEMPTS = 3  # a bundle still incomplete after this many indexings fails the search
SETTLE_SECONDS = 10.0  # how long a written bundle may take to be whole on disk


async def run_pagefind(config: Any, bundle: Path,
                       add: Callable[[Any], Awaitable[Any]]) -> None:
    """One Pagefind service: `add(index)` puts the pages in, the bundle is written to
    `bundle`, and the service is stopped only once the bundle is whole (`bundle_problems`):
    stopping it as soon as it answers loses the writes still in flight. A bundle that is
    not whole within `SETTLE_SECONDS` is indexed again; after `ATTEMPTS`, RuntimeError."""
    from pagefind.service import PagefindService

    problems: list[str] = []
    for _ in range(ATTEMPTS):
        shutil.rmtree(bundle, ignore_errors=True)
        async with PagefindService() as service:
            index = await service.create_index(config)
            await add(index)
            await index.write_files()
            deadline = time.monotonic() + SETTLE_SECONDS
            while (problems := bundle_problems(bundle)) and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
        if not problems:
            return
    raise RuntimeError(f"{bundle.name}: the bundle Pagefind wrote is incomplete after "
                       f"{ATTEMPTS} attempts: {'; '.join(problems[:5])}")


def install_bundles(bundles: list[Path], target: Path) -> None:
    """Put the primary bundle at `target` and the shards under `target/shards/N/`, and list
    the shards in `target/shards.json` (relative paths, for the search page)."""
    _copy_tree(bundles[0], target)
    shards = []
    for n, bundle in enumerate(bundles[1:], start=1):
        folder = target / SHARDS_DIR / str(n)
        folder.mkdir(parents=True)
        for pattern in SHARD_FILES:
            for path in sorted(bundle.glob(pattern)):
                (_copy_tree if path.is_dir() else _link_or_copy)(path, folder / path.name)
        shards.append(f"{SHARDS_DIR}/{n}/")
    (target / SHARDS_FILE).write_text(json.dumps({"shards": shards}) + "\n", encoding="utf-8")


def _copy_tree(source: Path, target: Path) -> None:
    shutil.copytree(source, target, copy_function=_link_or_copy, dirs_exist_ok=True)


def _link_or_copy(source: Any, target: Any) -> None:
    """Hard-link a cached file into the site (bundle files are never changed in place)."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
