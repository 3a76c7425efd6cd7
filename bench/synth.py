#!/usr/bin/env python3
"""Corpus synthesizer: N disclosures of new departments, regions and years, from the samples.

usage: python bench/synth.py N OUT_DIR [--seed S] [--samples DIR]

Works on the source *text* of each sample, never on a re-rendering, so every quirk of a
layout (wrapped names, split numbers, page-break repeats) survives into the copies:

- every amount the parser reads from the sample (and every "… 万元" in the prose) is
  multiplied by one whole factor k and printed in the token's own format ("17.00" keeps
  two places, "1,904.25" keeps its thousands commas, a split "1834.8 3" stays split).
  k·a = k·b + k·c, so every identity holds exactly as it held (or failed) before;
- every year ("2021年") moves by the same offset;
- the department, its region (and parent region) and its body ("人民政府办公室") are
  replaced everywhere, also where a line break falls inside the name;
- percentages, counts (人, 个, 台), codes and line structure stay as they are.

The round trip is then exact: figures(parse(copy)) == transform(figures(parse(sample))),
where `transform` multiplies amounts by k and rewrites names and years (`Plan`).
Nothing here depends on the samples' file names or contents: any disclosure the
parser reads can serve as a template.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generator.model import Document, Row
from generator.parse.document import parse_text
from generator.parse.regions import SHORT_FORMS, region_of
from generator.sources import SOURCE_SUFFIXES, SourceText, read_source

PROVINCE = "新疆维吾尔自治区"
# Prefecture-level divisions as printed in a department name.
PREFECTURES = ["喀什地区", "阿克苏地区", "和田地区", "塔城地区", "阿勒泰地区", "吐鲁番市",
               "哈密市", "克拉玛依市", "乌鲁木齐市"]
# County-level divisions and the prefecture each belongs to.
COUNTIES = [("喀什市", "喀什地区"), ("疏附县", "喀什地区"), ("莎车县", "喀什地区"),
            ("阿克苏市", "阿克苏地区"), ("库车市", "阿克苏地区"), ("温宿县", "阿克苏地区"),
            ("和田市", "和田地区"), ("墨玉县", "和田地区"), ("塔城市", "塔城地区"),
            ("乌苏市", "塔城地区"), ("阿勒泰市", "阿勒泰地区"), ("布尔津县", "阿勒泰地区"),
            ("阿图什市", "克孜勒苏柯尔克孜自治州"), ("阿克陶县", "克孜勒苏柯尔克孜自治州"),
            ("伊宁市", "伊犁哈萨克自治州"), ("奎屯市", "伊犁哈萨克自治州"),
            ("库尔勒市", "巴音郭楞蒙古自治州"), ("博乐市", "博尔塔拉蒙古自治州"),
            ("昌吉市", "昌吉回族自治州"), ("阜康市", "昌吉回族自治州")]
BODIES = ["交通运输局", "农业农村局", "卫生健康委员会", "教育局", "审计局", "统计局", "司法局",
          "民政局", "文化体育广播电视和旅游局", "自然资源局", "生态环境局", "住房和城乡建设局",
          "水利局", "林业和草原局", "人力资源和社会保障局", "发展和改革委员会", "应急管理局",
          "退役军人事务局", "商务局", "科学技术局", "医疗保障局", "档案馆", "机关事务管理局",
          "党史研究室", "信访局", "政务服务和公共资源管理局", "人民政府办公室", "财政局",
          "工业和信息化局", "粮食和物资储备局"]

# A number token: digits with optional thousands commas and decimals ("1834." too, for
# numbers split after the point). Not part of a longer number or a word.
NUMBER = re.compile(r"(?<![\d.,A-Za-z])-?\d+(?:,\d{3})*(?:\.\d*)?(?![\dA-Za-z])")
# What must not follow an amount: a percent, a year, a date part.
NOT_AMOUNT_AFTER = re.compile(r"[ \t\u3000]*[%％年月日]")
DATE_PART = re.compile(r"\.\d")  # "2024.5.6": a date, not an amount
YEAR = re.compile(r"(?<![\d.,])(20\d\d)(?=\s{0,3}年)")


# ---------------------------------------------------------------- the plan of one copy

@dataclass(frozen=True)
class Plan:
    """How one copy differs from its template: amount factor, year offset, name pairs."""

    k: int
    year_delta: int
    names: tuple[tuple[str, str], ...] = ()

    def name_map(self) -> dict[str, str]:
        return {old: new for old, new in self.names if old and old != new}


def _wrap_tolerant(name: str) -> str:
    """A pattern for `name` that also matches it with white space (a wrap) between characters."""
    return r"\s*".join(re.escape(ch) for ch in name)


class Rewriter:
    """Names and years of a plan, for the text and for parsed strings alike."""

    def __init__(self, plan: Plan):
        self.plan = plan
        self.map = plan.name_map()
        olds = sorted(self.map, key=len, reverse=True)
        self.names_re = re.compile("|".join(_wrap_tolerant(o) for o in olds)) if olds else None
        self._squashed = {re.sub(r"\s+", "", o): n for o, n in self.map.items()}

    def new_name(self, matched: str) -> str:
        return self._squashed[re.sub(r"\s+", "", matched)]

    def rewrite(self, text: str | None) -> str | None:
        """A parsed string as the copy's parse must give it (names replaced, years moved)."""
        if text is None:
            return None
        if self.names_re is not None:
            text = self.names_re.sub(lambda m: self.new_name(m.group(0)), text)
        if self.plan.year_delta:
            text = YEAR.sub(lambda m: str(int(m.group(1)) + self.plan.year_delta), text)
        return text


