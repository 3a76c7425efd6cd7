"""Prose readers shared by every layout (filled in below)."""

from __future__ import annotations

from ..model import Document
from ..sources import SourceText


def read_profile(source: SourceText, doc: Document) -> None:
    """Department, region, year, unit, staffing, divisions, sub-units, sections."""
