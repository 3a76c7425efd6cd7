"""Long text: every reader is linear in its input (issue 19). A sample followed by a
million lines of prose once took hours (the glossary grew its last entry by copying it
for each paragraph). No timing here (bench/longtext.py prints the figures): the tests
count how often the readers look at a line, and check the long text is all kept."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from generator.parse.document import parse_text
from generator.sources import SourceText

from .conftest import sample_paths

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from longtext import PROSE, long_text  # noqa: E402


class CountedLines(list):
    """The lines of a source, counting every line a reader takes from them."""

    reads = 0

    def __getitem__(self, index):
        got = super().__getitem__(index)
        CountedLines.reads += len(got) if isinstance(index, slice) else 1
        return got

    def __iter__(self):
        for line in super().__iter__():
            CountedLines.reads += 1
            yield line


def line_reads(sample: Path, prose_lines: int) -> int:
    text = long_text(sample.read_text(encoding="utf-8"), prose_lines)
    CountedLines.reads = 0
    parse_text(SourceText("long.txt", text, CountedLines(text.split("\n")), "utf-8", "0" * 64))
    return CountedLines.reads


@pytest.mark.parametrize("sample", sample_paths(), ids=lambda p: p.name[:3])
def test_lines_read_grow_linearly_with_the_text(sample):
    small, large = line_reads(sample, 2_000), line_reads(sample, 8_000)
    # 6,000 more lines: each read a bounded number of times, not once per other line.
    assert large - small <= 60 * 6_000, (small, large)


@pytest.mark.parametrize("sample", sample_paths(), ids=lambda p: p.name[:3])
def test_a_long_glossary_keeps_all_its_text(sample):
    text = long_text(sample.read_text(encoding="utf-8"), 20_000)
    doc = parse_text(SourceText("long.txt", text, text.split("\n"), "utf-8", "0" * 64)).document
    assert doc is not None
    kept = "".join(body for _, body, _ in doc.glossary) + "".join(s.text for s in doc.sections)
    for sentence in PROSE:
        assert kept.count(sentence.strip("（一）")) >= 20_000 // len(PROSE)
