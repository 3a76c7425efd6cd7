"""Layout pdf-single-space (placeholder: being written)."""

from __future__ import annotations

from ..model import Document
from ..sources import SourceText


class PdfSingleSpaceLayout:
    name = "pdf-single-space"
    description = "placeholder"

    def detect(self, source: SourceText) -> float:
        return 0.0

    def read(self, source: SourceText, doc: Document) -> None:
        return None
