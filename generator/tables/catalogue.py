"""The template catalogue (`catalogue.toml`): table kinds, their titles, shapes, units,
header synonyms and identities, loaded once as plain data."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from ..numbers import squash

CATALOGUE_PATH = Path(__file__).with_name("catalogue.toml")

# What may come before a title's core: the table number (公开01表：, 表一, 一、, 5.), the
# year (2024年, 2024年度), and 部门/单位 (部门“三公”…, 2024年部门财务收支预算总表).
_TITLE_PREFIX = (r"(?:公开\d+表[：:]?)?(?:表[一二三四五六七八九十\d]+[：:]?)?"
                 r"(?:[一二三四五六七八九十]+[、.．]|\d+[.．、])?(?:20\d\d年度?)?"
                 r"(?:部门|单位|预算单位)?")
# What may come after it: (续), (功能科目), (经济科目).
_TITLE_SUFFIX = r"(?:[（(](?:续表?|功能科目|经济科目)[）)])*"
_CONTINUED = re.compile(r"[（(]续表?[）)]")


@dataclass(frozen=True)
class TableKind:
    """One [[table]] entry of the catalogue."""

    kind: str
    key: str
    shape: str
    unit: str
    templates: tuple[str, ...]
    titles: tuple[str, ...]
    classification: str | None = None
    identities: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()
    row_name: str | None = None  # "items" tables: the name of their one row (三公经费)
    header: tuple[tuple[str, str], ...] = ()  # fixed leaf columns (key, label), see the toml
    units: bool = False  # rows are units and their projects, see the toml
    sub_units: bool = False  # a named row without a code is a sub-unit's total, see the toml
    pattern: re.Pattern[str] = field(default=None, compare=False, repr=False)  # type: ignore[assignment]


@dataclass(frozen=True)
class Template:
    """One [[template]] entry: name, description, the markers that tell it, and whether
    its text renderings are read by the legacy layouts (generator/layouts)."""

    name: str
    description: str
    markers: tuple[re.Pattern[str], ...] = ()
    legacy: bool = False


@dataclass(frozen=True)
class Catalogue:
    kinds: tuple[TableKind, ...]
    templates: dict[str, Template]
    columns: dict[str, tuple[str, ...]]
    labels: dict[str, frozenset[str]]

    def kind(self, name: str) -> TableKind:
        return next(k for k in self.kinds if k.kind == name)

    def match_title(self, text: str) -> tuple[TableKind, bool] | None:
        """The table kind a title line names, and whether it says （续）; None if the line
        is no title (a sentence naming a table, a 目录 line with its dots)."""
        flat = squash(text)
        if "表" not in flat or "…" in flat or "。" in flat or "《" in flat or len(flat) > 60:
            return None
        for kind in self.kinds:
            if kind.pattern.fullmatch(flat):
                return kind, bool(_CONTINUED.search(flat))
        return None

    def template_of(self, lines: list[str]) -> Template | None:
        """The first template whose markers a line shows (white space removed), else None."""
        for line in lines:
            if "表" not in line:
                continue
            flat = squash(line)
            for template in self.templates.values():
                if any(marker.search(flat) for marker in template.markers):
                    return template
        return None

    def column_key(self, label: str) -> str | None:
        """The column key a header label names (`[columns]`), or None."""
        flat = squash(label)
        best: tuple[int, str] | None = None
        for key, synonyms in self.columns.items():
            for synonym in synonyms:
                if synonym in flat and (best is None or len(synonym) > best[0]):
                    best = (len(synonym), key)
        return best[1] if best else None

    def is_total(self, label: str | None) -> bool:
        return squash(label).rstrip("：:") in self.labels["total"]


@cache
def load_catalogue(path: Path = CATALOGUE_PATH) -> Catalogue:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    kinds = []
    for entry in data["table"]:
        titles = tuple(entry["titles"])
        pattern = re.compile(_TITLE_PREFIX + "(?:" + "|".join(titles) + ")" + _TITLE_SUFFIX)
        kinds.append(TableKind(
            kind=entry["kind"], key=entry["key"], shape=entry["shape"], unit=entry["unit"],
            templates=tuple(entry["templates"]), titles=titles,
            classification=entry.get("classification"),
            identities=tuple(entry.get("identities", ())), columns=tuple(entry.get("columns", ())),
            row_name=entry.get("row_name"), header=tuple(tuple(c) for c in entry.get("header", ())),
            units=entry.get("units", False), sub_units=entry.get("sub_units", False),
            pattern=pattern))
    return Catalogue(
        kinds=tuple(kinds),
        templates={t["name"]: Template(t["name"], t["description"],
                                       tuple(re.compile(m) for m in t.get("markers", ())),
                                       t.get("legacy", False)) for t in data["template"]},
        columns={k: tuple(v) for k, v in data["columns"].items()},
        labels={k: frozenset(v) for k, v in data["labels"].items()})
