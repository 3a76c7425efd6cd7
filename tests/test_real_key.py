"""Real Shanghai and Jiangsu disclosures (tests/real): every pdftotext rendering present is
parsed by `python -m generator parse FILE --key` (in-process) and scored against the key
figures (tests/real/KEY.json, scored by tests/real/score.py as the key's authors do).

Per rendering kind, over all its files: at least 95 % of the key's figures exact, none
wrong. A figure may be missing where the rendering lost it; the floors below say which
kinds read how far (they go up as the readers do, never down)."""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import io
import json
from pathlib import Path

import pytest

from generator.cli import main

REAL = Path(__file__).resolve().parent / "real"
KEY = json.loads((REAL / "KEY.json").read_text(encoding="utf-8"))
_spec = importlib.util.spec_from_file_location("real_score", REAL / "score.py")
score_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(score_module)

# The narrative-only Jiangsu files state their figures in prose only (the prose reader's
# work, see generator/parse/statements.py); they are scored apart.
NARRATIVE = "_text_"
# kind → (minimum share exact, maximum wrong) over the tables documents of that kind. The
# default and -raw renderings lose column positions (and -raw the order of some headers,
# the default mode prints ruled tables column by column): their floors are what the
# pipeline reaches today (raw 98.4 %, default 89.6 %), figures it cannot confirm stay
# missing, never wrong.
FLOORS = {"layout": (0.95, 0), "raw": (0.98, 0), "plain": (0.89, 0)}


def _renderings(kind: str) -> list[Path]:
    return sorted(p for p in (REAL / "text").glob(f"*.{kind}.txt")
                  if p.name.split(".")[0] in KEY and NARRATIVE not in p.name)


@functools.cache
def _scored(path: Path):
    """The key's score of one file, parsed once per test session (several tests ask)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["parse", str(path), "--key"]) == 0, path.name
    return score_module.score(KEY[path.name.split(".")[0]], json.loads(out.getvalue()))


@pytest.mark.parametrize("kind", sorted(FLOORS))
def test_rendering_kind_reads_the_key_figures(kind: str) -> None:
    paths = _renderings(kind)
    assert paths, f"no {kind} renderings in tests/real/text"
    exact = total = wrong = 0
    report = []
    for path in paths:
        s = _scored(path)
        n = s.exact + s.missing + s.wrong
        exact, total, wrong = exact + s.exact, total + n, wrong + s.wrong
        report.append(f"{path.name}: exact {s.exact}/{n} wrong {s.wrong} " + "; ".join(s.lines[:3]))
    share, most_wrong = FLOORS[kind]
    assert wrong <= most_wrong and exact >= share * total, "\n".join(report)


def test_text_renderings_together_read_95_percent_and_nothing_wrong() -> None:
    """Issue 16's goal over every text rendering of every real document (tables and
    narrative files, all three pdftotext modes): at least 95 % of the key figures exact,
    none wrong; a figure a rendering lost may be missing."""
    exact = total = wrong = 0
    for path in sorted((REAL / "text").glob("*.txt")):
        if path.name.split(".")[0] not in KEY:
            continue
        s = _scored(path)
        exact, wrong, total = exact + s.exact, wrong + s.wrong, total + s.exact + s.missing + s.wrong
    assert wrong == 0 and exact >= 0.95 * total, f"{exact}/{total} exact, {wrong} wrong"


@pytest.mark.parametrize("kind", sorted(FLOORS))
def test_narrative_files_read_the_key_figures_from_the_prose(kind: str) -> None:
    """The narrative-only files in every rendering: the prose's figures, the summary's
    income and expense lines as the overview lists them, every one exact."""
    paths = sorted((REAL / "text").glob(f"*{NARRATIVE}*.{kind}.txt"))
    assert paths
    for path in paths:
        s = _scored(path)
        assert s.missing == 0 and s.wrong == 0, f"{path.name}: " + "; ".join(s.lines)


def test_narrative_files_read_department_year_and_unit(capsys) -> None:
    """The narrative-only files: who, when and the unit come from the prose."""
    for path in sorted((REAL / "text").glob(f"*{NARRATIVE}*.layout.txt")):
        assert main(["parse", str(path), "--key"]) == 0, path.name
        out = json.loads(capsys.readouterr().out)
        key = KEY[path.name.split(".")[0]]
        assert out["year"] == key["year"] and out["unit"] == key["unit"], path.name
        assert out["department"] in (key["department"], key["department_short"]), path.name


PDFS = Path(__file__).resolve().parents[1] / "content" / "disclosures"


def _pdfs() -> list[Path]:
    return sorted(p for p in PDFS.glob("*.pdf") if p.stem in KEY)


@pytest.mark.parametrize("path", [p for p in _pdfs() if NARRATIVE not in p.name], ids=lambda p: p.stem)
def test_pdf_reads_every_key_figure(path: Path) -> None:
    """The PDFs themselves (generator/readers/pdf.py → the same pipeline): every figure."""
    s = _scored(path)
    assert s.missing == 0 and s.wrong == 0, "\n".join(s.lines)


def test_all_real_pdfs_present() -> None:
    assert len(_pdfs()) == 16
