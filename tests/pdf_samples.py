"""Tiny PDFs written byte by byte for the PDF reader's tests: the odd things real files do
(radical code points in a font's ToUnicode map, text drawn twice for bold, encryption, a
page that is only an image), each in a few hundred bytes and without any PDF library."""

from __future__ import annotations


def pdf_file(objects: list[bytes], trailer: bytes = b"") -> bytes:
    """A PDF of `objects` (object 1 is the catalog), with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, trailer, xref)
    return bytes(out)


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def text_pdf(content: bytes, to_unicode: dict[int, str] | None = None,
             trailer: bytes = b"") -> bytes:
    """One A4 page drawing `content` (a content stream) with Helvetica as /F1; the
    font's ToUnicode map sends byte codes to the given characters (else the standard
    encoding)."""
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        _stream(content),
    ]
    if to_unicode:
        font += b" /ToUnicode 6 0 R"
        pairs = b"".join(b"<%02X> <%04X>\n" % (code, ord(ch)) for code, ch in to_unicode.items())
        cmap = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
                b"/CMapName /Test def 1 begincodespacerange <00> <FF> endcodespacerange\n"
                b"%d beginbfchar\n" % len(to_unicode) + pairs +
                b"endbfchar endcmap CMapName currentdict /CMap defineresource pop end end")
        objects += [font + b" >>", _stream(cmap)]
    else:
        objects.append(font + b" >>")
    return pdf_file(objects, trailer)


def encrypted_pdf() -> bytes:
    """A PDF under the standard security handler whose user password is not empty."""
    trailer = (b"/Encrypt << /Filter /Standard /V 1 /R 2 /P -44 /O <" + b"ab" * 32 + b"> /U <"
               + b"cd" * 32 + b"> >> /ID [<0123456789abcdef0123456789abcdef> "
               b"<0123456789abcdef0123456789abcdef>]")
    return text_pdf(b"BT /F1 12 Tf 72 700 Td (secret) Tj ET", trailer=trailer)


def image_only_pdf(pages: int = 1) -> bytes:
    """`pages` pages each showing one grey 2×2 image and no text: a scan."""
    kids = b" ".join(b"%d 0 R" % (3 + 2 * i) for i in range(pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages)]
    image_object = 3 + 2 * pages
    for i in range(pages):
        objects += [
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources "
            b"<< /XObject << /Im1 %d 0 R >> >> /Contents %d 0 R >>" % (image_object, 4 + 2 * i),
            _stream(b"q 400 0 0 600 90 120 cm /Im1 Do Q"),
        ]
    objects.append(_stream(b"\x80\x90\xa0\xb0", b"/Type /XObject /Subtype /Image /Width 2 "
                           b"/Height 2 /ColorSpace /DeviceGray /BitsPerComponent 8"))
    return pdf_file(objects)
