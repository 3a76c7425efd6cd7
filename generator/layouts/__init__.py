"""Registry of source layouts and layout detection."""

from __future__ import annotations

from ..sources import SourceText
from .base import Layout

#: Below this confidence no layout claims a file and it is reported as unknown.
MIN_CONFIDENCE = 0.5


def all_layouts() -> list[Layout]:
    from .pdf_padded import PdfPaddedLayout
    from .pdf_single_space import PdfSingleSpaceLayout
    from .tsv import TsvLayout
    from .word_cells import WordCellsLayout

    return [PdfSingleSpaceLayout(), WordCellsLayout(), TsvLayout(), PdfPaddedLayout()]


def detect_layout(source: SourceText) -> tuple[Layout | None, dict[str, float]]:
    """The best layout for `source` (None if none is confident), and the scores asked."""
    layouts = all_layouts()
    scores: dict[str, float] = {}
    for layout in layouts:
        scores[layout.name] = layout.detect(source)
        if scores[layout.name] >= 1.0:  # certain: no later layout scores higher (the first best wins)
            return layout, scores
    best = max(layouts, key=lambda layout: scores[layout.name])
    if scores[best.name] < MIN_CONFIDENCE:
        return None, scores
    return best, scores
