"""Header labels wrapped over lines in a rendering without column positions (single-space
text): a narrow column prints its label a few characters a line ("一般公" / "共预算" /
"拨款"), so a label is a run of consecutive pieces, each alone on its line. Left to right,
the longest run (up to MAX_PIECES pieces and MAX_LABEL characters) that is exactly a label
the catalogue knows is a column; a piece no such run starts at is no column (科目编码,
类 款 项). A header none of whose labels wraps is not this module's (a multi-level header
printed line by line names its columns in another order)."""

from __future__ import annotations

from ..grid import GridRow
from ..numbers import TOTAL_LABELS, squash
from .catalogue import Catalogue
from .header import Column

MAX_PIECES = 8
MAX_LABEL = 24  # no known column label is longer
_TOTAL_WORDS = sorted(TOTAL_LABELS, key=len, reverse=True)  # 总合计 before 合计


def wrapped_columns(header: list[GridRow], catalogue: Catalogue) -> list[Column]:
    """The columns the header's wrapped labels name, in print order, each key once."""
    exact = catalogue.exact_labels()
    pieces = [c for row in header for c in row.cells]
    texts = [squash(c.text) for c in pieces]
    alone = {id(row.cells[0]) for row in header if len(row.cells) == 1}
    columns: list[Column] = []
    start = 0
    while start < len(pieces):
        longest = start + 1  # the run of lone pieces from here
        while id(pieces[longest - 1]) in alone and longest < len(pieces) and id(pieces[longest]) in alone \
                and longest - start < MAX_PIECES:
            longest += 1
        for end in range(longest, start, -1):
            label = "".join(texts[start:end])
            key = exact.get(label) or exact.get(_as_heji(label)) if len(label) <= MAX_LABEL else None
            if key:
                if key not in {c.key for c in columns}:
                    columns.append(Column(key, label, None, None, pieces=pieces[start:end]))
                start = end
                break
        else:
            start += 1
    wraps = any(len(c.pieces) > 1 for c in columns)
    return columns if wraps else []


def _as_heji(label: str) -> str:
    """A label whose total word is printed otherwise (项目支出总计, 合计：) as the catalogue
    spells it (项目支出合计): `numbers.TOTAL_LABELS` are one word."""
    bare = label.rstrip("：:")
    for word in _TOTAL_WORDS:
        if bare.endswith(word):
            return bare[: -len(word)] + "合计"
    return label
