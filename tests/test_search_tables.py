"""The page reader finds a table's body rows by `str.find` (`search.pages._table_bodies`):
the same elements the pattern `<tbody\\b[^>]*>.*?</tbody\\s*>` finds, in every arrangement of
start tags, end tags and look-alikes (`<tbodyx>`, `</tbody >`, an end tag cut short)."""

from __future__ import annotations

import itertools
import re

from generator.search.pages import _table_bodies

PATTERN = re.compile(r"<tbody\b[^>]*>.*?</tbody\s*>", re.S)
PIECES = ["<tbody>", '<tbody class="x">', "<tbodyx>", "</tbody>", "</tbody >", "</tbodyx>",
          "</tbody", "<tbody", "<tr><td>1</td></tr>", ">", "\n"]


def test_table_bodies_are_those_the_pattern_finds():
    checked = 0
    for size in range(1, 4):
        for pieces in itertools.product(PIECES, repeat=size):
            html = "x".join(pieces)
            assert list(_table_bodies(html)) == [m.span() for m in PATTERN.finditer(html)], html
            checked += 1
    assert checked > 1_000
