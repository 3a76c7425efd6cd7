"""The template catalogue (`catalogue.toml`): table kinds, their titles, shapes, units,
header synonyms and identities, loaded once as plain data."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from ..numbers import squash
from ..readers.text import TABLE_NUMBER_RE

CATALOGUE_PATH = Path(__file__).with_name("catalogue.toml")

# What may come before a title's core: the table number (公开01表：, 表一, 一、, 5.), the
# year (2024年, 2024年度) with the department's name before it (…人力资源和社会保障局2024年),
# and 部门/单位 (部门“三公”…, 2024年部门财务收支预算总表, 部门（单位）收支总体情况表).
_TITLE_PREFIX = (r"(?:公开\d+表[：:]?)?(?:表[一二三四五六七八九十\d]+[：:]?)?"
                 r"(?:[一二三四五六七八九十]+[、.．]|\d+[.．、])?(?:[^\d：:，。]{0,40}?20\d\d年度?)?"
                 r"(?:部门(?:[（(]单位[)）])?|单位|预算单位)?")
# What may come after it: (续), (功能科目), (经济科目).
_TITLE_SUFFIX = r"(?:[（(](?:续表?|功能科目|经济科目)[）)])*"
_CONTINUED = re.compile(r"[（(]续表?[）)]")
# A 目录 entry or a 说明 heading that names a table: "一、部门收支总体情况表", "- 七、…".
_TOC_ENTRY = re.compile(r"^[-•·]?\s*[一二三四五六七八九十]+、")


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
    optional: tuple[str, ...] = ()  # identity parts a template may not print, see the toml
    orders: tuple[tuple[str, ...], ...] = ()  # "items" tables: the templates' column orders
    sources_from: tuple[str, ...] = ()  # tables whose sources of income place its amounts, see the toml
    pattern: re.Pattern[str] = field(default=None, compare=False, repr=False)  # type: ignore[assignment]


    def identities_over(self, printed: Collection[str] | None) -> tuple[str, ...]:
        """The identities with the `optional` parts a table does not print taken out (all
        of them where what it prints is not known): placing figures without positions
        needs them even where the header was not read whole."""
        out = []
        for text in self.identities:
            total, parts = identity_terms(text)
            out.append(identity_text(total, [p for p in parts if p not in self.optional
                                             or (printed is not None and p in printed)]))
        return tuple(out)

    def applicable_identities(self, printed: Collection[str]) -> tuple[str, ...]:
        """The identities that apply to a table printing the columns `printed`: one over
        a column the table does not print is not applicable (Jiangsu's 一般公共预算 tables
        print one 金额 column: 合计 = 基本支出 + 项目支出 can neither hold nor fail on
        them); an optional part counts where the table prints it (单位预留机动经费)."""
        return tuple(i for i in self.identities_over(printed)
                     if all(t in printed for t in terms_of(i)))


@cache  # (a few dozen identities, asked of every row)
def identity_terms(identity: str) -> tuple[str, tuple[str, ...]]:
    """"total = basic + project" → ("total", ("basic", "project"))."""
    left, right = identity.split("=")
    return left.strip(), tuple(t.strip() for t in right.split("+"))


def identity_text(total: str, parts: list[str]) -> str:
    return f"{total} = {' + '.join(parts)}"


def terms_of(identity: str) -> list[str]:
    """Every column an identity names, its total first."""
    total, parts = identity_terms(identity)
    return [total, *parts]


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
    key_values: dict[str, tuple[str, ...]] = field(default_factory=dict)  # [key_value]
    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)  # [column_groups]
    # every kind's title pattern in one, in the kinds' order (group kN: the N-th kind)
    titles: re.Pattern[str] | None = field(default=None, compare=False, repr=False)
    _whole_labels: dict[str, str] = field(default_factory=dict, init=False, compare=False, repr=False)
    _exact_labels: dict[str, str] = field(default_factory=dict, init=False, compare=False, repr=False)
    # match_title's answers by line: the same titles recur in every document of a template
    _titles_seen: dict[str, tuple[TableKind, bool] | None] = field(default_factory=dict, init=False,
                                                                  compare=False, repr=False)
    # column_key's answers by label: every table asks of the same few header labels
    _column_keys: dict[str, str | None] = field(default_factory=dict, init=False, compare=False,
                                                repr=False)

    def kind(self, name: str) -> TableKind:
        return next(k for k in self.kinds if k.kind == name)

    def kind_of_table(self, key: str) -> TableKind | None:
        """The kind a `model.Document` table key stores (None for a key no kind has)."""
        return next((k for k in self.kinds if k.key == key), None) if key else None

    def match_title(self, text: str) -> tuple[TableKind, bool] | None:
        """The table kind a title line names, and whether it says （续）; None if the line
        is no title (a sentence naming a table, a 目录 line with its dots)."""
        if "表" not in text:  # most lines: no need to squash them
            return None
        flat = squash(text)
        if "…" in flat or "。" in flat or "《" in flat or len(flat) > 60:
            return None
        if flat in self._titles_seen:
            return self._titles_seen[flat]
        if len(self._titles_seen) > 1 << 12:
            self._titles_seen.clear()  # (a bound for long builds of varied lines)
        # the first kind whose pattern matches the whole line: an alternation tries its
        # branches in order, and the branch that matched is the last group closed
        match = self.titles.fullmatch(flat)
        found = None if match is None else (self.kinds[int(match.lastgroup[1:])], bool(_CONTINUED.search(flat)))
        self._titles_seen[flat] = found
        return found

    def title_key(self, text: str) -> str | None:
        """The table key a title line names ("表一：部门（单位）收支总体情况表" → "summary"), or
        None: no title, a kind without a key (绩效目标表), a 目录 entry ("一、…情况表")."""
        found = self.match_title(text)
        return (found[0].key or None) if found and not _TOC_ENTRY.match(text.strip()) else None

    def template_of(self, lines: list[str]) -> Template | None:
        """The first template whose markers a line shows (white space removed), else None."""
        markers = [m.pattern for t in self.templates.values() for m in t.markers]
        if not markers:
            return None
        any_marker = _any_of(tuple(markers))  # one search a line: most lines show none
        for line in lines:
            if "表" not in line:
                continue
            flat = squash(line)
            if any_marker.search(flat) is None:
                continue
            for template in self.templates.values():
                if any(marker.search(flat) for marker in template.markers):
                    return template
        return None

    def column_key(self, label: str) -> str | None:
        """The column key a header label names (`[columns]`), or None."""
        if label in self._column_keys:
            return self._column_keys[label]
        if len(self._column_keys) > 1 << 14:
            self._column_keys.clear()  # (a bound for long builds of varied labels)
        key = self._column_keys[label] = self._column_key(label)
        return key

    def _column_key(self, label: str) -> str | None:
        flat = squash(label)
        best: tuple[int, str] | None = None
        for key, synonyms in self.columns.items():
            for synonym in synonyms:
                # "^…": the whole label only (国有资本经营预算, not …预算支出情况表 under a table)
                hit = flat == synonym[1:] if synonym.startswith("^") else synonym in flat
                if hit and (best is None or len(synonym) > best[0]):
                    best = (len(synonym), key)
        return best[1] if best else None

    def whole_label_key(self, label: str) -> str | None:
        """The column key one of whose `[columns]` labels is the whole of `label` (a
        two-sided table's income line names its source so: "上年结转", not "本年收入合计"
        → total nor "国有资本经营收入" → operating), else None."""
        flat = squash(label).replace("(", "（").replace(")", "）").rstrip("：:")
        if not self._whole_labels:  # each label, brackets made full-width → the first key printing it
            for key, synonyms in self.columns.items():
                for synonym in synonyms:
                    self._whole_labels.setdefault(synonym.lstrip("^").replace("(", "（").replace(")", "）"), key)
        return self._whole_labels.get(flat)

    def exact_labels(self) -> dict[str, str]:
        """Column key by each `[columns]` label, as a whole label (built once)."""
        if not self._exact_labels:
            self._exact_labels.update({synonym.removeprefix("^"): key for key, synonyms
                                       in self.columns.items() for synonym in synonyms})
        return self._exact_labels

    def column_label(self, key: str) -> str:
        """How the catalogue first prints a column key (its first `[columns]` label)."""
        synonyms = self.columns.get(key)
        return synonyms[0].lstrip("^") if synonyms else key

    def is_total(self, label: str | None) -> bool:
        return squash(label).rstrip("：:") in self.labels["total"]


def numbered_title(title: str, before: str | None) -> str:
    """The title as printed, with the table number printed on the line before it:
    "表一：" + "部门（单位）收支总体情况表" → "表一 部门（单位）收支总体情况表"."""
    title = squash(title)
    number = TABLE_NUMBER_RE.fullmatch(squash(before or ""))
    if number is None or TABLE_NUMBER_RE.match(title):
        return title
    return f"表{number.group(1)} {title}"


@cache
def _any_of(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


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
            units=entry.get("units", False),
            optional=tuple(entry.get("optional", ())), orders=tuple(tuple(o) for o in entry.get("orders", ())),
            sources_from=tuple(entry.get("sources_from", ())), pattern=pattern))
    return Catalogue(
        kinds=tuple(kinds),
        templates={t["name"]: Template(t["name"], t["description"],
                                       tuple(re.compile(m) for m in t.get("markers", ())),
                                       t.get("legacy", False)) for t in data["template"]},
        columns={k: tuple(v) for k, v in data["columns"].items()},
        labels={k: frozenset(v) for k, v in data["labels"].items()},
        key_values={k: tuple(v) for k, v in data.get("key_value", {}).items()},
        groups={k: tuple(v) for k, v in data.get("column_groups", {}).items()},
        titles=re.compile("|".join(f"(?P<k{n}>{kind.pattern.pattern})" for n, kind in enumerate(kinds))))
