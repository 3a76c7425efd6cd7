"""Search index (placeholder until the search issue lands)."""

from __future__ import annotations

from pathlib import Path


def build_search_index(site: Path) -> None:
    return None
