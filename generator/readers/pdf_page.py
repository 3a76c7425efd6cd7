"""What PDFium shows of one PDF page: its characters with their boxes, its ruling lines, and
whether it carries images (a page of images and no text is a scan).

Every box here is (x0, top, x1, bottom) in points from the top-left corner of the page as it
is displayed (after its /Rotate), the way `model.Origin.box` measures. PDFium's own boxes
count from the bottom-left of the unrotated page, so each is turned once, here.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass

import pypdfium2.raw as pdfium_c

Box = tuple[float, float, float, float]
# One character: (text, x0, top, x1, bottom), a tuple because a page has thousands of them.
Char = tuple[str, float, float, float, float]

# A path object thinner than this (points) is a ruling line, whatever way it was drawn (a
# stroked segment or a filled hair-thin rectangle: WPS and Word draw table borders as both).
RULE_THICKNESS = 2.5
# …and at least this long (a dot or a tick is no ruling).
RULE_MIN_LENGTH = 3.0


@dataclass
class PageContent:
    """One page's characters, ruling lines (split by direction) and what else it shows."""

    chars: list[Char]
    horizontal: list[Box]
    vertical: list[Box]
    has_images: bool


@dataclass
class _Frame:
    """The visible page in PDF space (origin and size, unrotated) and its /Rotate."""

    left: float
    bottom: float
    raw_width: float
    raw_height: float
    rotation: int

    @property
    def width(self) -> float:
        return self.raw_height if self.rotation in (90, 270) else self.raw_width

    @property
    def height(self) -> float:
        return self.raw_width if self.rotation in (90, 270) else self.raw_height

    def box(self, left: float, bottom: float, right: float, top: float) -> Box:
        """A PDF-space rectangle as (x0, top, x1, bottom) from the top-left of the page as
        displayed (/Rotate turns it clockwise)."""
        left, right = left - self.left, right - self.left
        bottom, top = bottom - self.bottom, top - self.bottom
        w, h = self.raw_width, self.raw_height
        if self.rotation == 90:
            return bottom, left, top, right
        if self.rotation == 180:
            return w - right, bottom, w - left, top
        if self.rotation == 270:
            return h - top, w - right, h - bottom, w - left
        return left, h - top, right, h - bottom


def read_page_content(page) -> PageContent:
    """The characters, ruling lines and image flag of a pypdfium2 `PdfPage` (closes the
    text page it opens; the caller closes the page). What lies outside the page's visible
    box (text a word processor let overflow onto the next page's margin) is left out."""
    crop = pdfium_c.FS_RECTF()
    if not pdfium_c.FPDF_GetPageBoundingBox(page.raw, crop):
        crop.left, crop.bottom, crop.right, crop.top = 0, 0, page.get_width(), page.get_height()
    frame = _Frame(crop.left, crop.bottom, crop.right - crop.left, crop.top - crop.bottom,
                   page.get_rotation() % 360)
    textpage = page.get_textpage()
    try:
        chars = _page_chars(textpage, frame)
    finally:
        textpage.close()
    horizontal, vertical, has_images = _page_rules(page, frame)
    return PageContent(chars, horizontal, vertical, has_images)


def _page_chars(textpage, frame: _Frame) -> list[Char]:
    """Every printed character with its loose box (the font's full height and advance,
    so a line's characters share top and bottom and gaps between them are real gaps).
    Spaces and line breaks (PDFium generates some) are left out: the layout finds its own."""
    count = textpage.count_chars()
    if count <= 0:
        return []
    raw = textpage.raw
    # One call for the whole page's text; it lines up with the character indices unless a
    # character lies outside the Basic Multilingual Plane, then one call per character.
    text = textpage.get_text_range()
    if len(text) != count:
        text = "".join(chr(pdfium_c.FPDFText_GetUnicode(raw, i) or 0xFFFD) for i in range(count))
    rect = pdfium_c.FS_RECTF()
    get_box = pdfium_c.FPDFText_GetLooseCharBox
    page_width, page_height = frame.width, frame.height
    chars: list[Char] = []
    for i, ch in enumerate(text):
        if ch.isspace() or ch == "\ufffe":  # PDFium's generated characters are all spaces
            continue
        if not get_box(raw, i, rect):
            continue
        x0, top, x1, bottom = frame.box(rect.left, rect.bottom, rect.right, rect.top)
        if x1 > 1 and x0 < page_width - 1 and bottom > 1 and top < page_height - 1:
            chars.append((ch, x0, top, x1, bottom))
    return chars