# ---------------------------------------------------------------- amounts in the text

@dataclass
class Token:
    start: int  # offset in the line
    end: int
    text: str
    value: Decimal


def _tokens(line: str) -> list[Token]:
    out = []
    for m in NUMBER.finditer(line):
        raw = m.group(0)
        try:
            value = Decimal(raw.replace(",", "").rstrip("."))
        except InvalidOperation:
            continue
        if NOT_AMOUNT_AFTER.match(line, m.end()):
            continue
        out.append(Token(m.start(), m.end(), raw, value))
    return out


def _ending_run(line: str, tokens: list[Token]) -> list[Token]:
    """The tokens of the run of numbers that ends the line, in print order."""
    run: list[Token] = []
    end = len(line.rstrip())
    for t in reversed(tokens):
        if line[t.end:end].strip():
            break
        run.append(t)
        end = t.start
    return run[::-1]


@dataclass
class AmountSlot:
    """Printed amount tokens to scale: one token, or a number split by a space (two tokens)."""

    line: int  # 0-based
    start: int
    end: int
    printed: str  # as in the source, e.g. "1834.8 3"


def _row_values(doc: Document) -> list[tuple[int, Decimal]]:
    seen: set[int] = set()
    out = []
    for table in doc.tables.values():
        for row in [*table.rows, *table.totals.values()]:
            if id(row) in seen:
                continue
            seen.add(id(row))
            # each figure's own line where it knows it (a wrapped row's amounts stand below it)
            out += [((row.origins[k].line if k in row.origins and row.origins[k].line else row.line), v)
                    for k, v in row.values.items() if v is not None]
    return out


def _wanted(doc: Document) -> list[tuple[int, Decimal, range]]:
    """(line, value, window of 1-based lines to search) for every amount the parser read."""
    # Wide windows, because a row's cells can stand on the lines after it (one cell per
    # line in Word text); the nearest token wins, so a row's own line always comes first.
    wants = [(line, v, range(line - 3, line + 40)) for line, v in _row_values(doc)]
    for p in doc.performance:
        for v in (p.amount, p.fiscal_amount, p.other_funds):
            if v is not None:
                wants.append((p.line, v, range(p.line - 10, p.line + 60)))
    for f in [*doc.figures, *doc.changes]:
        if f.amount is not None:
            wants.append((f.line, f.amount, range(f.line - 3, f.line + 5)))
    return wants


