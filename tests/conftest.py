"""Shared fixtures: the sample disclosures and tiny sites built from a dict of files."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "content" / "disclosures"
GOLDEN = ROOT / "tests" / "golden"


def sample_paths() -> list[Path]:
    return sorted(SAMPLES.glob("*.txt"))


@pytest.fixture
def make_site(tmp_path: Path):
    """make_site({"content/disclosures/a.txt": "...", "site.toml": "..."}) → site folder."""

    def _make(files: dict[str, str | bytes]) -> Path:
        for name, data in files.items():
            path = tmp_path / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(data, bytes):
                path.write_bytes(data)
            else:
                path.write_text(data, encoding="utf-8")
        return tmp_path

    return _make
