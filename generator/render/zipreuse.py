"""`data/tables-csv.zip` without compressing again what the last build compressed.

A bulk CSV goes into the zip as the pieces `bulk.write_parted` deflated, each on its own
(an unchanged part's copied from the last build's zip with its CRC, `bulkstore`), one
after the other.

A parsed table's CSV that this build linked from the last one (the same file: its page
was not rendered again) goes into the zip as the last build's zip holds it: its
compressed bytes copied, its header made as for a member compressed here. Deflate at a
given level gives the same bytes for the same input every time, so the zip is the one a
clean build writes.
"""

from __future__ import annotations

import contextlib
import os
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    from .bulkstore import Deflated

COPY_CHUNK = 1 << 20
LOCAL_HEADER = struct.Struct("<4s5H3L2H")  # ends with the name's and the extra field's length


class PreviousZip:
    """The last build's zip and output folder (`previous_dir`), for `compressed`."""

    def __init__(self, previous_dir: Path, zip_path: Path):
        self.previous_dir = previous_dir
        self.file = zip_path.open("rb")
        with zipfile.ZipFile(self.file) as archive:
            self.members = {i.filename: i for i in archive.infolist()}

    def compressed(self, member: str, rel: str, out_dir: str) -> tuple[zipfile.ZipInfo, bytes] | None:
        """The member `member` of the last zip and its compressed bytes, if the file at
        `rel` under `out_dir` (this build's) is the very file the last build zipped (linked)."""
        info = self.members.get(member)
        if info is None or info.compress_type != zipfile.ZIP_DEFLATED:
            return None
        try:
            before = os.stat(os.path.join(self.previous_dir, rel))
            now = os.stat(os.path.join(out_dir, rel))
        except OSError:
            return None
        if (before.st_ino, before.st_dev) != (now.st_ino, now.st_dev) or now.st_size != info.file_size:
            return None
        self.file.seek(info.header_offset)
        header = LOCAL_HEADER.unpack(self.file.read(LOCAL_HEADER.size))
        self.file.seek(info.header_offset + LOCAL_HEADER.size + header[-2] + header[-1])
        data = self.file.read(info.compress_size)
        return (info, data) if len(data) == info.compress_size else None

    def close(self) -> None:
        self.file.close()


def open_previous(previous_dir: Path | None, rel: str) -> PreviousZip | None:
    """The last build's zip at `previous_dir / rel`, if there is a readable one."""
    if previous_dir is None or not (previous_dir / rel).is_file():
        return None
    try:
        return PreviousZip(previous_dir, previous_dir / rel)
    except (OSError, zipfile.BadZipFile):
        return None


def add_compressed(archive: zipfile.ZipFile, info: zipfile.ZipInfo, before: zipfile.ZipInfo,
                   data: bytes) -> None:
    """Add the member `info` (made as for `writestr`) whose deflated bytes `data`, CRC and
    size are those of `before`."""
    _add_raw(archive, info, before.CRC, before.file_size, len(data), lambda out: out.write(data))


def add_deflated(archive: zipfile.ZipFile, info: zipfile.ZipInfo, pieces: list[Deflated]) -> list[int]:
    """Add the member `info` whose deflated data are the `pieces` one after the other, then
    `bulk.DEFLATE_END`; its CRC is combined from theirs (`crc32_combine`), so the file
    they stand for is not read again. Returns where each piece's bytes begin in the zip."""
    from .bulk import DEFLATE_END

    crc = size = 0
    for piece in pieces:
        crc, size = crc32_combine(crc, piece.crc, piece.size), size + piece.size
    compressed = sum(piece.compressed_size for piece in pieces) + len(DEFLATE_END)
    offsets: list[int] = []

    def write(out) -> None:
        with contextlib.ExitStack() as stack:
            sources: dict[Path, BinaryIO] = {}  # the last build's zip, opened once
            for piece in pieces:
                offsets.append(out.tell())
                if isinstance(piece.data, bytes):
                    out.write(piece.data)
                    continue
                span = piece.data
                if span.path not in sources:
                    sources[span.path] = stack.enter_context(span.path.open("rb"))
                src = sources[span.path]
                src.seek(span.offset)
                left = span.length
                while left and (block := src.read(min(COPY_CHUNK, left))):
                    out.write(block)
                    left -= len(block)
                if left:
                    raise OSError(f"{span.path} ends before its recorded part")
        out.write(DEFLATE_END)

    _add_raw(archive, info, crc, size, compressed, write)
    return offsets


def _gf2_times(matrix: list[int], vector: int) -> int:
    out, n = 0, 0
    while vector:
        if vector & 1:
            out ^= matrix[n]
        vector >>= 1
        n += 1
    return out


def _zero_operators() -> list[list[int]]:
    """The operator that appends 2**k zero bytes to a CRC-32, for k = 0 … 63 (zlib's
    crc32_combine, which Python's zlib does not offer, squares its way to them)."""
    bit = [0xEDB88320] + [1 << n for n in range(31)]  # one zero bit
    operators = []
    for _ in range(3 + 64):  # 1, 2, 4 zero bits, then 1, 2, 4 … zero bytes
        bit = [_gf2_times(bit, row) for row in bit]
        operators.append(bit)
    return operators[2:]


_ZEROS: list[list[int]] = []


def crc32_combine(crc1: int, crc2: int, length2: int) -> int:
    """The CRC-32 of A + B from the CRC-32 `crc1` of A and `crc2` of B, `length2` bytes long."""
    if not _ZEROS:
        _ZEROS.extend(_zero_operators())
    k = 0
    while length2:
        if length2 & 1:
            crc1 = _gf2_times(_ZEROS[k], crc1)
        length2 >>= 1
        k += 1
    return crc1 ^ crc2


def _add_raw(archive: zipfile.ZipFile, info: zipfile.ZipInfo, crc: int, size: int,
             compressed: int, write: Callable[[BinaryIO], object]) -> None:
    """What `ZipFile.open(info, "w")` writes for a member (its header, then its data),
    the data deflated already: `write` writes it."""
    info.flag_bits = 0x00
    info.CRC, info.file_size, info.compress_size = crc, size, compressed
    zip64 = info.file_size * 1.05 > zipfile.ZIP64_LIMIT
    with archive._lock:
        archive.fp.seek(archive.start_dir)
        info.header_offset = archive.fp.tell()
        archive._writecheck(info)
        archive._didModify = True
        archive.fp.write(info.FileHeader(zip64))
        write(archive.fp)
        archive.start_dir = archive.fp.tell()
        archive.filelist.append(info)
        archive.NameToInfo[info.filename] = info
