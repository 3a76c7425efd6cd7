"""Pagefind bundles made byte-stable: the same pages give the same files, every build.

Pagefind writes two parts of a bundle in hash-map order, which changes from run to run
(its issue #638; its fragments and word indexes are stable): the values inside each filter
file (`filter/*.pf_filter`: 类型, 地区, 年度, 部门, each value with its page numbers) and
the list of filters in the metadata (`pagefind.<hash>.pf_meta`). Both files are named by a
hash of their bytes, and `pagefind-entry.json` names the metadata, so two indexings of
the same pages differed in six files, and a clean build was not byte-identical to the last.

`stabilize_bundle` rewrites those files with their lists sorted (values by value, filters
by name), names them by the SHA-256 of their new content, and points the metadata and
the entry file at the new names. What the browser reads is unchanged: the same filters,
values and pages, in another order. The files are gzip (fixed header) around
`pagefind_dcd` and CBOR; `encode` writes CBOR the way Pagefind's encoder does (definite
lengths, shortest heads), so a file decoded and encoded again is the same bytes.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import zlib
from pathlib import Path
from typing import Any

MAGIC = b"pagefind_dcd"
META_FILTERS = 3  # [version, pages, index chunks, filters, sorts, meta fields]
# What reading a file that is missing, cut short (gzip) or in another format raises.
FORMAT_ERRORS = (OSError, ValueError, EOFError, KeyError, IndexError, TypeError,
                 AttributeError, zlib.error)


def stabilize_bundle(bundle: Path) -> bool:
    """Rewrite the filter and metadata files of the Pagefind bundle at `bundle` in a stable
    order (module docstring); False, with the bundle left as it was, when a file is not in
    the format this code knows (another Pagefind version)."""
    entry_path = bundle / "pagefind-entry.json"
    try:
        entry_text = entry_path.read_text(encoding="utf-8")
        plans = [_plan_language(bundle, info["hash"])
                 for info in json.loads(entry_text)["languages"].values()]
    except FORMAT_ERRORS:
        return False
    rewritten: dict[Path, tuple[Path, bytes]] = {}
    for old_meta, new_meta, files in plans:
        rewritten.update(files)
        rewritten[old_meta] = new_meta
        entry_text = entry_text.replace(f'"{_hash_of(old_meta)}"', f'"{_hash_of(new_meta[0])}"')
    for new, data in rewritten.values():  # every new file first, then the old ones go
        new.write_bytes(gzip.compress(MAGIC + data, compresslevel=9, mtime=0))
    kept = {new for new, _ in rewritten.values()}
    for old in rewritten.keys() - kept:
        old.unlink()
    entry_path.write_text(entry_text, encoding="utf-8")
    return True


def _plan_language(bundle: Path, meta_hash: str
                   ) -> tuple[Path, tuple[Path, bytes], dict[Path, tuple[Path, bytes]]]:
    """What to write for one language's index: (old metadata file, (new one, its bytes),
    {old filter file: (new one, its bytes)}); nothing is written yet."""
    language = meta_hash.rsplit("_", 1)[0]
    meta_path = bundle / f"pagefind.{meta_hash}.pf_meta"
    meta = read_file(meta_path)
    filters = meta[META_FILTERS]
    files: dict[Path, tuple[Path, bytes]] = {}
    renamed: list[list[str]] = []
    for name, old_hash in filters:
        old = bundle / "filter" / f"{old_hash}.pf_filter"
        filter_name, values = read_file(old)
        for value, pages in values:
            if not isinstance(value, str) or not all(isinstance(p, int) for p in pages):
                raise ValueError(f"{old.name}: not a filter value")
        data = encode([filter_name, sorted(values, key=lambda v: v[0])])
        new_hash = _content_name(language, data, 7, {h for _, h in renamed})
        files[old] = (old.with_name(f"{new_hash}.pf_filter"), data)
        renamed.append([name, new_hash])
    meta[META_FILTERS] = sorted(renamed)
    data = encode(meta)
    new_meta = bundle / f"pagefind.{_content_name(language, data, 13, set())}.pf_meta"
    return meta_path, (new_meta, data), files


# What every bundle has besides its index; `bundle_problems` checks them and what the
# metadata lists.
BUNDLE_FILES = ("pagefind.js", "pagefind-worker.js", "wasm.unknown.pagefind")


def bundle_problems(bundle: Path) -> list[str]:
    """What is missing or empty in the Pagefind bundle at `bundle`: the entry file, each
    language's metadata, and every fragment, word index and filter file it lists.

    The service answers "written" once it has handed its files to its writer threads, not
    when they are on disk; a service stopped at that moment leaves files empty (seen: an
    empty `pagefind-entry.json` in one shard of eleven, under load)."""
    found = [f"{name}: missing or empty" for name in BUNDLE_FILES if not _has_bytes(bundle / name)]
    try:
        languages = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))["languages"]
        hashes = [info["hash"] for info in languages.values()]
    except FORMAT_ERRORS:
        return found + ["pagefind-entry.json: missing, empty or not Pagefind's"]
    for meta_hash in hashes:
        try:
            meta = read_file(bundle / f"pagefind.{meta_hash}.pf_meta")
            listed = ([f"fragment/{page[0]}.pf_fragment" for page in meta[1]]
                      + [f"index/{chunk[2]}.pf_index" for chunk in meta[2]]
                      + [f"filter/{f[1]}.pf_filter" for f in meta[META_FILTERS]])
        except FORMAT_ERRORS:
            found.append(f"pagefind.{meta_hash}.pf_meta: missing, cut short or not Pagefind's")
            continue
        found += [f"{name}: missing or empty" for name in listed if not _has_bytes(bundle / name)]
    return found


def _has_bytes(path: Path) -> bool:
    try:
        return path.stat().st_size > 0
    except OSError:
        return False


def _content_name(language: str, data: bytes, length: int, taken: set[str]) -> str:
    digest = hashlib.sha256(data).hexdigest()
    while f"{language}_{digest[:length]}" in taken and length < len(digest):
        length += 1
    return f"{language}_{digest[:length]}"


def _hash_of(meta_file: Path) -> str:
    return meta_file.name.removeprefix("pagefind.").removesuffix(".pf_meta")


def read_file(path: Path) -> Any:
    """A Pagefind data file (gzip, `pagefind_dcd`, one CBOR item) decoded."""
    raw = gzip.decompress(path.read_bytes())
    if not raw.startswith(MAGIC):
        raise ValueError(f"{path.name}: not a Pagefind data file")
    item, end = decode(raw, len(MAGIC))
    if end != len(raw):
        raise ValueError(f"{path.name}: bytes after its data")
    return item


# CBOR (RFC 8949), the part Pagefind's files use: unsigned integers, text, arrays.
UINT, TEXT, ARRAY = 0, 3, 4


def decode(data: bytes, pos: int = 0) -> tuple[Any, int]:
    """The CBOR item at `pos`, and the position after it."""
    major, value, pos = _head(data, pos)
    if major == UINT:
        return value, pos
    if major == TEXT:
        end = pos + value
        if end > len(data):
            raise ValueError("CBOR text runs past the end")
        return data[pos:end].decode("utf-8"), end
    if major == ARRAY:
        items = []
        for _ in range(value):
            item, pos = decode(data, pos)
            items.append(item)
        return items, pos
    raise ValueError(f"CBOR major type {major} at byte {pos} is not used by Pagefind")


def _head(data: bytes, pos: int) -> tuple[int, int, int]:
    if pos >= len(data):
        raise ValueError("CBOR data ends early")
    major, info = data[pos] >> 5, data[pos] & 31
    pos += 1
    if info < 24:
        return major, info, pos
    if info > 27:
        raise ValueError(f"CBOR indefinite or reserved length at byte {pos - 1}")
    size = 1 << (info - 24)
    if pos + size > len(data):
        raise ValueError("CBOR data ends early")
    return major, int.from_bytes(data[pos:pos + size], "big"), pos + size


def encode(item: Any) -> bytes:
    """`item` (int ≥ 0, str, list of those) as CBOR with the shortest heads."""
    out = bytearray()
    _encode(item, out)
    return bytes(out)


def _encode(item: Any, out: bytearray) -> None:
    if isinstance(item, bool) or not isinstance(item, (int, str, list)):
        raise ValueError(f"cannot encode {type(item).__name__}")
    if isinstance(item, int):
        _put_head(UINT, item, out)
    elif isinstance(item, str):
        raw = item.encode("utf-8")
        _put_head(TEXT, len(raw), out)
        out += raw
    else:
        _put_head(ARRAY, len(item), out)
        for element in item:
            _encode(element, out)


def _put_head(major: int, value: int, out: bytearray) -> None:
    if value < 0:
        raise ValueError("negative integers are not used by Pagefind")
    if value < 24:
        out.append(major << 5 | value)
        return
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if value < 1 << (8 * size):
            out.append(major << 5 | info)
            out += value.to_bytes(size, "big")
            return
    raise ValueError("integer too large for CBOR")
