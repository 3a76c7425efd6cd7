"""Cache entries that are checked before they are believed.

Everything under `<site>/.cache` (parse results, chart SVGs) is written as an entry: one
header line of JSON naming the format, the generator version and the length and sha256
of each part, then the parts. `read_entry` checks the header, the version and the hash
of the part it returns; an entry that fails (truncated, flipped bits, edited, written by
another version) is deleted and reads as missing, so the caller builds it again. Nothing
in a cache is ever executed: the data is plain JSON (`dumps`/`loads`), with amounts as
exact decimal strings and only the dataclasses registered here rebuilt from it. A cache
shared between machines or restored in CI is thus at worst useless, never harmful.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from . import __version__

ENTRY_FORMAT = 1
SUFFIX = ".entry"
_TYPES: dict[str, type] = {}  # the dataclasses an entry may hold, by name


@lru_cache(maxsize=1)
def generator_version() -> str:
    """The package version and a hash of the generator's own code: a changed parser or
    renderer invalidates every cache, even without a version bump."""
    package = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        h.update(path.read_bytes())
        h.update(b"\0")
    return __version__ + "+" + h.hexdigest()[:16]


def write_entry(path: Path, parts: list[bytes]) -> None:
    """Write `parts` as one entry at `path`, atomically (a temporary file renamed)."""
    header = {"format": ENTRY_FORMAT, "generator": generator_version(),
              "parts": [[len(p), hashlib.sha256(p).hexdigest()] for p in parts]}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("wb") as f:  # one write: a document's entry has some twenty parts
        f.write(b"".join([json.dumps(header).encode("ascii"), b"\n", *parts]))
    tmp.replace(path)


def read_entry(path: Path, start: int = 0, stop: int | None = None) -> list[bytes] | None:
    """Parts `start` to `stop` (default: the rest) of the entry at `path`, verified; None
    (and the entry deleted) when it is missing, damaged or from another generator version."""
    try:
        with path.open("rb") as f:
            header = json.loads(f.readline(1 << 20))  # a header is a few kB
            sizes = [int(size) for size, _ in header["parts"]]
            offset = f.tell()
            if header["format"] != ENTRY_FORMAT or header["generator"] != generator_version() \
                    or os.fstat(f.fileno()).st_size != offset + sum(sizes) or start >= len(sizes):
                raise ValueError("不是本版本写入的缓存条目，或已被截断")
            f.seek(offset + sum(sizes[:start]))
            parts = []
            for size, (_, sha256) in zip(sizes[start:stop], header["parts"][start:stop]):
                parts.append(f.read(size))
                if hashlib.sha256(parts[-1]).hexdigest() != sha256:
                    raise ValueError("内容与其哈希值不符")
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        path.unlink(missing_ok=True)
        return None
    return parts


def register(*types: type) -> None:
    """Dataclasses `loads` may rebuild (any other name in an entry makes it unreadable)."""
    _TYPES.update((t.__name__, t) for t in types)


def dumps(value: Any) -> bytes:
    """`value` as JSON: Decimal as its exact string, registered dataclasses by name and
    fields, bytes as UTF-8 text (hex where they are not), tuples as lists."""
    return json.dumps(value, default=_tagged, ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")


def loads(data: bytes) -> Any:
    """The value `dumps` wrote; ValueError on anything it would not have written."""
    try:
        return json.loads(data, object_hook=_untagged)
    except (TypeError, ArithmeticError) as error:  # a dataclass's fields, a Decimal's text
        raise ValueError(f"不是纯数据的缓存内容：{error}") from error


def _tagged(value: Any) -> Any:
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, bytes):
        try:
            return {"$utf8": value.decode("utf-8")}
        except UnicodeDecodeError:
            return {"$hex": value.hex()}
    if dataclasses.is_dataclass(value) and _TYPES.get(type(value).__name__) is type(value):
        return {"$type": type(value).__name__, **{name: getattr(value, name) for name in _field_names(type(value))}}
    raise TypeError(f"不是纯数据的缓存内容：{type(value).__name__}")


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    """A registered dataclass's fields, once (every issue of every document is one)."""
    return tuple(f.name for f in dataclasses.fields(cls))


def _untagged(obj: dict) -> Any:
    if "$decimal" in obj:
        return Decimal(obj["$decimal"])
    if "$utf8" in obj:
        return obj["$utf8"].encode("utf-8")
    if "$hex" in obj:
        return bytes.fromhex(obj["$hex"])
    if "$type" in obj:
        cls = _TYPES.get(obj.pop("$type"))
        if cls is None:
            raise ValueError("缓存条目中有未知的类型")
        return cls(**obj)
    return obj