def _page_rules(page, frame: _Frame) -> tuple[list[Box], list[Box], bool]:
    """The page's ruling lines, horizontal and vertical, and whether it has images.

    A thin path object is a line; a stroked rectangle gives its four edges; a filled
    rectangle (a shaded header) is no ruling: its edges usually coincide with real lines.
    Objects are walked with the raw API (a page may hold thousands: no wrapper for each),
    into form XObjects too, whose objects' bounds are in the form's space.
    """
    horizontal: list[Box] = []
    vertical: list[Box] = []
    has_images = False
    for obj, matrix in _path_and_image_objects(page.raw):
        if obj is None:
            has_images = True
            continue
        box = _object_box(obj, matrix, frame)
        x0, y0, x1, y1 = box
        w, h = x1 - x0, y1 - y0
        if min(w, h) <= RULE_THICKNESS:
            if h <= RULE_THICKNESS and w >= RULE_MIN_LENGTH:
                horizontal.append(box)
            elif w <= RULE_THICKNESS and h >= RULE_MIN_LENGTH:
                vertical.append(box)
        elif _is_stroked_rectangle(obj):
            horizontal += [(x0, y0, x1, y0), (x0, y1, x1, y1)]
            vertical += [(x0, y0, x0, y1), (x1, y0, x1, y1)]
    return horizontal, vertical, has_images


_IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _path_and_image_objects(raw_page, form=None, matrix=_IDENTITY, depth=0):
    """(path object, matrix of its enclosing forms) for every path, (None, …) for every
    image, on the page or (recursively) inside a form object."""
    if form is None:
        count, get = pdfium_c.FPDFPage_CountObjects(raw_page), pdfium_c.FPDFPage_GetObject
        owner = raw_page
    else:
        count, get = pdfium_c.FPDFFormObj_CountObjects(form), pdfium_c.FPDFFormObj_GetObject
        owner = form
    get_type = pdfium_c.FPDFPageObj_GetType
    for i in range(count):
        obj = get(owner, i)
        kind = get_type(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            yield obj, matrix
        elif kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            yield None, matrix
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < 8:
            inner = pdfium_c.FS_MATRIX()
            pdfium_c.FPDFPageObj_GetMatrix(obj, inner)
            composed = _compose((inner.a, inner.b, inner.c, inner.d, inner.e, inner.f), matrix)
            yield from _path_and_image_objects(raw_page, obj, composed, depth + 1)


def _compose(inner: tuple, outer: tuple) -> tuple:
    """The matrix applying `inner`, then `outer` (PDF row-vector convention)."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D,
            e * A + f * C + E, e * B + f * D + F)


_bounds = [ctypes.c_float() for _ in range(4)]


def _object_box(obj, matrix: tuple, frame: _Frame) -> Box:
    left, bottom, right, top = _bounds
    pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top)
    x0, y0, x1, y1 = left.value, bottom.value, right.value, top.value
    if matrix is not _IDENTITY:
        a, b, c, d, e, f = matrix
        xs, ys = zip(*((x * a + y * c + e, x * b + y * d + f) for x in (x0, x1) for y in (y0, y1)))
        x0, y0, x1, y1 = min(xs), min(ys), max(xs), max(ys)
    return frame.box(x0, y0, x1, y1)


def _is_stroked_rectangle(obj) -> bool:
    fill_mode, stroked = ctypes.c_int(), ctypes.c_int()
    pdfium_c.FPDFPath_GetDrawMode(obj, fill_mode, ctypes.byref(stroked))
    return bool(stroked.value) and pdfium_c.FPDFPath_CountSegments(obj) <= 5