class AmountFinder:
    """Finds, in the source lines, the tokens that print the parser's amounts."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        self.tokens: dict[int, list[Token]] = {}
        self.claimed: dict[int, set[int]] = defaultdict(set)  # line → token starts
        self.slots: list[AmountSlot] = []

    def line_tokens(self, number: int) -> list[Token]:
        if number not in self.tokens:
            ok = 1 <= number <= len(self.lines)
            self.tokens[number] = _tokens(self.lines[number - 1]) if ok else []
        return self.tokens[number]

    def claim(self, number: int, value: Decimal) -> bool:
        """Claim a free token (or split pair) on a line that prints `value`: the first of the
        amounts that end the line (a row keeps its first amount, its 合计, where it cannot
        place the others), else the rightmost."""
        tokens = self.line_tokens(number)
        taken = self.claimed[number]
        for t in [*_ending_run(self.lines[number - 1] if 1 <= number <= len(self.lines) else "", tokens),
                  *reversed(tokens)]:
            if t.start not in taken and t.value == value and not t.text.endswith("."):
                taken.add(t.start)
                self.slots.append(AmountSlot(number - 1, t.start, t.end, t.text))
                return True
        line = self.lines[number - 1] if 1 <= number <= len(self.lines) else ""
        for a, b in zip(reversed(tokens[:-1]), reversed(tokens[1:])):
            if a.start in taken or b.start in taken or line[a.end:b.start] != " ":
                continue
            joined = a.text + b.text
            if "," in joined or joined.count(".") > 1:
                continue
            try:
                if Decimal(joined) == value:
                    taken.update((a.start, b.start))
                    self.slots.append(AmountSlot(number - 1, a.start, b.end, line[a.start:b.end]))
                    return True
            except InvalidOperation:
                continue
        return False

    def claim_all(self, doc: Document) -> None:
        wants = _wanted(doc)
        missed = [w for w in wants if not self.claim(w[0], w[1])]
        for line, value, window in missed:  # amounts printed off their row's line
            for number in sorted(window, key=lambda n: (abs(n - line), n < line)):
                if number != line and self.claim(number, value):
                    break

    def claim_unclaimed(self, unit: str) -> None:
        """Amounts the parser may not read itself but adds up (e.g. a 绩效 total from
        上级安排 + 本级安排), and "… 万元" in the prose: every number with decimals, and
        every number followed by the unit, is scaled alike."""
        unit_re = re.compile(r"[ \t\u3000]*" + re.escape(unit) + r"(?!以上|以下|/)")
        for number, line in enumerate(self.lines, 1):
            for t in self.line_tokens(number):
                if t.start in self.claimed[number] or t.text.endswith("."):
                    continue
                decimals = "." in t.text and not DATE_PART.match(line, t.end)
                if decimals or unit_re.match(line, t.end):
                    self.claimed[number].add(t.start)
                    self.slots.append(AmountSlot(number - 1, t.start, t.end, t.text))


def scale_printed(printed: str, k: int, commas: bool) -> str:
    """A printed amount times k, in the same format; a split number stays split at the same place."""
    if " " in printed:
        joined = printed.replace(" ", "")
        cut = len(printed) - printed.index(" ") - 1  # characters after the space
        scaled = scale_printed(joined, k, False)
        cut = min(cut, len(scaled) - 1)
        return scaled[: len(scaled) - cut] + " " + scaled[len(scaled) - cut:]
    value = Decimal(printed.replace(",", "")) * k
    use_commas = commas or "," in printed
    return f"{value:,f}" if use_commas else f"{value:f}"


# ---------------------------------------------------------------- templates

@dataclass
class Names:
    """A department name split into the parts a copy replaces."""

    department: str
    region: str | None = None  # full official name, as parsed
    printed_region: str | None = None  # as printed in the name (may be a short form)
    parent: str | None = None  # a prefecture printed before a county-level region
    body: str | None = None  # what follows the region ("人民政府办公室")


def split_department(department: str | None, region: str | None) -> Names | None:
    if not department:
        return None
    names = Names(department, region)
    if region:
        printed = region if region in department else next(
            (s for s, full in SHORT_FORMS.items() if full == region and s in department), None)
        if printed:
            at = department.find(printed)
            names.printed_region = printed
            prefix = department[:at]
            prefix = prefix.removeprefix(PROVINCE)
            names.parent = prefix or None
            body = department[at + len(printed):]
            names.body = body if len(body) >= 4 else None
    return names


@dataclass
class Template:
    """A parsed sample and the places in its text a copy changes."""

    path: Path
    source: SourceText
    doc: Document
    names: Names | None
    slots: list[tuple[int, int, str, Any]] = field(default_factory=list)  # (start, end, kind, data)

    @property
    def layout(self) -> str:
        return self.doc.layout


def load_template(path: Path) -> Template | None:
    source, _ = read_source(path)
    if source is None:
        return None
    result = parse_text(source)
    if result.document is None:
        return None
    return make_template(path, source, result.document)


def make_template(path: Path, source: SourceText, doc: Document) -> Template:
    finder = AmountFinder(source.lines)
    finder.claim_all(doc)
    finder.claim_unclaimed(doc.unit or "万元")
    offsets = [0]
    for line in source.lines:
        offsets.append(offsets[-1] + len(line) + 1)
    commas = _uses_commas(source.lines, finder)
    slots: list[tuple[int, int, str, Any]] = [
        (offsets[s.line] + s.start, offsets[s.line] + s.end, "amount", (s.printed, commas))
        for s in finder.slots]
    taken = sorted((a, b) for a, b, _, _ in slots)
    text = source.text

    def free(a: int, b: int) -> bool:
        return not any(x < b and a < y for x, y in taken)

    for m in YEAR.finditer(text):
        if free(m.start(), m.end()):
            slots.append((m.start(), m.end(), "year", int(m.group(1))))
    names = split_department(doc.department, doc.region)
    return Template(path, source, doc, names, sorted(slots, key=lambda s: s[0]))


def _uses_commas(lines: list[str], finder: AmountFinder) -> bool:
    """True when every claimed amount of 1000 or more prints thousands commas."""
    big = [s.printed for s in finder.slots if " " not in s.printed
           and abs(Decimal(s.printed.replace(",", ""))) >= 1000]
    return bool(big) and all("," in p for p in big)


def render(template: Template, plan: Plan) -> str:
    """The text of one copy."""
    text = template.source.text
    out: list[str] = []
    pos = 0
    for start, end, kind, data in template.slots:
        out.append(text[pos:start])
        if kind == "amount":
            printed, commas = data
            out.append(scale_printed(printed, plan.k, commas) if plan.k != 1 else printed)
        else:
            out.append(str(data + plan.year_delta))
        pos = end
    out.append(text[pos:])
    scaled = "".join(out)
    rewriter = Rewriter(Plan(plan.k, 0, plan.names))
    if rewriter.names_re is None:
        return scaled
    return rewriter.names_re.sub(lambda m: _keep_breaks(m.group(0), rewriter.new_name(m.group(0))),
                                 scaled)


def _keep_breaks(old: str, new: str) -> str:
    """`new` with the white space that `old` carried between its characters, at the same places."""
    out, pos = [], 0
    for m in re.finditer(r"\s+", old):
        at = len(re.sub(r"\s+", "", old[: m.start()]))
        at = max(1, min(at, len(new) - 1))
        if at >= pos:
            out.append(new[pos:at])
            pos = at
        out.append(m.group(0))
    out.append(new[pos:])
    return "".join(out)


# ---------------------------------------------------------------- plans

def make_plan(template: Template, rng: random.Random, k: int | None = None,
              year: int | None = None) -> Plan:
    """A random plan: factor k, a new year, a new department in a new region."""
    k = k if k is not None else rng.randint(2, 12)
    old_year = template.doc.year
    new_year = year if year is not None else rng.randint(2018, 2027)
    delta = (new_year - old_year) if old_year else 0
    return Plan(k, delta, tuple(new_names(template.names, rng)))


def new_names(names: Names | None, rng: random.Random) -> list[tuple[str, str]]:
    """(old, new) pairs for a new department; [] when the name cannot be split safely."""
    if names is None or not names.printed_region:
        return []
    for _ in range(30):
        pairs = _candidate_pairs(names, rng)
        plan = Plan(1, 0, tuple(pairs))
        rw = Rewriter(plan)
        new_dept = rw.rewrite(names.department)
        if region_of(new_dept) == rw.rewrite(names.region) and new_dept != names.department:
            return pairs
    return []


def _candidate_pairs(names: Names, rng: random.Random) -> list[tuple[str, str]]:
    printed = names.printed_region
    pairs: list[tuple[str, str]] = []
    if printed in SHORT_FORMS:
        new = rng.choice([s for s in SHORT_FORMS if s != printed])
        pairs += [(printed, new), (SHORT_FORMS[printed], SHORT_FORMS[new])]
    elif names.parent or not printed.endswith(("地区", "州")) and printed not in PREFECTURES:
        county, parent = rng.choice([c for c in COUNTIES if c[0] != printed])
        pairs.append((printed, county))
        if names.parent:
            pairs.append((names.parent, _printed_prefecture(parent)))
    else:
        pairs.append((printed, rng.choice([p for p in PREFECTURES if p != printed])))
    if names.body:
        pairs.append((names.body, rng.choice([b for b in BODIES if b != names.body])))
    pairs.insert(0, (names.department, _compose(names, dict(pairs))))
    return pairs


def _printed_prefecture(full: str) -> str:
    return next((s for s, f in SHORT_FORMS.items() if f == full), full)


def _compose(names: Names, mapping: dict[str, str]) -> str:
    rw = Rewriter(Plan(1, 0, tuple(mapping.items())))
    return rw.rewrite(names.department) or names.department


# ---------------------------------------------------------------- figures and the round trip

def figures(doc: Document) -> dict[str, Any]:
    """Every figure of a parsed document as plain data: amounts as Decimal, names as text,
    percents as text (they do not scale). The round trip compares these."""
    return {
        "department": doc.department, "region": doc.region, "year": doc.year, "unit": doc.unit,
        "layout": doc.layout, "line_count": doc.line_count,
        "staffing": vars(doc.staffing).copy(),
        "division_count": doc.division_count, "divisions": list(doc.divisions),
        "sub_units": list(doc.sub_units),
        "tables": {key: {"title": t.title, "line": t.line, "empty": t.empty, "note": t.note,
                         "columns": [(c.key, c.label) for c in t.columns],
                         "rows": [_row(r) for r in t.rows],
                         "totals": {k: _row(r) for k, r in t.totals.items()}}
                   for key, t in doc.tables.items()},
        "stated": [(f.key, f.amount, _pct(f.percent), f.line) for f in doc.figures],
        "changes": [(_no_numbers(c.subject), c.direction, c.amount, _pct(c.percent), c.line) for c in doc.changes],
        "performance": [(p.kind, p.name, p.line, p.amount, p.fiscal_amount, p.other_funds, p.unit,
                         [(i.level1, i.level2, i.name, i.line) for i in p.indicators])
                        for p in doc.performance],
    }


def _no_numbers(text: str | None) -> str | None:
    """A subject with its numbers masked: some subjects quote the amount they state."""
    return None if text is None else NUMBER.sub("#", text)


def _pct(p: Decimal | None) -> str | None:
    return None if p is None else f"{p}%"


def _row(r: Row) -> dict[str, Any]:
    return {"line": r.line, "name": r.name, "code": r.code, "code_raw": r.code_raw, "unit": r.unit,
            "project": r.project, "side": r.side, "kind": r.kind, "inferred": list(r.inferred),
            "values": dict(r.values)}


def transform(data: Any, plan: Plan, rewriter: Rewriter | None = None, key: str | None = None) -> Any:
    """`figures(parse(sample))` as the copy made with `plan` must parse."""
    rw = rewriter or Rewriter(plan)
    if isinstance(data, Decimal):
        return data * plan.k
    if isinstance(data, str):
        return rw.rewrite(data)
    if isinstance(data, bool) or data is None:
        return data
    if isinstance(data, int):
        return data + plan.year_delta if key == "year" else data
    if isinstance(data, dict):
        return {k: transform(v, plan, rw, k) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return type(data)(transform(v, plan, rw, key) for v in data)
    return data


def issue_keys(doc: Document) -> list[tuple[str, int | None]]:
    return sorted((i.slug, i.line or 0) for i in doc.issues)


# ---------------------------------------------------------------- the corpus

def load_templates(samples: Path) -> list[Template]:
    paths = sorted(p for p in samples.rglob("*") if p.is_file() and p.suffix.lower() in SOURCE_SUFFIXES)
    templates = [t for t in (load_template(p) for p in paths) if t is not None]
    # one layout after the other, so every layout is represented from the first copies on
    by_layout: dict[str, list[Template]] = defaultdict(list)
    for t in templates:
        by_layout[t.layout].append(t)
    ordered: list[Template] = []
    while any(by_layout.values()):
        for layout in sorted(by_layout):
            if by_layout[layout]:
                ordered.append(by_layout[layout].pop(0))
    return ordered


def encode(text: str, encoding: str) -> bytes:
    if encoding == "gb18030":
        return text.encode("gb18030")
    return text.encode("utf-8-sig" if encoding == "utf-8-sig" else "utf-8")


def synthesize(n: int, out_dir: Path, seed: int = 0, samples: Path | None = None,
               templates: list[Template] | None = None) -> list[tuple[Path, Template, Plan]]:
    """Write `n` copies into `out_dir`; returns (file, template, plan) for each."""
    templates = templates or load_templates(samples or default_samples())
    if not templates:
        raise SystemExit("no sample could be parsed")
    rng = random.Random(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    used: set[tuple[str, int]] = set()
    written = []
    for i in range(n):
        template = templates[i % len(templates)]
        for _ in range(50):  # a department-year appears once in the corpus
            plan = make_plan(template, rng)
            rw = Rewriter(plan)
            ident = (rw.rewrite(template.doc.department) or "", (template.doc.year or 0) + plan.year_delta)
            if ident not in used:
                break
        used.add(ident)
        path = out_dir / f"{i:05d}_{template.layout}.txt"
        path.write_bytes(encode(render(template, plan), template.source.encoding))
        written.append((path, template, plan))
    return written


def default_samples() -> Path:
    return Path(__file__).resolve().parents[1] / "content" / "disclosures"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, help="number of disclosures to write")
    ap.add_argument("out_dir", type=Path, help="folder to write them into (e.g. SITE/content/disclosures)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--samples", type=Path, default=default_samples(),
                    help="folder of disclosures to use as templates")
    args = ap.parse_args()
    written = synthesize(args.n, args.out_dir, args.seed, args.samples)
    layouts: dict[str, int] = defaultdict(int)
    for _, t, _ in written:
        layouts[t.layout] += 1
    shown = ", ".join(f"{k} {v}" for k, v in sorted(layouts.items()))
    print(f"wrote {len(written)} disclosures to {args.out_dir} ({shown})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
