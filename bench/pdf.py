#!/usr/bin/env python3
"""PDF reader speed and memory: pages per second on one core, and peak memory.

usage: python bench/pdf.py [--rounds N] [--pdfium-only] [FILES...]
       (default: content/disclosures/*.pdf and ../shared/real/*.pdf if present)
Goal (issue #16): ≥ 100 pages/s on one core, peak RSS ≤ 300 MB.

Each file is read with `read_pdf` (characters, rulings, lines, cells, rendition), N rounds;
the figure is pages over CPU time. --pdfium-only times what PDFium alone costs (every
character's box and every path object, no layout), the floor under the reader.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pypdfium2 as pdfium  # noqa: E402

from generator.readers.pdf import read_pdf  # noqa: E402
from generator.readers.pdf_page import read_page_content  # noqa: E402


def default_files() -> list[Path]:
    files = sorted((ROOT / "content" / "disclosures").glob("*.pdf"))
    return files + sorted((ROOT.parent / "shared" / "real").glob("*.pdf"))


def pdfium_only(path: Path) -> int:
    """PDFium's part alone: every page's characters, boxes and rulings."""
    document = pdfium.PdfDocument(str(path))
    try:
        for i in range(len(document)):
            page = document[i]
            read_page_content(page)
            page.close()
        return len(document)
    finally:
        document.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pdfium-only", action="store_true")
    args = parser.parse_args()
    files = args.files or default_files()
    if not files:
        print("no PDF files given or found (content/disclosures/*.pdf, ../shared/real/*.pdf)")
        return 0
    pages = rows = 0
    start, cpu_start = time.perf_counter(), time.process_time()
    for _ in range(args.rounds):
        for path in files:
            if args.pdfium_only:
                pages += pdfium_only(path)
                continue
            grid = read_pdf(path, path.name)
            pages += grid.pages or 0
            rows += len(grid.rows)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    what = "PDFium only" if args.pdfium_only else "read_pdf"
    print(f"{what}: {len(files)} files × {args.rounds} rounds, {pages} pages, {rows} rows")
    print(f"{pages / cpu:.0f} pages/s on one core (CPU {cpu:.2f} s, wall {wall:.2f} s)")
    print(f"peak RSS {rss_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
