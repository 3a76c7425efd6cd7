"""Reading source files: bytes → text lines, with the encoding found and problems named.

A source that cannot be read (empty, binary, undecodable) yields an `Issue`, never an
exception, so the build goes on with the other documents.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .model import Issue
from .readers import BINARY_SUFFIXES

if TYPE_CHECKING:
    from .config import Config

SOURCE_SUFFIXES = {".txt", ".md", ".text"}
# Every file `discover` hands on: text renderings and the formats a reader is listed for
# (PDF, Excel, Word: `readers.READERS`).
DOCUMENT_SUFFIXES = SOURCE_SUFFIXES | BINARY_SUFFIXES


@dataclass
class SourceText:
    """A decoded source. `lines[i]` is line i+1 of the file, without its line ending."""

    path: str
    text: str
    lines: list[str]
    encoding: str
    sha256: str

    def line(self, number: int) -> str:
        """Line `number` (1-based)."""
        return self.lines[number - 1]


def _looks_binary(data: bytes) -> bool:
    """A PDF, Word file or image: many NUL or control bytes. A few stray NULs in a text
    file are not enough (they are removed with an issue instead)."""
    sample = data[:65536]
    if sample.count(b"\x00") * 1000 > len(sample):  # more than one byte in a thousand
        return True
    head = data[:8192]
    controls = len(head.translate(None, _NOT_CONTROL))  # C speed: every file passes here
    return controls > max(8, len(head) // 50)


# Every byte but the control bytes that do not occur in text (NUL is counted apart).
_NOT_CONTROL = bytes(b for b in range(256) if b >= 32 or b in (0, 9, 10, 12, 13, 27))


def utf16_encoding(data: bytes) -> str | None:
    """"utf-16" for text Word or Notepad saved as "Unicode" (UTF-16 with its byte-order
    mark); "utf-16-le"/"utf-16-be" for UTF-16 without one: NULs (the high byte of every
    digit, tab and line end) mostly on one side, and the start decodes to text with
    hardly a control character or a letter of U+0100–U+1FFF (Latin, Greek, Cyrillic …:
    where a binary file's bytes land, and a Chinese budget has almost none). None for
    any other file (a PDF's NULs fall on both sides)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    sample = data[:65536]
    nuls = sample.count(b"\x00")
    if len(sample) < 16 or nuls * 50 < len(sample):  # not one byte in fifty
        return None
    odd = sample[1::2].count(b"\x00")
    # (three in four: a Han character may have a NUL low byte, 一 is 00 4E, U+3000 00 30)
    encoding = "utf-16-le" if odd * 4 >= nuls * 3 else "utf-16-be" if odd * 4 <= nuls else None
    if encoding is None:
        return None
    text = sample.decode(encoding, errors="replace")
    odd_chars = sum(1 for c in text if (c < " " and c not in "\t\n\r\x0c") or "\u0100" <= c < "\u2000")
    return encoding if (odd_chars + text.count("\ufffd")) * 100 <= len(text) else None


def decode(data: bytes) -> tuple[str, str] | None:
    """Decode UTF-16 (`utf16_encoding`), UTF-8 (with or without BOM) or GB18030 (a
    superset of GBK and GB2312)."""
    wide = utf16_encoding(data)
    if wide is not None:
        try:
            return data.decode(wide), wide
        except UnicodeDecodeError:
            return None
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            return None
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return None


def read_source(path: Path, display_path: str | None = None) -> tuple[SourceText | None, list[Issue]]:
    """Read one file. Returns the text, or None and the issues saying why not."""
    shown = display_path or str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [Issue("source-unreadable", f"无法读取文件：{exc.strerror}", shown, None, "error")]
    digest = hashlib.sha256(data).hexdigest()
    if not data.strip():
        return None, [Issue("source-empty", "文件是空的", shown, None, "error")]
    if utf16_encoding(data) is None and _looks_binary(data):
        return None, [Issue("source-binary", "文件是二进制格式，不是提取出的文本"
                            "（请先把 PDF 或 Word 文件转成文本）", shown, None, "error")]
    decoded = decode(data)
    if decoded is None:
        line = data[: _first_bad_offset(data)].count(b"\n") + 1
        return None, [Issue("source-encoding", "文件不是 UTF-8、UTF-16 或 GB18030/GBK 编码的文本",
                            shown, line, "error")]
    text, encoding = decoded
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    issues = []
    if "\x00" in text:
        lines_with_nul = [i for i, line in enumerate(text.split("\n"), 1) if "\x00" in line]
        listed = ", ".join(map(str, lines_with_nul[:5])) + (" …" if len(lines_with_nul) > 5 else "")
        issues.append(Issue("source-nul", f"已删除第 {listed} 行中的 NUL 字节", shown,
                            lines_with_nul[0], "warning"))
        text = text.replace("\x00", "")
    text, normalized = normalize_characters(text)
    if normalized:
        issues.append(Issue("source-characters", normalized, shown, None, "info"))
    if encoding == "gb18030":
        issues.append(Issue("source-gbk", "按 GB18030/GBK 编码读取（不是 UTF-8）", shown, None, "info"))
    elif encoding.startswith("utf-16"):
        issues.append(Issue("source-utf16", "按 UTF-16 编码读取（Word 或记事本的“Unicode”文本）",
                            shown, None, "info"))
    return SourceText(shown, text, text.split("\n"), encoding, digest), issues


# Characters PDF and Word conversion leave that mean something plainer: no-break and other
# Unicode spaces (a plain space to every reader; U+3000 stays, Word prints empty cells with
# it), zero-width characters (nothing), full-width digits ("１，９０４．２５", a number), and
# the Kangxi radicals and compatibility ideographs some PDF fonts map Han characters to
# ("⼀般公共服务⽀出": ⼀ U+2F00 and ⽀ U+2F40 look like 一 and 支 but match nothing).
_SPACES = "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f"
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_FULLWIDTH_DIGITS = "０１２３４５６７８９"
_HAN_FORMS = {c: n for c in map(chr, [*range(0x2E80, 0x2EF4), *range(0x2F00, 0x2FD6),
                                      *range(0xF900, 0xFB00)])
              if len(n := unicodedata.normalize("NFKC", c)) == 1 and n != c}
_ODD_CHARACTERS = re.compile(f"[{_SPACES}{_ZERO_WIDTH}{_FULLWIDTH_DIGITS}"
                             "\u2e80-\u2ef3\u2f00-\u2fd5\uf900-\ufaff]")
_PLAIN = str.maketrans({**{c: " " for c in _SPACES}, **{c: None for c in _ZERO_WIDTH},
                        **{c: str(n) for n, c in enumerate(_FULLWIDTH_DIGITS)}, **_HAN_FORMS})
# A full-width point or comma between full-width digits belongs to the number.
_FULLWIDTH_NUMBER_PUNCT = re.compile(f"(?<=[{_FULLWIDTH_DIGITS}])[．，](?=[{_FULLWIDTH_DIGITS}])")


def normalize_characters(text: str) -> tuple[str, str | None]:
    """`text` with no-break and other Unicode spaces as plain spaces, zero-width characters
    removed, full-width digits as ASCII ones and radical forms as the Han characters they
    stand for (`_PLAIN`), and what was changed, for an info issue (None: nothing). Every
    reader then sees "1,904.25" and "一般公共服务支出" however they were typed."""
    first = _ODD_CHARACTERS.search(text)
    if first is None:
        return text, None
    counts = {"spaces": 0, "zero-width": 0, "digits": 0, "han": 0}
    for m in _ODD_CHARACTERS.finditer(text, first.start()):
        c = m.group()
        counts["spaces" if c in _SPACES else "zero-width" if c in _ZERO_WIDTH
               else "digits" if c in _FULLWIDTH_DIGITS else "han"] += 1
    text = _FULLWIDTH_NUMBER_PUNCT.sub(lambda m: "." if m.group() == "．" else ",", text)
    line = text.count("\n", 0, first.start()) + 1
    done = "，".join(what.format(n) for what, n in (
        ("{} 个不换行空格或其他 Unicode 空格按普通空格读取", counts["spaces"]),
        ("删除了 {} 个零宽字符", counts["zero-width"]),
        ("{} 个全角数字按半角数字读取", counts["digits"]),
        ("{} 个康熙部首或兼容汉字按常用汉字读取", counts["han"])) if n)
    return text.translate(_PLAIN), f"{done}（首次出现在第 {line} 行）"


def _first_bad_offset(data: bytes) -> int:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start
    return 0


def discover(content_dir: Path, inside: Callable[[Path], bool] | None = None) -> list[Path]:
    """Source files under content/disclosures (text, PDF, Excel, Word), in a stable order;
    with `inside` (`Config.inside`), only those that are not links out of the site."""
    root = content_dir / "disclosures"
    if not root.is_dir():
        return []
    folders: dict[Path, bool] = {}

    def within(path: Path) -> bool:
        # A file that is not a link lies where its folder does: each folder is resolved
        # once, not each of a province's files (most of a no-change rebuild's time).
        if inside is None:
            return True
        if path.is_symlink():
            return inside(path)
        if path.parent not in folders:
            folders[path.parent] = inside(path.parent)
        return folders[path.parent]

    return sorted(p for p in root.rglob("*") if p.is_file() and not is_scratch(p)
                  and p.suffix.lower() in DOCUMENT_SUFFIXES and within(p))


def is_scratch(path: Path) -> bool:
    """A file no one published: hidden (.DS_Store) or an Office lock file (~$预算.xlsx)."""
    return path.name.startswith((".", "~$"))


def links_out_of_site(config: Config) -> list[Issue]:
    """A warning for each symbolic link in content/disclosures, content/pages and
    templates/ that leads out of the site folder: a build does not follow them."""
    issues = []
    for folder in (config.content_dir / "disclosures", config.content_dir / "pages",
                   config.site_dir / "templates"):
        if not folder.exists():
            continue
        links = [folder] if not config.inside(folder) else \
            [p for p in sorted(folder.rglob("*")) if p.is_symlink() and not config.inside(p)]
        for link in links:
            shown = link.relative_to(config.site_dir).as_posix() \
                if link.is_relative_to(config.site_dir) else str(link)
            issues.append(Issue("link-out-of-site", "指向站点文件夹之外的符号链接"
                                f"（指向 {os.path.realpath(link)}）：未读取", shown, None, "warning"))
    return issues
