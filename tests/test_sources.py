"""Bad input: every problem is a named issue with file (and line), never a crash."""

from __future__ import annotations

import re
import unicodedata

from generator.golden import to_golden
from generator.parse.document import parse_file

from .conftest import sample_paths


def slugs(result):
    return {i.slug for i in result.issues}


def test_empty_file(tmp_path):
    p = tmp_path / "empty.txt"
    p.write_bytes(b"")
    r = parse_file(p)
    assert r.document is None and slugs(r) == {"source-empty"}
    assert str(p) in str(r.issues[0])


def test_binary_file(tmp_path):
    p = tmp_path / "scan.txt"
    p.write_bytes(b"%PDF-1.7\n\x00\x01\x02binary" * 50)
    r = parse_file(p)
    assert r.document is None and slugs(r) == {"source-binary"}


def test_undecodable_bytes_name_the_line(tmp_path):
    p = tmp_path / "bad.txt"
    p.write_bytes("第一行\n第二行\n".encode() + b"\xff\xfe\xfa\xfb\x80\x80" * 3 + b"\n")
    r = parse_file(p)
    assert r.document is None and slugs(r) == {"source-encoding"}
    assert r.issues[0].line == 3


def test_unknown_layout(tmp_path):
    p = tmp_path / "novel.txt"
    p.write_text("从前有座山，山里有座庙。\n" * 40, encoding="utf-8")
    r = parse_file(p)
    assert r.document is None and slugs(r) == {"layout-unknown"}
    assert r.issues[0].line == 1


def test_gbk_copy_parses_like_the_utf8_original(tmp_path):
    for original in sample_paths():
        text = original.read_text(encoding="utf-8")
        try:
            data = text.encode("gbk")
        except UnicodeEncodeError:
            data = text.encode("gb18030")
        copy = tmp_path / original.name
        copy.write_bytes(data)
        a, b = parse_file(original), parse_file(copy)
        assert b.document is not None
        assert b.document.encoding == "gb18030"
        assert "source-gbk" in slugs(b)
        assert to_golden(a.document) == to_golden(b.document)


def test_utf8_bom(tmp_path):
    original = sample_paths()[2]
    copy = tmp_path / original.name
    copy.write_bytes(b"\xef\xbb\xbf" + original.read_bytes())
    a, b = parse_file(original), parse_file(copy)
    assert b.document.encoding == "utf-8-sig"
    assert to_golden(a.document) == to_golden(b.document)


def test_utf16_copies_parse_like_the_utf8_original(tmp_path):
    """Word's and Notepad's "Unicode" text is UTF-16 with a byte-order mark; a copy may
    have lost the mark (little- or big-endian guessed from where the NULs fall)."""
    for original in sample_paths():
        text = original.read_text(encoding="utf-8")
        expected = to_golden(parse_file(original).document)
        for encoding in ("utf-16", "utf-16-le", "utf-16-be"):
            copy = tmp_path / original.name
            copy.write_bytes(text.encode(encoding))
            result = parse_file(copy)
            assert result.document is not None, (original.name, encoding, result.issues)
            assert result.document.encoding == encoding and "source-utf16" in slugs(result)
            assert to_golden(result.document) == expected


def test_truncated_documents_report_issues_and_never_raise(tmp_path):
    for original in sample_paths():
        lines = original.read_text(encoding="utf-8").split("\n")
        for fraction in (0.05, 0.3, 0.6):
            copy = tmp_path / f"cut-{fraction}-{original.name}"
            copy.write_text("\n".join(lines[: int(len(lines) * fraction)]), encoding="utf-8")
            r = parse_file(copy)
            if r.document is None:
                assert r.issues and all(i.path == str(copy) for i in r.issues)
            elif fraction == 0.05:
                # the core tables are gone: the document must say so
                assert "table-missing" in slugs(r)


def test_stray_nul_bytes_are_removed_with_an_issue(tmp_path):
    original = sample_paths()[2]
    lines = original.read_bytes().split(b"\n")
    lines[30] = lines[30][:4] + b"\x00" + lines[30][4:]
    copy = tmp_path / original.name
    copy.write_bytes(b"\n".join(lines))
    r = parse_file(copy)
    assert r.document is not None
    nul = [i for i in r.issues if i.slug == "source-nul"]
    assert len(nul) == 1 and nul[0].line == 31
    assert to_golden(r.document) == to_golden(parse_file(original).document)


FULLWIDTH = str.maketrans("0123456789.,", "０１２３４５６７８９．，")


def test_unicode_spaces_and_fullwidth_digits_read_as_plain_ones(tmp_path):
    """A copy with no-break spaces for spaces, zero-width spaces after 。 and every amount
    in full-width digits ("１，９０４．２５") reads like the original, and says so (it read
    as no layout at all, or kept amounts out of the 绩效 targets)."""
    for original in sample_paths():
        text = original.read_text(encoding="utf-8")
        text = re.sub(r"\d[\d,]*\.\d+", lambda m: m.group().translate(FULLWIDTH), text)
        text = text.replace(" ", "\u00a0").replace("。", "。\u200b")
        copy = tmp_path / original.name
        copy.write_text(text, encoding="utf-8")
        result = parse_file(copy)
        assert result.document is not None, (original.name, result.issues)
        assert to_golden(result.document) == to_golden(parse_file(original).document)
        notice = next(i for i in result.issues if i.slug == "source-characters")
        assert notice.severity == "info" and "全角数字按半角数字读取" in notice.message


def test_kangxi_radicals_read_as_the_han_characters_they_look_like(tmp_path):
    """pdftotext gives some fonts' Han characters as Kangxi radicals ("⼀般公共服务⽀出":
    U+2F00, U+2F40), which look the same and match nothing: every title, name and 科目
    was lost. A copy with every such character as its radical reads like the original."""
    radical = {unicodedata.normalize("NFKC", chr(c)): chr(c) for c in range(0x2F00, 0x2FD6)}
    for original in sample_paths():
        text = original.read_text(encoding="utf-8")
        copy = tmp_path / original.name
        copy.write_text("".join(radical.get(ch, ch) for ch in text), encoding="utf-8")
        assert copy.read_text(encoding="utf-8") != text
        result = parse_file(copy)
        assert result.document is not None, (original.name, result.issues)
        assert to_golden(result.document) == to_golden(parse_file(original).document)
        notice = next(i for i in result.issues if i.slug == "source-characters")
        assert "康熙部首或兼容汉字按常用汉字读取" in notice.message
