"""What the pages that gather department-years need of each document, kept between builds.

The home, region, year and department pages show every department-year's key figures,
and a classification page every amount the tables print on its code (表三, 表六): these
*facts* are a few kB of a document's data (`figures.key_figures`, `figures.code_amounts`).
They are worked out once from the loaded document and kept in
`<site>/.cache/render/facts.entry`, under the document's input key (its sources' bytes,
path, department and region) and the build's settings (generator version, config), so that
an incremental build loads the tables of the documents whose own pages it renders, not
those of the whole province (`load.load_bodies`).

The entry (`cachefile`: checked before it is believed) holds one part per document, its
facts as plain JSON: amounts as their exact decimal text (a classification page's amounts
stay text until the page is rendered: `cells`). A build whose documents all kept
their key copies their parts as they are.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ..cachefile import read_entry, write_entry
from . import figures as fg
from .data import Cell, DocData

# The table whose codes each kind of classification page shows (`indexes.CLASS_COLUMNS`).
CLASS_TABLES = {"function": "expense", "economic": "basic"}

# Per code: its name and, per column, the amount as exact decimal text and its line
# (all a classification page shows of a cell: `cells`).
Codes = dict[str, tuple[str, list[list]]]  # code → (name, [[column, amount, line], …])
# (read back from the cache, a list [name, amounts]: unpacked alike)


@dataclass
class DocFacts:
    """One document's key figures and, per kind of classification, its amounts by code."""

    figures: dict[str, fg.Figure]
    codes: dict[str, Codes]


def facts_of(doc: DocData) -> DocFacts:
    """The facts of a loaded document (its tables, stated figures and staffing)."""
    return DocFacts(fg.figure_map(doc), {
        kind: {code: (name, [[col, str(c.amount), c.line] for col, c in by_column.items()])
               for code, (name, by_column) in fg.code_amounts(doc, table).items()}
        for kind, table in CLASS_TABLES.items()})


def cells(amounts: list[list]) -> dict[str, Cell]:
    """The cells of one code's amounts (`Codes`), as a classification page shows them."""
    return {col: Cell(Decimal(amount), None, line) for col, amount, line in amounts}


def _amount(value: Decimal | int | None) -> str | int | None:
    return str(value) if isinstance(value, Decimal) else value


def _decimal(value: str | int | None) -> Decimal | int | None:
    return Decimal(value) if isinstance(value, str) else value


def figure_rows(figures: dict[str, fg.Figure]) -> list[list]:
    """Key figures as plain data: each as [key, label, amount as text, line, unit, group]
    (as kept, `encode`, and as a list's content key, `indexes.summary_key`)."""
    return [[f.key, f.label, _amount(f.amount), f.line, f.unit, f.group] for f in figures.values()]


def encode(facts: DocFacts) -> bytes:
    """Facts as JSON: the figures as `figure_rows`; the codes as they are (`Codes`), read
    back as they are needed."""
    return json.dumps([figure_rows(facts.figures), facts.codes], ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")


def decode(data: bytes) -> DocFacts:
    """The facts `encode` wrote; ValueError on anything else."""
    try:
        figures, codes = json.loads(data)
        if not isinstance(codes, dict) or not all(isinstance(c, dict) for c in codes.values()):
            raise ValueError("codes")
        return DocFacts({key: fg.Figure(key, label, _decimal(amount), line, unit, group)
                         for key, label, amount, line, unit, group in figures}, codes)
    except (TypeError, ValueError, ArithmeticError) as error:
        raise ValueError(f"不是本版本的文档摘要缓存：{error}") from error


class FactsStore:
    """The facts of the last build's documents: doc_id → (input key, encoded facts)."""

    NAME = "facts.entry"

    def __init__(self, folder: Path, settings: str):
        self.path = folder / self.NAME
        self.settings = settings

    def read(self) -> dict[str, tuple[str, bytes]]:
        """What the last build kept (nothing when it was built with other settings)."""
        parts = read_entry(self.path) or []
        try:
            head = json.loads(parts[0]) if parts else {}
            listed = head.get("docs", []) if head.get("settings") == self.settings else []
            if len(listed) != len(parts) - 1:
                return {}
            return {doc_id: (key, part) for (doc_id, key), part in zip(listed, parts[1:])}
        except (ValueError, TypeError, AttributeError):
            return {}

    def write(self, kept: dict[str, tuple[str, bytes]]) -> None:
        head = {"settings": self.settings, "docs": [[doc_id, key] for doc_id, (key, _) in kept.items()]}
        write_entry(self.path, [json.dumps(head).encode("ascii")] + [part for _, part in kept.values()])


class SiteFacts:
    """The facts of a site's documents (`facts`: doc_id → `DocFacts`), from the last
    build's where their document kept its input key (`keys`: doc_id → key); `missing`: the
    documents without, whose bodies must be loaded before `complete`."""

    def __init__(self, docs: list[DocData], keys: dict[str, str], store: FactsStore,
                 reuse: bool):
        self.docs, self.keys, self.store = docs, keys, store
        self.kept = store.read() if reuse else {}
        self.facts: dict[str, DocFacts] = {}
        self.missing: list[DocData] = []
        for doc in docs:
            got = self.kept.get(doc.doc_id)
            if got is not None and got[0] == keys[doc.doc_id]:
                try:
                    self.facts[doc.doc_id] = decode(got[1])
                    continue
                except ValueError:
                    pass
            self.missing.append(doc)

    def complete(self) -> None:
        """Work out the facts of the `missing` documents (loaded by now) and keep the
        site's for the next build (the entry is left as it is when nothing changed)."""
        for doc in self.missing:
            self.facts[doc.doc_id] = facts_of(doc)
        fresh = {doc.doc_id for doc in self.missing}
        if not fresh and list(self.kept) == [doc.doc_id for doc in self.docs]:
            return
        self.store.write({doc.doc_id: (self.keys[doc.doc_id],
                                       encode(self.facts[doc.doc_id]) if doc.doc_id in fresh
                                       else self.kept[doc.doc_id][1])
                          for doc in self.docs})
